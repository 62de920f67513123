import Foundation
import Logging
import PostgresNIO

/// The outbox's writing side: messages are enqueued on the caller's connection, inside the
/// caller's transaction, so that they exist exactly when the state change that causes them
/// does (a rolled-back transition sends nothing; a committed one cannot lose its message).
public enum Outbox {
    /// Enqueues `message` on `connection`, which the caller has in a transaction (`BEGIN`
    /// done, `COMMIT` theirs). Returns whether it is new: a message whose key is already in
    /// the outbox (the same reminder decided by a second runner) is not written again. Two
    /// transactions racing on a key: the second waits on the unique index until the first
    /// ends, then writes nothing.
    @discardableResult
    public static func enqueue(_ message: OutboxMessage, on connection: PostgresConnection, now: Date, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("""
            INSERT INTO outbox (dedupe_key, channel, recipient, subject, text, html, created_at, next_attempt_at)
            VALUES (\(message.dedupeKey), \(message.channel.rawValue), \(message.recipient), \(message.subject), \(message.text),
                    \(message.html), \(now), \(now))
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
            """, logger: logger)
        var inserted = false
        for try await _ in rows.decode(Int64.self) { inserted = true }
        return inserted
    }

    /// A row of the outbox, as `fichesync outbox` lists it.
    public struct Row: Sendable, Equatable, Codable {
        public enum Status: String, Sendable, Equatable, Codable {
            /// Waiting for its first attempt.
            case pending
            /// Delivered (or skipped: no Mattermost account for the address).
            case sent
            /// Its last attempt failed; it is retried at `nextAttemptAt`.
            case failed
            /// The server refused it for good (a 5xx reply): kept, not retried until
            /// `fichesync outbox retry` re-arms it.
            case refused
        }

        public var id: Int64
        public var dedupeKey: String
        public var channel: String
        public var recipient: String
        public var subject: String
        public var createdAt: Date
        public var attempts: Int
        public var nextAttemptAt: Date
        public var sentAt: Date?
        public var lastError: String?
        public var skipped: String?
        public var refusedAt: Date?

        public var status: Status {
            if sentAt != nil { return .sent }
            if refusedAt != nil { return .refused }
            return lastError == nil ? .pending : .failed
        }
    }

    /// Every row, newest first (at most `limit`).
    public static func rows(on connection: PostgresConnection, limit: Int = 1000, logger: Logger) async throws -> [Row] {
        let rows = try await connection.query("""
            SELECT id, dedupe_key, channel, recipient, subject, created_at, attempts, next_attempt_at, sent_at, last_error, skipped, refused_at
            FROM outbox ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        var all: [Row] = []
        for try await (id, key, channel, recipient, subject, created, attempts, next, sent, error, skipped, refused) in rows.decode(
            (Int64, String, String, String, String, Date, Int, Date, Date?, String?, String?, Date?).self) {
            all.append(Row(id: id, dedupeKey: key, channel: channel, recipient: recipient, subject: subject, createdAt: created,
                           attempts: attempts, nextAttemptAt: next, sentAt: sent, lastError: error, skipped: skipped, refusedAt: refused))
        }
        return all
    }

    /// Re-arms refused rows (all of them, or those of `ids`) for the next delivery pass: what
    /// an operator does once the address or the server is put right. Returns how many.
    @discardableResult
    public static func retry(ids: [Int64]?, on connection: PostgresConnection, now: Date, logger: Logger) async throws -> Int {
        let rows = try await connection.query("""
            UPDATE outbox SET refused_at = NULL, next_attempt_at = \(now)
            WHERE refused_at IS NOT NULL AND sent_at IS NULL AND (\(ids)::bigint[] IS NULL OR id = ANY(\(ids)))
            RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int64.self) { count += 1 }
        return count
    }
}
