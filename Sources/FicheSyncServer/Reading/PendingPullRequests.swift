import FicheSync
import Foundation
import Logging
import PRBot
import PostgresNIO

/// The open pull requests the bot follows, each with its age and the reminders already sent
/// for it (`reminders_sent`: who, at which step, when), for `/prs` and a member's page.
struct PendingPullRequests: Sendable {
    struct Reminder: Sendable, Equatable {
        var audience: String
        var recipient: String
        var step: String
        var decidedAt: String
    }

    struct Item: Sendable {
        var pull: FollowedPullRequest
        var reminders: [Reminder]
        /// Whole days since it was opened.
        var ageDays: Int
    }

    /// Open PRs, newest first; only those touching `member`'s fiche when one is given.
    static func read(from database: Database, member: String? = nil, now: Date = Date()) async throws -> [Item] {
        let logger = database.logger
        return try await database.withConnection { connection in
            let open = try await PullRequestStore(connection: connection, logger: logger).all()
                .filter { pull in pull.state == .open && (member.map { pull.members.contains($0) } ?? true) }
            var reminders: [String: [Reminder]] = [:]
            let rows = try await connection.query("""
                SELECT repository, number, audience, recipient, step, decided_at::text FROM reminders_sent
                WHERE outcome = 'queued' ORDER BY decided_at
                """, logger: logger)
            for try await (repository, number, audience, recipient, step, at) in rows.decode((String, Int, String, String, String, String).self) {
                reminders["\(repository)#\(number)", default: []].append(Reminder(audience: audience, recipient: recipient, step: step, decidedAt: at))
            }
            return open.map { pull in
                Item(pull: pull, reminders: reminders["\(pull.repository)#\(pull.number)"] ?? [],
                     ageDays: max(0, Int(now.timeIntervalSince(pull.openedAt) / 86_400)))
            }
        }
    }
}
