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

/// Issue 12's member notices over 60 simulated days: the calendar passed in, two runners
/// racing twice a day (08:00 and 10:00 Paris), each deciding and delivering (libcurl to the SMTP
/// receiver on loopback, the fake Mattermost), a real Postgres, one member extended mid-way.
/// Each notice is recorded once, its messages enqueued once and delivered once.
@Suite struct MemberNoticeTimelineTests {
    static let logger = TestDatabase.logger

    static func insertMember(_ id: String, _ fullname: String, end: FicheDate, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO authors (id, path, fullname, role, badges, competences, teams, previously, legacy_startups, end_date, front_matter)
            VALUES (\(id), \("content/_authors/\(id).md"), \(fullname), 'Développeuse', '{}', '{}', '{}', '{}', '{}', \(end.description)::date, '{}')
            """, logger: logger)
    }

    @Test func sixtyDaysTwoRunnersEachNoticeOnce() async throws {
        let start = try #require(FicheDate(year: 2026, month: 3, day: 1))
        func day(_ n: Int) -> FicheDate { start.adding(days: n) }
        let smtp = try await FakeSMTPServer.start()
        let mattermost = try await FakeMattermostServer.start()
        defer { Task { try? await smtp.stop(); try? await mattermost.stop() } }
        // Alice and Bob have Mattermost accounts; Chloé and Eve do not (their direct messages are skipped).
        mattermost.addUser(username: "alice.durand", email: "alice.durand@beta.gouv.fr", teams: [mattermost.communityTeamID])
        mattermost.addUser(username: "bob.martin", email: "bob.martin@beta.gouv.fr", teams: [mattermost.communityTeamID])
        let email = EmailChannel(sender: SMTPSender(settings: try SMTPSettings(host: "127.0.0.1", port: smtp.port, ignoreTLS: true,
                                                                               from: "secretariat@beta.gouv.fr", timeout: 5)))
        let chat = MattermostChannel(client: MattermostClient(http: HTTPClient.shared, credentials: mattermost.credentials, policy: .fastRetries()))
        let settings = try await TestDatabase.makeSettings()
        try await TestDatabase.with(2, settings: settings) { databases in
            let connection = databases[0].connection
            try await Self.insertMember("alice.durand", "Alice Durand", end: day(35), on: connection)
            try await Self.insertMember("bob.martin", "Bob Martin", end: day(10), on: connection)
            try await Self.insertMember("chloe.petit", "Chloé Petit", end: day(25), on: connection)
            try await Self.insertMember("dan.ancien", "Dan Ancien", end: day(-100), on: connection)
            try await Self.insertMember("eve.partie", "Eve Partie", end: day(-3), on: connection)
            try await connection.query("INSERT INTO email_redirection_targets (member, address) VALUES ('bob.martin', 'bob@example.org')",
                                       logger: Self.logger)
            let messages = MemberNoticeMessages(texts: try await MemberNoticeTexts.load(), domain: "beta.gouv.fr",
                                                publicURL: "https://fichesync.example/")
            let pass = MemberNoticePass(messages: messages, logger: Self.logger)
            var queuedByDay: [Int: [String]] = [:]
            for n in 0..<60 {
                // Chloé's mission is extended on day 20, before the morning run: from day 25 to day 50.
                if n == 20 {
                    try await connection.query("UPDATE authors SET end_date = \(day(50).description)::date WHERE id = 'chloe.petit'",
                                               logger: Self.logger)
                }
                for hour in [8, 10] {
                    let now = ParisTime.instant(day(n), minute: hour * 60)
                    let today = day(n)
                    let reports = try await withThrowingTaskGroup(of: MemberNoticePass.Report.self) { group in
                        for database in databases {
                            group.addTask {
                                let report = try await pass.run(today: today, now: now, database: database)
                                _ = try await OutboxDelivery(database: database, email: email, mattermost: chat, logger: Self.logger).deliverDue(now: now)
                                return report
                            }
                        }
                        return try await group.reduce(into: [MemberNoticePass.Report]()) { $0.append($1) }
                    }
                    for report in reports { queuedByDay[n, default: []] += report.queued }
                    #expect(reports.allSatisfy { $0.unreachable.isEmpty })
                }
            }
            func key(_ member: String, _ kind: String, _ end: Int) -> String { "member-notice/\(member)/\(kind)/\(day(end))" }
            let expected: [Int: [String]] = [
                0: [key("bob.martin", "ending-15", 10), key("chloe.petit", "ending-30", 25), key("eve.partie", "departure-1", -3)],
                5: [key("alice.durand", "ending-30", 35)],
                8: [key("bob.martin", "ending-2", 10)],
                10: [key("chloe.petit", "ending-15", 25)],
                11: [key("bob.martin", "departure-1", 10)],
                20: [key("alice.durand", "ending-15", 35), key("chloe.petit", "ending-30", 50)],
                27: [key("eve.partie", "departure-30", -3)],
                33: [key("alice.durand", "ending-2", 35)],
                35: [key("chloe.petit", "ending-15", 50)],
                36: [key("alice.durand", "departure-1", 35)],
                40: [key("bob.martin", "departure-30", 10)],
                48: [key("chloe.petit", "ending-2", 50)],
                51: [key("chloe.petit", "departure-1", 50)],
            ]
            // Each queued by exactly one runner, on its day (the first run of the day).
            #expect(queuedByDay.filter { !$0.value.isEmpty }.mapValues { $0.sorted() } == expected.mapValues { $0.sorted() })

            let ledger = try await MemberNoticeLedger.entries(on: connection, logger: Self.logger)
            #expect(ledger.count == 16)
            #expect(ledger.allSatisfy { $0.outcome == "queued" })
            for entry in ledger {
                // Decided at 08:00 Paris on its day.
                let local = ParisTime.local(entry.decidedAt)
                #expect(local.minute == 8 * 60, "\(entry)")
                let n = local.day.dayNumber - start.dayNumber
                #expect(expected[n]?.contains(key(entry.member, entry.kind, (FicheDate(iso: entry.endDate)?.dayNumber ?? 0) - start.dayNumber)) == true,
                        "\(entry)")
            }

            // Two messages a notice (email to the community address, Mattermost), but J+30:
            // Bob's email goes to his own address (the mailbox is deleted), Eve has none (Mattermost only).
            let rows = try await Outbox.rows(on: connection, logger: Self.logger)
            #expect(rows.count == 31)
            #expect(Set(rows.map(\.dedupeKey)).count == 31)
            let bobLast = rows.filter { $0.dedupeKey.hasPrefix(key("bob.martin", "departure-30", 10)) }.map { "\($0.channel) \($0.recipient)" }.sorted()
            #expect(bobLast == ["email bob@example.org", "mattermost bob.martin@beta.gouv.fr"])
            let eveLast = rows.filter { $0.dedupeKey.hasPrefix(key("eve.partie", "departure-30", -3)) }.map { "\($0.channel) \($0.recipient)" }
            #expect(eveLast == ["mattermost eve.partie@beta.gouv.fr"])
            #expect(rows.allSatisfy { $0.status == .sent }, "\(rows.filter { $0.status != .sent })")
            #expect(rows.filter { $0.skipped != nil }.map(\.recipient).sorted() == Array(repeating: "chloe.petit@beta.gouv.fr", count: 6)
                + Array(repeating: "eve.partie@beta.gouv.fr", count: 2))

            // Delivered once each: 15 emails, 8 direct messages (Alice's and Bob's 4 notices).
            let received = smtp.mails.map(\.recipients).map { $0.joined(separator: ",") }
            #expect(received.count == 15)
            #expect(Dictionary(grouping: received) { $0 }.mapValues(\.count) == [
                "alice.durand@beta.gouv.fr": 4, "bob.martin@beta.gouv.fr": 3, "bob@example.org": 1,
                "chloe.petit@beta.gouv.fr": 6, "eve.partie@beta.gouv.fr": 1,
            ])
            #expect(Set(smtp.mails.map { $0.parsed.header("Message-ID") ?? "" }).count == 15)
            #expect(mattermost.directMessages(toEmail: "alice.durand@beta.gouv.fr").count == 4)
            #expect(mattermost.directMessages(toEmail: "bob.martin@beta.gouv.fr").count == 4)
            let alice = rows.filter { $0.dedupeKey == key("alice.durand", "ending-30", 35) + "/email" }
            #expect(alice.map(\.recipient) == ["alice.durand@beta.gouv.fr"])
            #expect(alice.map(\.subject) == ["Ta mission se termine dans 30 jours, le 5 avril 2026"])

            var text = ""
            for try await body in try await connection.query("SELECT text FROM outbox WHERE dedupe_key = \(key("alice.durand", "ending-30", 35) + "/email")",
                                                               logger: Self.logger).decode(String.self) { text = body }
            #expect(text.hasPrefix("Bonjour Alice Durand,\n"))
            #expect(text.contains("ta mission se termine le 5 avril 2026, dans 30 jours"))
            #expect(text.contains("https://fichesync.example/members/alice.durand/prolonger\n"))
            var html = ""
            for try await body in try await connection.query("SELECT html FROM outbox WHERE dedupe_key = \(key("chloe.petit", "ending-30", 50) + "/email")",
                                                               logger: Self.logger).decode(String.self) { html = body }
            #expect(html.contains("<a href=\"https://fichesync.example/members/chloe.petit/prolonger\">"))
            #expect(html.contains("Chloé Petit"))
        }
    }
}
