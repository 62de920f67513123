import FicheSync
import Foundation
import Logging
import PostgresNIO
import Providers

/// Where an outbox row goes: email over SMTP, or a Mattermost direct message.
public protocol MessageChannel: Sendable {
    /// Delivers `message`. Returns `nil` once delivered, or why nothing was to be delivered
    /// (no Mattermost account for the address: done, not failed); throws when it failed.
    func deliver(_ message: OutboxMessage, now: Date) async throws -> String?
}

/// Email through `SMTPSender`, its `Message-ID` derived from the row's key.
public struct EmailChannel: MessageChannel {
    public let sender: SMTPSender

    public init(sender: SMTPSender) { self.sender = sender }

    public func deliver(_ message: OutboxMessage, now: Date) async throws -> String? {
        let mail = try MailMessage(from: sender.settings.from, to: message.recipient, subject: message.subject, text: message.text,
                                   html: message.html, key: message.dedupeKey)
        try await sender.send(mail, date: now)
        return nil
    }
}

/// A Mattermost direct message from the bot to the account with the row's address, when
/// there is one.
public struct MattermostChannel: MessageChannel {
    public let client: MattermostClient

    public init(client: MattermostClient) { self.client = client }

    public func deliver(_ message: OutboxMessage, now: Date) async throws -> String? {
        guard let user = try await client.user(email: message.recipient) else { return "no Mattermost account for this address" }
        let bot = try await client.me()
        let channel = try await client.directChannel(bot.id, user.id)
        // The key as pending_post_id: Mattermost drops a second post with the same one.
        _ = try await client.post(channelID: channel.id, message: "**\(message.subject)**\n\n\(message.text)",
                                  pendingPostID: MattermostClient.pendingPostID(for: message.dedupeKey, userID: bot.id))
        return nil
    }
}

/// How long a failed row waits: 30 s after the first failure, doubling, at most 30 minutes —
/// a server down for an hour is retried about every half hour and nothing is dropped.
public struct OutboxBackoff: Sendable, Equatable {
    public var first: TimeInterval
    public var maximum: TimeInterval

    public init(first: TimeInterval = 30, maximum: TimeInterval = 1800) {
        self.first = first
        self.maximum = maximum
    }

    /// The wait after the `attempts`-th failed attempt (1 for the first).
    public func delay(afterAttempts attempts: Int) -> TimeInterval {
        min(maximum, first * pow(2, Double(max(0, min(attempts - 1, 30)))))
    }
}

/// One delivery pass over the outbox.
///
/// Each row is claimed with `FOR UPDATE SKIP LOCKED` in a transaction of its own (several
/// instances deliver at once without meeting), sent, and marked sent in that same transaction
/// once the send succeeded; a failure records the error and the next attempt (backoff) instead,
/// so a row is never lost.
///
/// The crash case, chosen knowingly: if the process dies after the SMTP server accepted a
/// message and before the commit, the row is still unsent and its lock goes with the
/// connection, so the next pass sends it again — at least once, never lost. The copy carries
/// the same `Message-ID` (derived from the outbox key) so receivers and mail clients can drop
/// it; Mattermost gets the same `pending_post_id`. The window is one round trip; the
/// alternative (marking sent before sending) would lose messages on the same crash.
public struct OutboxDelivery: Sendable {
    public struct Report: Sendable, Equatable, Codable {
        public var sent = 0
        public var skipped = 0
        public var failed = 0
        /// One line per failure: row id, recipient, error.
        public var errors: [String] = []
    }

    let database: Database
    let channels: [OutboxMessage.Channel: any MessageChannel]
    let backoff: OutboxBackoff
    let logger: Logger

    public init(database: Database, email: (any MessageChannel)?, mattermost: (any MessageChannel)?, backoff: OutboxBackoff = OutboxBackoff(),
                logger: Logger) {
        var channels: [OutboxMessage.Channel: any MessageChannel] = [:]
        channels[.email] = email
        channels[.mattermost] = mattermost
        self.channels = channels
        self.database = database
        self.backoff = backoff
        self.logger = logger
    }

    enum Outcome: Sendable {
        case sent, skipped, failed(String)
    }

    /// Delivers the rows due at `now` (at most `limit`), oldest first.
    public func deliverDue(now: Date, limit: Int = 500) async throws -> Report {
        var report = Report()
        for _ in 0..<limit {
            guard let outcome = try await deliverOne(now: now) else { break }
            switch outcome {
            case .sent: report.sent += 1
            case .skipped: report.skipped += 1
            case .failed(let line):
                report.failed += 1
                report.errors.append(line)
            }
        }
        return report
    }

    /// Claims, sends and marks one due row; `nil` when none is due (or all are claimed by others).
    func deliverOne(now: Date) async throws -> Outcome? {
        let logger = self.logger
        return try await database.transaction { connection -> Outcome? in
            let rows = try await connection.query("""
                SELECT id, dedupe_key, channel, recipient, subject, text, html, attempts FROM outbox
                WHERE sent_at IS NULL AND refused_at IS NULL AND next_attempt_at <= \(now)
                ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
                """, logger: logger)
            var claimed: (Int64, String, String, String, String, String, String?, Int)?
            for try await row in rows.decode((Int64, String, String, String, String, String, String?, Int).self) { claimed = row }
            guard let (id, key, channelName, recipient, subject, text, html, attempts) = claimed else { return nil }
            do {
                guard let kind = OutboxMessage.Channel(rawValue: channelName) else {
                    throw OutboxError(.invalidRow, "unknown channel \(channelName)")
                }
                let message = try OutboxMessage(dedupeKey: key, channel: kind, recipient: recipient, subject: subject, text: text, html: html)
                guard let channel = channels[kind] else { throw OutboxError(.noSender, "no \(kind.rawValue) sender is configured") }
                let skipped = try await channel.deliver(message, now: now)
                try await connection.query("""
                    UPDATE outbox SET sent_at = \(now), attempts = attempts + 1, last_error = NULL, skipped = \(skipped) WHERE id = \(id)
                    """, logger: logger)
                logger.info("outbox message delivered", metadata: ["id": "\(id)", "channel": "\(channelName)"])
                return skipped == nil ? .sent : .skipped
            } catch let error as SMTPError where error.isPermanentRefusal {
                // Retrying a mailbox that does not exist would knock on it forever: the row is
                // kept, marked refused, and waits for `fichesync outbox retry`.
                let text = String(describing: error).prefix(500)
                try await connection.query("""
                    UPDATE outbox SET attempts = attempts + 1, refused_at = \(now), last_error = \(String(text)) WHERE id = \(id)
                    """, logger: logger)
                logger.error("outbox message refused for good by the server", metadata: ["id": "\(id)", "error": "\(text)"])
                return .failed("#\(id) \(channelName) to \(recipient): refused for good (`fichesync outbox retry \(id)` once put right): \(text)")
            } catch {
                let next = now.addingTimeInterval(backoff.delay(afterAttempts: attempts + 1))
                let text = String(describing: error).prefix(500)
                try await connection.query("""
                    UPDATE outbox SET attempts = attempts + 1, next_attempt_at = \(next), last_error = \(String(text)) WHERE id = \(id)
                    """, logger: logger)
                logger.warning("outbox message not delivered, retried later", metadata: ["id": "\(id)", "error": "\(text)"])
                return .failed("#\(id) \(channelName) to \(recipient): \(text)")
            }
        }
    }
}
