import AsyncHTTPClient
import FicheSync
import Foundation
import Logging
import PostgresNIO
import Providers
import Sandbox
import TestKit
import Testing
@testable import PRBot

/// Delivery on a real Postgres, through libcurl to the sandbox's real SMTP server and over
/// HTTP to the fake Mattermost: retried with backoff, never lost, never sent twice.
@Suite struct OutboxDeliveryTests {
    static let start = utc("2026-12-02T09:00:00Z")
    static let logger = TestDatabase.logger

    static func email(_ server: FakeSMTPServer) throws -> EmailChannel {
        EmailChannel(sender: SMTPSender(settings: try SMTPSettings(host: "127.0.0.1", port: server.port, ignoreTLS: true,
                                                                   from: "secretariat@beta.gouv.fr", timeout: 5)))
    }

    static func enqueue(_ count: Int, on database: Database, channel: OutboxMessage.Channel = .email,
                        recipient: (Int) -> String = { "membre\($0)@beta.gouv.fr" }) async throws {
        try await database.transaction { connection in
            for i in 0..<count {
                let message = try OutboxMessage(dedupeKey: "pr#\(i)/step/\(channel.rawValue)", channel: channel, recipient: recipient(i),
                                                subject: "Rappel n°\(i) : ta fiche attend", text: "Bonjour \(i)", html: "<p>Bonjour \(i)</p>")
                try await Outbox.enqueue(message, on: connection, now: start, logger: logger)
            }
        }
    }

    @Test func backoffDoublesUpToHalfAnHour() {
        let backoff = OutboxBackoff()
        #expect((1...8).map { backoff.delay(afterAttempts: $0) } == [30, 60, 120, 240, 480, 960, 1800, 1800])
    }

    /// SMTP refusing for an hour (down, then 4xx on DATA, then a dropped connection): every
    /// message is kept, retried on the backoff's schedule, and delivered once when it is back.
    @Test func smtpDownForAnHourLosesNothingAndSendsNothingTwice() async throws {
        let server = try await FakeSMTPServer.start()
        defer { Task { try? await server.stop() } }
        try await TestDatabase.with { databases in
            let database = databases[0]
            try await Self.enqueue(3, on: database)
            let delivery = OutboxDelivery(database: database, email: try Self.email(server), mattermost: nil, logger: Self.logger)
            server.setDown(true)
            var now = Self.start
            var attemptsWhileDown = 0
            while now < Self.start.addingTimeInterval(3600) {
                let report = try await delivery.deliverDue(now: now)
                #expect(report.sent == 0)
                attemptsWhileDown += report.failed
                now += 60
            }
            // 30 s, 1, 2, 4, 8, 16, 30 min: 7 or 8 attempts per message in the hour, not 60.
            #expect((18...27).contains(attemptsWhileDown), "\(attemptsWhileDown)")
            let rows = try await Outbox.rows(on: database.connection, logger: Self.logger)
            #expect(rows.count == 3 && rows.allSatisfy { $0.status == .failed && $0.lastError != nil })
            server.setDown(false)
            server.inject([.refuseData, .dropAtData])
            var sent = 0
            while now < Self.start.addingTimeInterval(3 * 3600) {
                sent += try await delivery.deliverDue(now: now).sent
                now += 60
            }
            #expect(sent == 3)
            let mails = server.mails
            #expect(mails.count == 3)
            #expect(Set(mails.map { $0.parsed.header("Message-ID") ?? "" }).count == 3)
            #expect(Set(mails.flatMap(\.recipients)) == ["membre0@beta.gouv.fr", "membre1@beta.gouv.fr", "membre2@beta.gouv.fr"])
            #expect(mails.allSatisfy { $0.parsed.subject.hasPrefix("Rappel n°") })
            let after = try await Outbox.rows(on: database.connection, logger: Self.logger)
            #expect(after.allSatisfy { $0.status == .sent && $0.lastError == nil })
            #expect(try await delivery.deliverDue(now: now.addingTimeInterval(86_400)).sent == 0)
        }
    }

    /// A mailbox the server says does not exist (550 at RCPT) is not knocked on forever: its
    /// row is marked refused after one attempt, kept with the reply, left alone by later
    /// passes while the others go out, and `Outbox.retry` re-arms it once the address is right.
    @Test func aPermanentRefusalIsKeptAndNotRetriedUntilReArmed() async throws {
        let server = try await FakeSMTPServer.start()
        defer { Task { try? await server.stop() } }
        try await TestDatabase.with { databases in
            let database = databases[0]
            try await Self.enqueue(3, on: database)
            server.refuseMailbox("membre1@beta.gouv.fr")
            let delivery = OutboxDelivery(database: database, email: try Self.email(server), mattermost: nil, logger: Self.logger)
            let first = try await delivery.deliverDue(now: Self.start)
            #expect(first.sent == 2 && first.failed == 1)
            #expect(first.errors.first?.contains("refused for good") == true, "\(first.errors)")
            var rows = try await Outbox.rows(on: database.connection, logger: Self.logger)
            let refused = try #require(rows.first { $0.recipient == "membre1@beta.gouv.fr" })
            #expect(refused.status == .refused && refused.attempts == 1)
            #expect(refused.lastError?.contains("550") == true, "\(refused.lastError ?? "")")
            for hour in 1...24 {
                #expect(try await delivery.deliverDue(now: Self.start.addingTimeInterval(Double(hour) * 3600)).failed == 0)
            }
            rows = try await Outbox.rows(on: database.connection, logger: Self.logger)
            #expect(rows.first { $0.id == refused.id }?.attempts == 1)
            #expect(server.mails.count == 2)

            let later = Self.start.addingTimeInterval(90_000)
            #expect(try await Outbox.retry(ids: [refused.id], on: database.connection, now: later, logger: Self.logger) == 1)
            #expect(try await Outbox.retry(ids: nil, on: database.connection, now: later, logger: Self.logger) == 0)
            // Still no mailbox: refused again, once; then it exists and goes out.
            #expect(try await delivery.deliverDue(now: later).failed == 1)
            server.acceptMailboxes()
            #expect(try await Outbox.retry(ids: nil, on: database.connection, now: later, logger: Self.logger) == 1)
            #expect(try await delivery.deliverDue(now: later).sent == 1)
            #expect(server.mails.count == 3)
        }
    }

    /// Two instances delivering at once (SKIP LOCKED): each message goes out once.
    @Test func twoDeliverersSendEachMessageOnce() async throws {
        let server = try await FakeSMTPServer.start()
        defer { Task { try? await server.stop() } }
        let settings = try await TestDatabase.makeSettings()
        try await TestDatabase.with(2, settings: settings) { databases in
            try await Self.enqueue(100, on: databases[0])
            let channel = try Self.email(server)
            let started = ContinuousClock.now
            let reports = try await withThrowingTaskGroup(of: OutboxDelivery.Report.self) { group in
                for database in databases {
                    group.addTask {
                        try await OutboxDelivery(database: database, email: channel, mattermost: nil, logger: Self.logger)
                            .deliverDue(now: Self.start)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - started
            #expect(reports.map(\.sent).reduce(0, +) == 100)
            #expect(server.mails.count == 100)
            #expect(Set(server.mails.flatMap(\.recipients)).count == 100)
            print("outbox delivery, 2 deliverers, 100 emails through libcurl to the loopback receiver: \(elapsed)")
        }
    }

    /// A member with a Mattermost account gets a direct message from the bot; an address
    /// without one is done (skipped), not failed.
    @Test func mattermostDirectMessagesWhereThereIsAnAccount() async throws {
        let mattermost = try await FakeMattermostServer.start()
        defer { Task { try? await mattermost.stop() } }
        mattermost.addUser(username: "membre0", email: "membre0@beta.gouv.fr", teams: [mattermost.communityTeamID])
        try await TestDatabase.with { databases in
            let database = databases[0]
            try await Self.enqueue(2, on: database, channel: .mattermost)
            let client = MattermostClient(http: HTTPClient.shared, credentials: mattermost.credentials, policy: .fastRetries())
            let delivery = OutboxDelivery(database: database, email: nil, mattermost: MattermostChannel(client: client), logger: Self.logger)
            let report = try await delivery.deliverDue(now: Self.start)
            #expect(report.sent == 1 && report.skipped == 1 && report.failed == 0)
            let posts = mattermost.directMessages(toEmail: "membre0@beta.gouv.fr")
            #expect(posts.count == 1)
            #expect(posts.first?.message.contains("Rappel n°0") == true)
            #expect(posts.first?.userID == mattermost.bot.id)
            // The same key posted again (a resend after a crash) is dropped by pending_post_id.
            let channel = try await client.directChannel(mattermost.bot.id, try #require(try await client.user(email: "membre0@beta.gouv.fr")).id)
            _ = try await client.post(channelID: channel.id, message: "again", pendingPostID: MattermostClient.pendingPostID(for: "pr#0/step/mattermost", userID: mattermost.bot.id))
            #expect(mattermost.directMessages(toEmail: "membre0@beta.gouv.fr").count == 1)
            let rows = try await Outbox.rows(on: database.connection, logger: Self.logger)
            #expect(rows.contains { $0.skipped == "no Mattermost account for this address" })
        }
    }

    @Test func aChannelWithoutSenderWaitsAndIsNotLost() async throws {
        try await TestDatabase.with { databases in
            try await Self.enqueue(1, on: databases[0], channel: .mattermost)
            let report = try await OutboxDelivery(database: databases[0], email: nil, mattermost: nil, logger: Self.logger).deliverDue(now: Self.start)
            #expect(report.failed == 1)
            #expect(report.errors.first?.contains("no mattermost sender") == true)
        }
    }
}
