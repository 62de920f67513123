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

/// Issue 11's 45-day timeline end to end: the clock passed in, two runners racing at every
/// tick (each deciding reminders and delivering), a real Postgres, libcurl to the SMTP
/// receiver on loopback, the fake Mattermost. Exactly the expected messages, once each.
@Suite struct ReminderTimelineTests {
    @Test func fortyFiveDaysTwoRunnersEachMessageOnce() async throws {
        let smtp = try await FakeSMTPServer.start()
        let mattermost = try await FakeMattermostServer.start()
        defer { Task { try? await smtp.stop(); try? await mattermost.stop() } }
        mattermost.addUser(username: "marius.tellier", email: "marius.tellier@beta.gouv.fr", teams: [mattermost.communityTeamID])
        let settings = try await TestDatabase.makeSettings()
        try await TestDatabase.with(2, settings: settings) { databases in
            try await databases[0].connection.query("""
                INSERT INTO startups (id, path, title, mission, incubator_id, contact, sponsors, incubators, techno, usertypes, thematiques, front_matter)
                VALUES ('auxAJ', 'a', 'Aux AJ', 'm', 'i', 'equipe@auxaj.example', '{}', '{}', '{}', '{}', '{}', '{}'),
                       ('e-inspe', 'b', 'e-INSPÉ', 'm', 'i', 'contact@e-inspe.example', '{}', '{}', '{}', '{}', '{}', '{}')
                """, logger: TestDatabase.logger)
            // Wednesday 18 March 2026, 16:20 Paris: the DST change falls on day 11.
            let opened = paris(2026, 3, 18, 16, 20)
            var pr = RemindablePullRequest(repository: "betagouv/beta.gouv.fr", number: 9, url: "https://github.com/betagouv/beta.gouv.fr/pull/9",
                                         openedAt: opened, state: .open, kind: .onboarding, memberID: "lea.martin", referentID: "marius.tellier",
                                         authorEmail: "lea@example.org", startupIDs: ["auxAJ", "e-inspe"], incubatorContact: "incubateur@example.org")
            let texts = try await ReminderTexts.load()
            let pass = ReminderPass(messages: ReminderMessages(texts: texts), domain: "beta.gouv.fr", logger: TestDatabase.logger)
            let email = EmailChannel(sender: SMTPSender(settings: try SMTPSettings(host: "127.0.0.1", port: smtp.port, ignoreTLS: true,
                                                                                   from: "secretariat@beta.gouv.fr", timeout: 5)))
            let chat = MattermostChannel(client: MattermostClient(http: HTTPClient.shared, credentials: mattermost.credentials, policy: .fastRetries()))
            let started = ContinuousClock.now
            var now = opened
            // Every 2 hours for 45 days (16:20, 18:20…: a 9:00 step goes at 10:20); the PR is merged on day 30 (nothing after).
            while now < opened.addingTimeInterval(45 * 86_400) {
                if now >= opened.addingTimeInterval(30 * 86_400) { pr.state = .merged }
                let tick = now
                let followed = pr
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for database in databases {
                        group.addTask {
                            _ = try await pass.run([followed], now: tick, database: database)
                            _ = try await OutboxDelivery(database: database, email: email, mattermost: chat, logger: TestDatabase.logger)
                                .deliverDue(now: tick)
                        }
                    }
                    try await group.waitForAll()
                }
                now += 7200
            }
            let elapsed = ContinuousClock.now - started
            let received = smtp.mails.map { ($0.recipients[0], $0.parsed.subject) }
            let expected: [(String, String)] = [
                ("marius.tellier@beta.gouv.fr", "Lea Martin vient de créer sa fiche Github"),       // d0, 16:20 Wednesday
                ("lea@example.org", "PR en attente"),                                              // d1 Thursday
                ("marius.tellier@beta.gouv.fr", "Rappel : Lea Martin attend toujours ta validation"), // d2 Friday
                ("lea@example.org", "PR en attente"),                                              // d2
                ("lea@example.org", "PR en attente"),                                              // d3 Saturday → Monday 9:00
                ("equipe@auxaj.example", "Lea Martin a besoin de vous pour obtenir ses accès @beta.gouv.fr"),
                ("contact@e-inspe.example", "Lea Martin a besoin de vous pour obtenir ses accès @beta.gouv.fr"),
                ("marius.tellier@beta.gouv.fr", "Rappel : Lea Martin attend toujours ta validation"), // d5 Monday
                ("lea@example.org", "PR en attente"),                                              // d5
                ("lea@example.org", "PR en attente"),                                              // d7 Wednesday
                ("equipe@auxaj.example", "Lea Martin a besoin de vous pour obtenir ses accès @beta.gouv.fr"),
                ("contact@e-inspe.example", "Lea Martin a besoin de vous pour obtenir ses accès @beta.gouv.fr"),
                ("incubateur@example.org", "La fiche de Lea Martin attend depuis 11 jours"),       // d10 Saturday → Monday 30, 9:00
            ]
            // Two deliverers send one tick's messages at once: compared in order of recipient and subject.
            let order: ((String, String), (String, String)) -> Bool = { ($0.0, $0.1) < ($1.0, $1.1) }
            #expect(received.sorted(by: order).map { "\($0.0) \($0.1)" } == expected.sorted(by: order).map { "\($0.0) \($0.1)" })
            let referentText = try #require(smtp.mails.first { $0.recipients == ["marius.tellier@beta.gouv.fr"] }?.parsed.text)
            #expect(referentText.hasPrefix("Bonjour,\n"), "\(referentText)")
            #expect(Set(smtp.mails.map { $0.parsed.header("Message-ID") ?? "" }).count == expected.count)
            // The referent's three messages also as direct messages on Mattermost, once each.
            #expect(mattermost.directMessages(toEmail: "marius.tellier@beta.gouv.fr").count == 3)
            let rows = try await Outbox.rows(on: databases[0].connection, logger: TestDatabase.logger)
            #expect(rows.count == expected.count + 3 && rows.allSatisfy { $0.status == .sent })
            print("45-day timeline, 2 runners, ticks every 2 hours (540 ticks): \(elapsed)")
        }
    }
}
