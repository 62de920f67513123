import Accounts
import ArgumentParser
import FicheSync
import Foundation

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Show members' account states (email, Mattermost, GitHub) as reconcile left them."
    )

    @Argument(help: "One member's id (default: every member reconcile acted on).")
    var id: String?

    @Option(help: "Output: table or json.")
    var format: ListFormat = .table

    func validate() throws {
        if let id, !Validator.isValidAuthorID(id) { throw ValidationError("\"\(id)\" is not a member id (firstname.lastname)") }
    }

    func run() async throws {
        let states = try await Environment.withDatabase { database in
            if let id { try await UnknownMember.check(id, in: database) }
            return try await database.withConnection { try await AccountState.load(member: id, from: $0, logger: Environment.logger) }
        }
        if format == .json {
            print(try jsonString(states))
            return
        }
        if let id, states.isEmpty {
            print("\(id): no account operation journaled yet (run `fichesync reconcile`)")
            return
        }
        printTable(header: ["id", "email", "mattermost", "github"], rows: states.map { [$0.member, $0.email, $0.mattermost, $0.github + ($0.githubAccount.map { " (\($0))" } ?? "")] })
    }
}
