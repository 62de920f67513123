import Accounts
import FicheSync
import Foundation
import Logging
import PostgresNIO

/// A member's page: the public data of their synced fiche, each account's state as the
/// journal knows it, the last operations the journal holds for them, and their open PRs.
/// The id is validated (`prenom.nom`) by the caller before it reaches here; every value
/// still goes to SQL as a bound parameter.
struct MemberOverview: Sendable {
    struct Operation: Sendable, Equatable {
        var provider: String
        var action: String
        var target: String
        var status: String
        var at: String
    }

    var detail: MemberDirectory.Detail
    var link: String?
    var competences: [String]
    var accounts: AccountState?
    /// Why each account stands where it does today, and what comes next: from the same
    /// record and rules the reconcile planner uses.
    var standings: [AccountStanding]
    var operations: [Operation]
    var pullRequests: [PendingPullRequests.Item]

    static let operationsShown = 10

    /// `nil` when no synced fiche has this id.
    static func read(_ id: String, from database: Database, rules: AccountSettings, today: FicheDate,
                     now: Date = Date()) async throws -> MemberOverview? {
        let logger = database.logger
        let found: (MemberDirectory.Detail, String?, [String], AccountState?, [Operation], [AccountStanding])? = try await database.withConnection { connection in
            guard let detail = try await MemberDirectory(connection: connection, logger: logger).member(id, today: today) else { return nil }
            var link: String?, competences: [String] = []
            let extra = try await connection.query("SELECT link, competences FROM authors WHERE id = \(id)", logger: logger)
            for try await (url, skills) in extra.decode((String?, [String]).self) {
                link = url
                competences = skills
            }
            let accounts = try await AccountState.load(member: id, from: connection, logger: logger).first
            var operations: [Operation] = []
            let rows = try await connection.query("""
                SELECT provider, action, target, status, coalesce(finished_at, created_at)::text FROM account_operations
                WHERE member = \(id) ORDER BY id DESC LIMIT \(operationsShown)
                """, logger: logger)
            for try await (provider, action, target, status, at) in rows.decode((String, String, String, String, String).self) {
                operations.append(Operation(provider: provider, action: action, target: target, status: status, at: at))
            }
            let record = try await MemberRecord.load(member: id, from: connection, logger: logger).first
            let standings = record.map { AccountStanding.explain($0, settings: rules, today: today) } ?? []
            return (detail, link, competences, accounts, operations, standings)
        }
        guard let (detail, link, competences, accounts, operations, standings) = found else { return nil }
        let pulls = try await PendingPullRequests.read(from: database, member: id, now: now)
        return MemberOverview(detail: detail, link: link, competences: competences, accounts: accounts, standings: standings, operations: operations,
                              pullRequests: pulls)
    }
}
