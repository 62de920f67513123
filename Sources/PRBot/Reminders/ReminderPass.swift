import FicheSync
import Foundation
import Logging
import PostgresNIO

/// Reads what the messages need from the synced catalog: the referent's and member's names,
/// the startups' titles and contacts.
public enum ReminderContacts {
    /// `memberName` is the name the PR gives (an onboarding member is not in the catalog
    /// before the merge); without it, the catalog's, else the id made readable.
    public static func context(for pr: RemindablePullRequest, memberName: String?, domain: String,
                               on connection: PostgresConnection, logger: Logger) async throws -> ReminderContext {
        var ids = [pr.memberID]
        if let referent = pr.referentID { ids.append(referent) }
        var names: [String: String] = [:]
        for try await (id, name) in try await connection.query("SELECT id, fullname FROM authors WHERE id = ANY(\(ids))", logger: logger)
            .decode((String, String).self) {
            names[id] = name
        }
        var startups: [String: ReminderContext.Startup] = [:]
        for try await (id, title, contact) in try await connection.query(
            "SELECT id, title, contact FROM startups WHERE id = ANY(\(pr.startupIDs))", logger: logger).decode((String, String, String).self) {
            startups[id] = ReminderContext.Startup(id: id, title: title, contact: contact)
        }
        let readable = pr.memberID.split(separator: ".").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        return ReminderContext(memberFullname: memberName ?? names[pr.memberID] ?? readable,
                               referentFullname: pr.referentID.flatMap { names[$0] },
                               startups: pr.startupIDs.compactMap { startups[$0] }, domain: domain)
    }
}

/// Decides a PR's due reminders and writes them (`reminders_sent` + outbox) on the caller's
/// connection: what the PR-tracking pass calls inside the transaction of its transition, and
/// what `run` does in a transaction per PR.
public struct ReminderPass: Sendable {
    public struct Report: Sendable, Equatable, Codable {
        /// Reminders recorded now with their messages.
        public var queued: [String] = []
        /// Reminders recorded now that nobody could receive, with why.
        public var unreachable: [String] = []
    }

    public let schedule: ReminderSchedule
    public let messages: ReminderMessages
    public let domain: String
    public let logger: Logger

    public init(schedule: ReminderSchedule = .standard, messages: ReminderMessages, domain: String, logger: Logger) {
        self.schedule = schedule
        self.messages = messages
        self.domain = domain
        self.logger = logger
    }

    /// Writes `pr`'s reminders due at `now` on `connection` (in the caller's transaction).
    public func enqueue(_ pr: RemindablePullRequest, memberName: String? = nil, now: Date, on connection: PostgresConnection) async throws -> Report {
        var report = Report()
        let due = schedule.due(pr, now: now)
        let done = try await ReminderLedger.recorded(due.map(\.key), on: connection, logger: logger)
        let pending = due.filter { !done.contains($0.key) }
        guard !pending.isEmpty else { return report }
        let context = try await ReminderContacts.context(for: pr, memberName: memberName, domain: domain, on: connection, logger: logger)
        for reminder in pending {
            let (messages, reason) = try messages.messages(for: reminder, of: pr, context: context, now: now)
            guard try await ReminderLedger.record(reminder, of: pr, messages: messages, note: reason, on: connection, now: now, logger: logger) else {
                continue
            }
            if messages.isEmpty {
                report.unreachable.append("\(reminder.key): \(reason ?? "unreachable")")
                logger.notice("reminder recipient cannot be reached", metadata: ["key": "\(reminder.key)", "reason": "\(reason ?? "")"])
            } else {
                report.queued.append(reminder.key)
            }
        }
        return report
    }

    /// `enqueue` for each PR, each in a transaction of its own.
    public func run(_ prs: [RemindablePullRequest], now: Date, database: Database) async throws -> Report {
        var report = Report()
        for pr in prs {
            // Most passes find every due reminder recorded: checked first, without a transaction.
            let due = schedule.due(pr, now: now).map(\.key)
            guard !due.isEmpty else { continue }
            let recorded = try await database.withConnection { try await ReminderLedger.recorded(due, on: $0, logger: logger) }
            guard recorded.count < due.count else { continue }
            let one = try await database.transaction { try await enqueue(pr, now: now, on: $0) }
            report.queued += one.queued
            report.unreachable += one.unreachable
        }
        return report
    }
}
