import Foundation
import Logging
import PostgresNIO

/// `reminders_sent`: each reminder decided once, with its messages enqueued in the same
/// transaction (the caller's), so two runners racing on a reminder make one set of messages.
public enum ReminderLedger {
    /// Records `reminder` and enqueues `messages` with it, on `connection` inside the caller's
    /// transaction. Returns `false`, writing nothing, when the reminder's key was recorded
    /// already (by an earlier pass, or a runner that got there first: the insert waits on
    /// the key's index for that runner's transaction, then finds it). A reminder without
    /// messages (nobody reachable) is recorded as `unreachable` with `note` saying why.
    @discardableResult
    public static func record(_ reminder: DueReminder, of pr: RemindablePullRequest, messages: [OutboxMessage], note: String? = nil,
                              on connection: PostgresConnection, now: Date, logger: Logger) async throws -> Bool {
        let outcome = messages.isEmpty ? "unreachable" : "queued"
        var reason = note
        if case .unreachable(let why) = reminder.recipient { reason = reason ?? why }
        let rows = try await connection.query("""
            INSERT INTO reminders_sent (key, repository, number, audience, step, recipient, outcome, note, decided_at)
            VALUES (\(reminder.key), \(pr.repository), \(pr.number), \(reminder.step.audience.rawValue), \(reminder.step.name),
                    \(reminder.recipient.keyPart), \(outcome), \(reason), \(now))
            ON CONFLICT (key) DO NOTHING
            RETURNING key
            """, logger: logger)
        var inserted = false
        for try await _ in rows.decode(String.self) { inserted = true }
        guard inserted else { return false }
        for message in messages { try await Outbox.enqueue(message, on: connection, now: now, logger: logger) }
        return true
    }

    /// One recorded reminder, as `fichesync prs` shows who was reminded and when.
    public struct Entry: Sendable, Equatable, Codable {
        public var key: String
        public var audience: String
        public var step: String
        public var recipient: String
        public var outcome: String
        public var note: String?
        public var decidedAt: Date
    }

    /// The reminders recorded for a PR, oldest first.
    public static func entries(repository: String, number: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Entry] {
        let rows = try await connection.query("""
            SELECT key, audience, step, recipient, outcome, note, decided_at FROM reminders_sent
            WHERE repository = \(repository) AND number = \(number) ORDER BY decided_at, key
            """, logger: logger)
        var all: [Entry] = []
        for try await (key, audience, step, recipient, outcome, note, decided) in rows.decode((String, String, String, String, String, String?, Date).self) {
            all.append(Entry(key: key, audience: audience, step: step, recipient: recipient, outcome: outcome, note: note, decidedAt: decided))
        }
        return all
    }

    /// The keys already recorded among `keys`: what a pass skips without rendering anything.
    public static func recorded(_ keys: [String], on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        let rows = try await connection.query("SELECT key FROM reminders_sent WHERE key = ANY(\(keys))", logger: logger)
        var found = Set<String>()
        for try await key in rows.decode(String.self) { found.insert(key) }
        return found
    }
}
