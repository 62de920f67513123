import ArgumentParser
import AsyncHTTPClient
import FicheSync
import FicheSyncServer
import Foundation
import PRBot
import Providers
import Sandbox

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "The PR bot's messages (email, Mattermost): list them, or deliver the due ones.",
        discussion: """
        Every message is written to the outbox in the transaction of the change that causes it, \
        then delivered by `fichesync outbox deliver`: email over SMTP (MAIL_HOST, MAIL_PORT, \
        MAIL_USER, MAIL_PASS, MAIL_FROM; STARTTLS required unless MAIL_IGNORE_TLS=true), Mattermost \
        direct messages where the address has an account (MATTERMOST_URL, MATTERMOST_BOT_TOKEN). \
        A failed message is retried with backoff, never dropped; one the server refused for good \
        (a 5xx reply: no such mailbox) is kept as refused until `fichesync outbox retry` re-arms it.
        """,
        subcommands: [OutboxList.self, OutboxDeliver.self, OutboxRetry.self],
        defaultSubcommand: OutboxList.self
    )
}

struct OutboxList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Each message with its status: pending, sent, failed (retried at `next`) or refused (kept, not retried)."
    )

    @Option(help: "Output: table or json.")
    var format: ListFormat = .table

    func validate() throws {
        guard format != .csv else { throw ValidationError("--format is table or json") }
    }

    func run() async throws {
        let rows = try await Environment.withDatabase { database in
            try await database.withConnection { try await Outbox.rows(on: $0, logger: Environment.logger) }
        }
        if format == .json {
            struct Shown: Encodable {
                var id: Int64, key: String, channel: String, recipient: String, subject: String, status: String
                var attempts: Int, createdAt: Date, nextAttemptAt: Date?, sentAt: Date?, lastError: String?, skipped: String?
            }
            let shown = rows.map {
                Shown(id: $0.id, key: $0.dedupeKey, channel: $0.channel, recipient: $0.recipient, subject: $0.subject, status: $0.status.rawValue,
                      attempts: $0.attempts, createdAt: $0.createdAt, nextAttemptAt: $0.sentAt == nil ? $0.nextAttemptAt : nil,
                      sentAt: $0.sentAt, lastError: $0.lastError, skipped: $0.skipped)
            }
            print(try jsonString(shown, dates: .iso8601))
            return
        }
        if rows.isEmpty {
            print("the outbox is empty")
            return
        }
        let time = ISO8601DateFormatter()
        printTable(header: ["id", "status", "channel", "recipient", "subject", "attempts", "when", "error or note"], rows: rows.map { row in
            let when = row.sentAt.map { "sent " + time.string(from: $0) }
                ?? row.refusedAt.map { "refused " + time.string(from: $0) } ?? "next " + time.string(from: row.nextAttemptAt)
            return [String(row.id), row.status.rawValue, row.channel, row.recipient, String(row.subject.prefix(50)), String(row.attempts),
                    when, String((row.skipped ?? row.lastError ?? "").prefix(60))]
        })
        let counts = Dictionary(grouping: rows, by: \.status).mapValues(\.count)
        print("\(counts[.pending] ?? 0) pending, \(counts[.sent] ?? 0) sent, \(counts[.failed] ?? 0) failed, \(counts[.refused] ?? 0) refused")
    }
}

struct OutboxDeliver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "One delivery pass: send the due messages, retry the failed ones whose time has come.",
        discussion: """
        Without MAIL_HOST, email goes to a sandbox SMTP receiver started for this run (it says so \
        and lists what it received); export `fichesync sandbox`'s MAIL_* lines to keep them readable \
        at its /mail. Exit 1 when a message failed (it stays in the outbox, retried later).
        """
    )

    func run() async throws {
        let environment = Environment.settings.environment
        let smtp: SMTPSettings?
        do {
            smtp = try SMTPSettings.fromEnvironment(environment)
        } catch {
            fail("\(error)")
        }
        var receiver: FakeSMTPServer?
        let settings: SMTPSettings
        if let smtp {
            settings = smtp
        } else {
            let started = try await FakeSMTPServer.start()
            receiver = started
            let domain = Environment.settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr"
            settings = try SMTPSettings(host: "127.0.0.1", port: started.port, ignoreTLS: true,
                                        from: environment["MAIL_FROM"] ?? "secretariat@\(domain)")
            print("sandbox: no MAIL_HOST: email goes to the sandbox SMTP receiver on 127.0.0.1:\(started.port), for this run only")
        }
        let mattermost = PullRequestFollowUp.mattermost(Environment.settings)
        if mattermost == nil {
            print("mattermost: not configured (MATTERMOST_URL, MATTERMOST_BOT_TOKEN): its messages wait in the outbox")
        }
        let email = EmailChannel(sender: SMTPSender(settings: settings))
        let report = try await Environment.withDatabase { database in
            try await OutboxDelivery(database: database, email: email, mattermost: mattermost, logger: Environment.logger).deliverDue(now: Date())
        }
        if let receiver {
            for mail in receiver.mails {
                print("sandbox: received for \(mail.recipients.joined(separator: ", ")): \(mail.parsed.subject)")
            }
            try? await receiver.stop()
        }
        print("\(report.sent) sent, \(report.skipped) skipped, \(report.failed) failed (smtp: \(settings))")
        for line in report.errors { print("  failed: \(line)") }
        if report.failed > 0 { throw ExitCode(1) }
    }
}

struct OutboxRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Re-arm messages the server refused for good, once the address or the server is put right."
    )

    @Argument(help: "The ids of the refused messages (all of them when none is given).")
    var ids: [Int64] = []

    func run() async throws {
        let count = try await Environment.withDatabase { database in
            try await database.withConnection {
                try await Outbox.retry(ids: ids.isEmpty ? nil : ids, on: $0, now: Date(), logger: Environment.logger)
            }
        }
        print("\(count) refused message\(count == 1 ? "" : "s") re-armed: the next delivery pass sends \(count == 1 ? "it" : "them")")
    }
}
