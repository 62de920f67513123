import FicheSync
import Foundation
import PostgresNIO
import TestKit
import Testing
@testable import PRBot

/// The outbox's writing side on a real Postgres: messages written in the caller's
/// transaction, once per key, whoever races.
@Suite struct OutboxTests {
    static let now = utc("2026-12-02T09:00:00Z")

    static func message(_ key: String = "pr#1/member:a/referent-d0/email", subject: String = "Camille vient de créer sa fiche") throws -> OutboxMessage {
        try OutboxMessage(dedupeKey: key, channel: .email, recipient: "marius.tellier@beta.gouv.fr", subject: subject, text: "Bonjour", html: "<p>Bonjour</p>")
    }

    static func count(_ database: Database, _ table: String = "outbox") async throws -> Int {
        let rows = try await database.connection.query("SELECT count(*)::int FROM \(unescaped: table)", logger: TestDatabase.logger)
        for try await n in rows.decode(Int.self) { return n }
        return -1
    }

    @Test func aMessageIsWrittenWithItsTransactionOrNotAtAll() async throws {
        try await TestDatabase.with { databases in
            let database = databases[0]
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await database.transaction { connection in
                    try await Outbox.enqueue(try Self.message(), on: connection, now: Self.now, logger: TestDatabase.logger)
                    throw Abort()
                }
            }
            #expect(try await Self.count(database) == 0)
            let first = try await database.transaction { try await Outbox.enqueue(try Self.message(), on: $0, now: Self.now, logger: TestDatabase.logger) }
            let second = try await database.transaction { try await Outbox.enqueue(try Self.message(), on: $0, now: Self.now, logger: TestDatabase.logger) }
            #expect(first && !second)
            let rows = try await Outbox.rows(on: database.connection, logger: TestDatabase.logger)
            #expect(rows.count == 1)
            #expect(rows.first?.status == .pending)
            #expect(rows.first?.subject == "Camille vient de créer sa fiche")
        }
    }

    @Test func headerInjectionIsRefused() {
        #expect(throws: OutboxError.self) { try Self.message(subject: "Bonjour\r\nBcc: everyone@example.org") }
        #expect(throws: OutboxError.self) {
            try OutboxMessage(dedupeKey: "k", channel: .email, recipient: "a@b.fr\r\nRCPT TO:<x@y.fr>", subject: "s", text: "t")
        }
        for bad in ["a@b", "@b.fr", "a b@c.fr", "<a@b.fr>", "a@b.fr>", "a@@b.fr", "a@.fr", "é@b.fr"] {
            #expect(!EmailAddress.isValid(bad), "\(bad)")
        }
        #expect(EmailAddress.isValid("camille.dupont+pr@beta.gouv.fr"))
    }

    /// Two runners deciding the same reminder at once, on two connections: one records it
    /// and enqueues its messages, the other writes nothing.
    @Test func twoRunnersRacingMakeOneMessage() async throws {
        let settings = try await TestDatabase.makeSettings()
        try await TestDatabase.with(2, settings: settings) { databases in
            let opened = Self.now
            let pr = RemindablePullRequest(repository: "betagouv/beta.gouv.fr", number: 7, url: "https://x/7", openedAt: opened, state: .open,
                                         kind: .onboarding, memberID: "camille.dupont", referentID: "marius.tellier", authorEmail: nil,
                                         startupIDs: [], incubatorContact: nil)
            for round in 0..<10 {
                let later = opened.addingTimeInterval(Double(round) * 86_400)
                let due = ReminderSchedule.standard.due(pr, now: later)
                let results = try await withThrowingTaskGroup(of: Int.self) { group in
                    for database in databases {
                        group.addTask {
                            try await database.transaction { connection in
                                var recorded = 0
                                for reminder in due {
                                    let messages = reminder.recipient.isReachable ? [try Self.message(reminder.key + "/email")] : []
                                    if try await ReminderLedger.record(reminder, of: pr, messages: messages, on: connection, now: later,
                                                                       logger: TestDatabase.logger) { recorded += 1 }
                                }
                                return recorded
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.sorted().first == 0 || due.isEmpty, "round \(round): \(results)")
            }
            let entries = try await ReminderLedger.entries(repository: "betagouv/beta.gouv.fr", number: 7, on: databases[0].connection,
                                                           logger: TestDatabase.logger)
            #expect(entries.filter { $0.outcome == "queued" }.count == (try await Self.count(databases[0])))
            #expect(entries.contains { $0.outcome == "unreachable" && $0.audience == "author" })
            let keys = try await ReminderLedger.recorded(entries.map(\.key) + ["nope"], on: databases[0].connection, logger: TestDatabase.logger)
            #expect(keys.count == entries.count)
        }
    }
}
