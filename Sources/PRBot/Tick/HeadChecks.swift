import FicheSync
import Foundation
import Logging
import PostgresNIO

/// Checks every open followed PR whose head was not checked yet: a new PR, a new push, a
/// reopened one. What the PR tick runs after its poll, and the service after a
/// `pull_request` webhook.
///
/// A head is checked once across instances: each check holds the PR's advisory lock in a
/// transaction, re-reads `checked_sha` under it, and records the head in that transaction
/// once GitHub has the check run. A crash before the commit leaves the head unchecked, so
/// the next pass checks it again (one check run more, on the same sha, never one less).
public struct HeadChecks: Sendable {
    public struct Checked: Sendable, Equatable {
        public var number: Int
        public var headSHA: String
        /// What the check said (`2 errors, 0 warnings`), or nothing when it failed.
        public var summary: String?
        public var error: String?
    }

    /// Checks one PR's head; returns a one-line summary. `rebuilt` says, in words, that the bot
    /// rebuilt the PR's branch on its new base just before (for the preview comment).
    public typealias Check = @Sendable (_ pull: FollowedPullRequest, _ today: FicheDate, _ rebuilt: String?) async throws -> String

    let database: Database
    let check: Check
    let logger: Logger

    public init(database: Database, logger: Logger, check: @escaping Check) {
        self.database = database
        self.check = check
        self.logger = logger
    }

    /// Checks the unchecked heads of `repository`'s open PRs (at most `numbers`, when given).
    public func run(repository: String, numbers: Set<Int>? = nil, rebuilt: [Int: String] = [:], now: Date) async throws -> [Checked] {
        let pending = try await database.withConnection { connection in
            try await Self.unchecked(repository: repository, on: connection, logger: logger)
        }.filter { numbers?.contains($0) ?? true }
        var done: [Checked] = []
        for number in pending {
            if let one = try await checkOne(repository: repository, number: number, today: FicheDate.today(at: now), rebuilt: rebuilt[number]) {
                done.append(one)
            }
        }
        return done
    }

    func checkOne(repository: String, number: Int, today: FicheDate, rebuilt: String?) async throws -> Checked? {
        let logger = self.logger
        let check = self.check
        return try await database.transaction { connection -> Checked? in
            let locked = try await connection.query(
                "SELECT pg_try_advisory_xact_lock(hashtextextended(\(repository) || '#' || \(number)::text, 7013))", logger: logger)
            for try await acquired in locked.decode(Bool.self) where !acquired { return nil }
            let store = PullRequestStore(connection: connection, logger: logger)
            guard let pull = try await store.find(repository: repository, number: number), pull.state == .open,
                  try await Self.unchecked(repository: repository, on: connection, logger: logger).contains(number) else { return nil }
            do {
                let summary = try await check(pull, today, rebuilt)
                try await connection.query("""
                    UPDATE pull_requests SET checked_sha = \(pull.headSHA) WHERE repository = \(repository) AND number = \(number)
                    """, logger: logger)
                logger.info("pull request checked", metadata: ["number": "\(number)", "head": "\(pull.headSHA.prefix(12))", "summary": "\(summary)"])
                return Checked(number: number, headSHA: pull.headSHA, summary: summary)
            } catch {
                logger.warning("pull request check failed; the next pass tries again", metadata: ["number": "\(number)", "error": "\(error)"])
                return Checked(number: number, headSHA: pull.headSHA, error: String(describing: error))
            }
        }
    }

    static func unchecked(repository: String, on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        var numbers: [Int] = []
        for try await number in try await connection.query("""
            SELECT number FROM pull_requests
            WHERE repository = \(repository) AND state = 'open' AND checked_sha IS DISTINCT FROM head_sha ORDER BY number
            """, logger: logger).decode(Int.self) {
            numbers.append(number)
        }
        return numbers
    }
}
