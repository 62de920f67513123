import FicheSync
import Foundation
import Logging
import PostgresNIO

/// One run of the member notices (the `member-notices` job): reads the members whose end
/// date makes a notice possible today, decides what is due (``MemberNoticeSchedule``, pure),
/// and records each new notice with its messages in a transaction of its own — so two
/// runners racing, or the same day's second run, send nothing twice.
public struct MemberNoticePass: Sendable {
    public struct Report: Sendable, Equatable, Codable {
        /// Keys of the notices recorded now with their messages.
        public var queued: [String] = []
        /// Keys recorded now that nobody could receive, with why.
        public var unreachable: [String] = []

        /// One line for `job_runs`.
        public var summary: String {
            "\(queued.count) notices queued, \(unreachable.count) unreachable" + (queued.isEmpty ? "" : ": " + queued.joined(separator: ", "))
        }
    }

    public let schedule: MemberNoticeSchedule
    public let messages: MemberNoticeMessages
    public let logger: Logger

    public init(schedule: MemberNoticeSchedule = .standard, messages: MemberNoticeMessages, logger: Logger) {
        self.schedule = schedule
        self.messages = messages
        self.logger = logger
    }

    /// The members whose end date falls where a notice may be due `today`.
    public func candidates(today: FicheDate, on connection: PostgresConnection) async throws -> [NoticeMember] {
        let range = schedule.endDates(around: today)
        let rows = try await connection.query("""
            SELECT a.id, a.fullname, a.end_date::text, r.address
            FROM authors a LEFT JOIN email_redirection_targets r ON r.member = a.id
            WHERE a.end_date BETWEEN \(range.lowerBound.description)::date AND \(range.upperBound.description)::date
            ORDER BY a.id
            """, logger: logger)
        var members: [NoticeMember] = []
        for try await (id, fullname, end, address) in rows.decode((String, String, String, String?).self) {
            guard let endDate = FicheDate(iso: end) else { continue }
            members.append(NoticeMember(id: id, fullname: fullname.trimmingWhitespace(), endDate: endDate, personalAddress: address))
        }
        return members
    }

    /// Decides and records the notices due `today` (Europe/Paris); `now` dates the records
    /// and the outbox rows.
    public func run(today: FicheDate, now: Date, database: Database) async throws -> Report {
        let logger = self.logger
        let members = try await database.withConnection { try await candidates(today: today, on: $0) }
        var report = Report()
        for member in members {
            let due = schedule.due(member: member.id, endDate: member.endDate, today: today)
            guard !due.isEmpty else { continue }
            // Most runs find every due notice recorded: checked first, without a transaction.
            let recorded = try await database.withConnection { try await MemberNoticeLedger.recorded(due, on: $0, logger: logger) }
            for notice in due where !recorded.contains(notice.key) {
                let (outbox, reason) = try messages.messages(for: notice, member: member, today: today)
                let written = try await database.transaction { connection -> Bool in
                    // The end date read may have moved since (a sync in between): a notice is for the current one only.
                    var current: String?
                    for try await end in try await connection.query("SELECT end_date::text FROM authors WHERE id = \(member.id)", logger: logger)
                        .decode(String?.self) { current = end }
                    guard current == notice.endDate.description else { return false }
                    return try await MemberNoticeLedger.record(notice, messages: outbox, note: reason, on: connection, now: now, logger: logger)
                }
                guard written else { continue }
                if outbox.isEmpty {
                    report.unreachable.append("\(notice.key): \(reason ?? "unreachable")")
                    logger.notice("member notice cannot be delivered", metadata: ["key": "\(notice.key)", "reason": "\(reason ?? "")"])
                } else {
                    report.queued.append(notice.key)
                    logger.info("member notice queued", metadata: ["key": "\(notice.key)", "messages": "\(outbox.count)"])
                }
            }
        }
        return report
    }
}
