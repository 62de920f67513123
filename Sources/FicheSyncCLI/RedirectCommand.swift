import Accounts
import ArgumentParser
import FicheSync
import Foundation

struct RedirectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redirect",
        abstract: "Show, set or clear where a member's mail is redirected.",
        discussion: """
        The fiches hold no personal address. Attributaires get a redirection of \
        <id>@SECRETARIAT_DOMAIN instead of a mailbox, other members one when they ask; the next \
        `fichesync reconcile` creates it on OVH (and deletes one to an older address). Without an \
        address, an existing redirection is left as it is, and active attributaires are listed by \
        reconcile as waiting for one.
        """
    )

    @Argument(help: "The member's id (firstname.lastname).")
    var id: String

    @Argument(help: "The address to redirect to (omit to show the current one).")
    var address: String?

    @Flag(help: "Forget the address (redirections already on OVH are then left as they are).")
    var clear = false

    func validate() throws {
        guard Validator.isValidAuthorID(id) else { throw ValidationError("\"\(id)\" is not a member id (firstname.lastname)") }
        if let address, !Validator.isValidEmailAddress(address) {
            throw ValidationError("\"\(address)\" is not an email address fichesync can redirect to")
        }
        if address != nil && clear { throw ValidationError("give an address or --clear, not both") }
        let domain = Environment.settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr"
        if let address, address.lowercased() == "\(id)@\(domain)".lowercased() {
            throw ValidationError("\(address) would redirect to itself")
        }
    }

    func run() async throws {
        // `nil`: no such member.
        let (id, address, clear) = (self.id, self.address, self.clear)
        let message = try await Environment.withDatabase { database -> String? in
            try await database.withConnection { connection -> String? in
                guard try await MemberDirectory(connection: connection, logger: Environment.logger).exists(id) else { return nil }
                let targets = RedirectionTargets(connection: connection, logger: Environment.logger)
                if clear {
                    try await targets.clear(id)
                    return "\(id): no redirection address"
                }
                if let address {
                    try await targets.set(address, for: id)
                    return "\(id): mail redirected to \(address) from the next reconcile"
                }
                return "\(id): " + (try await targets.address(of: id) ?? "no redirection address")
            }
        }
        guard let message else { throw UnknownMember(id: id) }
        print(message)
    }
}
