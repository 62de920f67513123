import FicheSync
import Foundation
import Logging
import PostgresNIO
import TestKit
import Testing
@testable import PRBot

/// The French texts, rendered with the member's data, user input escaped in HTML; and a
/// reminder pass from schedule to outbox on a synced catalog.
@Suite struct ReminderTextsTests {
    static let opened = utc("2026-12-01T09:00:00Z")

    static func pr(referent: String? = "marius.tellier", startups: [String] = ["auxAJ", "e-inspé"]) -> RemindablePullRequest {
        RemindablePullRequest(repository: "betagouv/beta.gouv.fr", number: 42, url: "https://github.com/betagouv/beta.gouv.fr/pull/42",
                            openedAt: opened, state: .open, kind: .onboarding, memberID: "zoe.martin", referentID: referent,
                            authorEmail: "zoe@example.org", startupIDs: startups, incubatorContact: "incubateur@example.org")
    }

    static let context = ReminderContext(memberFullname: "Zoé <b>Martin</b> & Cie", referentFullname: "Marius Tellier",
                                         startups: [.init(id: "auxAJ", title: "Aux AJ", contact: "contact@auxaj.example"),
                                                    .init(id: "e-inspé", title: "e-INSPÉ", contact: "pas une adresse")],
                                         domain: "beta.gouv.fr")

    @Test func everyTemplateRendersInFrenchWithTheMembersData() async throws {
        let messages = ReminderMessages(texts: try await ReminderTexts.load())
        let now = utc("2026-12-11T10:00:00Z")
        let due = ReminderSchedule.standard.due(Self.pr(), now: now)
        var byStep: [String: [OutboxMessage]] = [:]
        for reminder in due + ReminderSchedule.standard.due(Self.pr(), now: Self.opened) {
            byStep[reminder.step.name, default: []] += try messages.messages(for: reminder, of: Self.pr(), context: Self.context, now: now).messages
        }
        let notice = try #require(byStep["referent-d0"]?.first)
        #expect(notice.subject == "Zoé <b>Martin</b> & Cie vient de créer sa fiche Github")
        #expect(notice.recipient == "marius.tellier@beta.gouv.fr")
        #expect(notice.text.hasPrefix("Bonjour Marius Tellier,\n"))
        #expect(notice.text.contains("a besoin de toi"))
        #expect(notice.html?.contains("Zoé &lt;b&gt;Martin&lt;/b&gt; &amp; Cie") == true)
        #expect(notice.html?.contains("<b>Martin") == false)
        #expect(byStep["referent-d0"]?.map(\.channel) == [.email, .mattermost])
        let author = try #require(byStep["author-d7"]?.first)
        #expect(author.subject == "PR en attente")
        #expect(author.recipient == "zoe@example.org")
        #expect(author.text.contains("coche verte ✔") && author.text.contains("ne veut pas dire qu'elle est fusionnée"))
        #expect(author.text.contains("depuis 10 jours"))
        let team = try #require(byStep["team-d7"]?.first)
        #expect(team.subject == "Zoé <b>Martin</b> & Cie a besoin de vous pour obtenir ses accès @beta.gouv.fr")
        #expect(team.text.contains("Pourriez-vous") && team.text.contains("Aux AJ"))
        #expect(byStep["team-d7"]?.count == 1)  // e-INSPÉ's contact is not an address
        let incubator = try #require(byStep["incubator-d10"]?.first)
        #expect(incubator.text.contains("Aux AJ, e-INSPÉ") && incubator.text.contains("Pourriez-vous"))
        let reminder = try #require(byStep["referent-d5"]?.first)
        #expect(reminder.subject == "Rappel : Zoé <b>Martin</b> & Cie attend toujours ta validation")
        for message in byStep.values.flatMap({ $0 }) {
            #expect(!message.text.contains("{{") && !message.text.hasPrefix("\n"), "\(message.dedupeKey)")
        }
    }

    /// Schedule → reminders_sent + outbox on a real catalog, twice: the second pass writes nothing.
    @Test func aPassRecordsEachReminderOnceAndListsTheUnreachable() async throws {
        try await TestDatabase.with { databases in
            let database = databases[0]
            try await database.connection.query("""
                INSERT INTO startups (id, path, title, mission, incubator_id, contact, sponsors, incubators, techno, usertypes, thematiques, front_matter)
                VALUES ('auxAJ', 'content/_startups/auxAJ.md', 'Aux AJ', 'm', 'i', 'contact@auxaj.example', '{}', '{}', '{}', '{}', '{}', '{}')
                """, logger: TestDatabase.logger)
            let pass = ReminderPass(messages: ReminderMessages(texts: try await ReminderTexts.load()), domain: "beta.gouv.fr", logger: TestDatabase.logger)
            let now = utc("2026-12-04T10:00:00Z")
            let pr = Self.pr(referent: nil, startups: ["auxAJ", "absent"])
            let first = try await pass.run([pr], now: now, database: database)
            #expect(first.queued.count == 2)  // the author's day 3 and Aux AJ's team
            #expect(first.unreachable.count == 2)  // no referent, a startup not in the catalog
            let again = try await pass.run([pr], now: now.addingTimeInterval(600), database: database)
            #expect(again == ReminderPass.Report())
            let rows = try await Outbox.rows(on: database.connection, logger: TestDatabase.logger)
            #expect(Set(rows.map(\.recipient)) == ["zoe@example.org", "contact@auxaj.example"])
            let entries = try await ReminderLedger.entries(repository: pr.repository, number: pr.number, on: database.connection, logger: TestDatabase.logger)
            #expect(entries.count == 4)
            #expect(entries.contains { $0.outcome == "unreachable" && $0.note == "the fiche names no referent" })
        }
    }
}
