import FicheSync
import Foundation
import Logging
import PostgresNIO

/// `member_notices` (migration 0011): each notice decided once per member, kind and end
/// date, its messages enqueued in the same transaction (the caller's).
public enum MemberNoticeLedger {
    /// Records `notice` and enqueues `messages` with it, on `connection` inside the caller's
    /// transaction. Returns `false`, writing nothing, when it was recorded already (by an
    /// earlier run, or a runner that got there first: the insert waits on the key for that
    /// runner's transaction, then finds it). Without messages it is recorded `unreachable`.
    @discardableResult
    public static func record(_ notice: DueMemberNotice, messages: [OutboxMessage], note: String?, on connection: PostgresConnection,
                              now: Date, logger: Logger) async throws -> Bool {
        let outcome = messages.isEmpty ? "unreachable" : "queued"
        let rows = try await connection.query("""
            INSERT INTO member_notices (member, kind, end_date, outcome, note, decided_at)
            VALUES (\(notice.member), \(notice.kind.rawValue), \(notice.endDate.description)::date, \(outcome), \(note), \(now))
            ON CONFLICT (member, kind, end_date) DO NOTHING
            RETURNING member
            """, logger: logger)
        var inserted = false
        for try await _ in rows.decode(String.self) { inserted = true }
        guard inserted else { return false }
        for message in messages { try await Outbox.enqueue(message, on: connection, now: now, logger: logger) }
        return true
    }

    /// The keys (``DueMemberNotice/key``) already recorded among `notices`: what a run skips
    /// without rendering anything.
    public static func recorded(_ notices: [DueMemberNotice], on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        guard !notices.isEmpty else { return [] }
        let wanted = Set(notices.map(\.key))
        let rows = try await connection.query("""
            SELECT member, kind, end_date::text FROM member_notices WHERE member = ANY(\(Array(Set(notices.map(\.member)))))
            """, logger: logger)
        var found = Set<String>()
        for try await (member, kind, end) in rows.decode((String, String, String).self) {
            let key = "member-notice/\(member)/\(kind)/\(end)"
            if wanted.contains(key) { found.insert(key) }
        }
        return found
    }

    /// One recorded notice, for listings and tests.
    public struct Entry: Sendable, Equatable, Codable {
        public var member: String
        public var kind: String
        public var endDate: String
        public var outcome: String
        public var note: String?
        public var decidedAt: Date
    }

    /// Every recorded notice, in the order decided.
    public static func entries(on connection: PostgresConnection, logger: Logger) async throws -> [Entry] {
        let rows = try await connection.query("""
            SELECT member, kind, end_date::text, outcome, note, decided_at FROM member_notices ORDER BY decided_at, member, kind
            """, logger: logger)
        var all: [Entry] = []
        for try await (member, kind, end, outcome, note, decided) in rows.decode((String, String, String, String, String?, Date).self) {
            all.append(Entry(member: member, kind: kind, endDate: end, outcome: outcome, note: note, decidedAt: decided))
        }
        return all
    }
}
