import FicheSync
import Foundation
import Logging
import PostgresNIO

/// `pull_requests` and `webhook_deliveries`: every value reaches SQL as a bound parameter.
public struct PullRequestStore: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    static let columns = """
        repository, number, html_url, api_url, head_repository, head_branch, head_sha, base_branch, kind, members, referent,
        recruit_email, startups, state, draft, opened_at, merged_at, closed_at, last_observed_at, accounts_followed_at
        """

    /// One followed PR; with `locking`, its row stays locked until the transaction ends, so
    /// a webhook and a poll observing it at once apply their observations one after the other.
    public func find(repository: String, number: Int, locking: Bool = false) async throws -> FollowedPullRequest? {
        let rows = try await connection.query("""
            SELECT \(unescaped: Self.columns) FROM pull_requests WHERE repository = \(repository) AND number = \(number)
            \(unescaped: locking ? "FOR UPDATE" : "")
            """, logger: logger)
        return try await Self.decode(rows).first
    }

    /// Locks one PR (row or not yet) until the transaction ends.
    public func lock(repository: String, number: Int) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(repository) || '#' || \(number)::text, 7011))",
                                   logger: logger)
    }

    /// Every followed PR of `repository` (all repositories when `nil`), newest first.
    public func all(repository: String? = nil) async throws -> [FollowedPullRequest] {
        let rows = try await connection.query("""
            SELECT \(unescaped: Self.columns) FROM pull_requests WHERE \(repository)::text IS NULL OR repository = \(repository)
            ORDER BY opened_at DESC, number DESC
            """, logger: logger)
        return try await Self.decode(rows)
    }

    /// Writes what a transition decided (insert or update of the whole row).
    public func save(_ pull: FollowedPullRequest) async throws {
        try await connection.query("""
            INSERT INTO pull_requests (\(unescaped: Self.columns))
            VALUES (\(pull.repository), \(pull.number), \(pull.htmlURL), \(pull.apiURL), \(pull.headRepository), \(pull.headBranch),
                    \(pull.headSHA), \(pull.baseBranch), \(pull.kind.rawValue), \(pull.members), \(pull.referent), \(pull.recruitEmail),
                    \(pull.startups), \(pull.state.rawValue), \(pull.draft), \(pull.openedAt), \(pull.mergedAt), \(pull.closedAt),
                    \(pull.lastObservedAt), \(pull.accountsFollowedAt))
            ON CONFLICT (repository, number) DO UPDATE SET
                html_url = excluded.html_url, api_url = excluded.api_url, head_repository = excluded.head_repository,
                head_branch = excluded.head_branch, head_sha = excluded.head_sha, base_branch = excluded.base_branch,
                kind = excluded.kind, members = excluded.members, referent = excluded.referent,
                recruit_email = excluded.recruit_email, startups = excluded.startups, state = excluded.state,
                draft = excluded.draft, opened_at = excluded.opened_at, merged_at = excluded.merged_at,
                closed_at = excluded.closed_at, last_observed_at = excluded.last_observed_at,
                accounts_followed_at = excluded.accounts_followed_at, updated_at = now()
            """, logger: logger)
    }

    /// The merge's sync and reconcile are done for these PRs.
    public func markAccountsFollowed(repository: String, numbers: [Int], at time: Date) async throws {
        guard !numbers.isEmpty else { return }
        try await connection.query("""
            UPDATE pull_requests SET accounts_followed_at = \(time), updated_at = now()
            WHERE repository = \(repository) AND number = ANY(\(numbers)) AND state = 'merged'
            """, logger: logger)
    }

    /// Records a delivery; `false` when it was already processed (a redelivery). Inside the
    /// transaction of the delivery's effect: both are kept, or neither.
    public func claimDelivery(_ id: String, event: String, at time: Date) async throws -> Bool {
        let rows = try await connection.query("""
            INSERT INTO webhook_deliveries (delivery_id, event, received_at) VALUES (\(id), \(event), \(time))
            ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id
            """, logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [FollowedPullRequest] {
        var found: [FollowedPullRequest] = []
        for try await row in rows {
            let (repository, number, html, api, headRepository, headBranch, headSHA, baseBranch, kind, members, referent,
                 email, startups, state, draft, openedAt, mergedAt, closedAt, observedAt, followedAt) =
                try row.decode((String, Int, String, String, String?, String, String, String, String, [String], String?,
                                String?, [String], String, Bool, Date, Date?, Date?, Date, Date?).self)
            guard let kind = PullRequestKind(rawValue: kind), let state = PullRequestState(rawValue: state) else {
                throw StoredPullRequestProblem(repository: repository, number: number)
            }
            found.append(FollowedPullRequest(
                repository: repository, number: number, htmlURL: html, apiURL: api, headRepository: headRepository,
                headBranch: headBranch, headSHA: headSHA, baseBranch: baseBranch, kind: kind, members: members, referent: referent,
                recruitEmail: email, startups: startups, state: state, draft: draft, openedAt: openedAt, mergedAt: mergedAt,
                closedAt: closedAt, lastObservedAt: observedAt, accountsFollowedAt: followedAt))
        }
        return found
    }
}

/// A row whose kind or state this fichesync does not know (written by a newer one).
public struct StoredPullRequestProblem: Error, Sendable, CustomStringConvertible {
    public var repository: String
    public var number: Int
    public var description: String { "pull_requests row \(repository)#\(number) has a kind or state this fichesync does not know" }
}
