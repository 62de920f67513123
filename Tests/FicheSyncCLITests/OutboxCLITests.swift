import FicheSync
import Foundation
import PostgresNIO
import Sandbox
import Testing
import TestKit

/// `fichesync outbox` and `fichesync outbox deliver` as a person runs them: a real database,
/// the binary as a child process, the sandbox's SMTP receiver on loopback.
@Suite struct OutboxCLITests {
    static func environment(_ url: String, _ extra: [String: String?] = [:]) -> [String: String?] {
        ["DATABASE_URL": url, "MAIL_HOST": nil, "MAIL_PORT": nil, "MAIL_USER": nil, "MAIL_PASS": nil, "MAIL_IGNORE_TLS": nil,
         "MAIL_FROM": nil, "MATTERMOST_URL": nil, "MATTERMOST_BOT_TOKEN": nil].merging(extra) { _, new in new }
    }

    func run(_ arguments: [String], _ home: TemporaryDirectory, _ environment: [String: String?]) async throws -> CLI.Run {
        let child = try await ChildProcess(arguments, home: home, environment: environment)
        return CLI.Run(status: try await child.wait(), stdout: child.stdout, stderr: child.stderr)
    }

    @Test func listDeliverAndListAgain() async throws {
        let home = try TemporaryDirectory()
        let settings = try await TestDatabase.makeSettings()
        guard case .url(let url) = settings else { throw CLIProblem("not a URL") }
        try await TestDatabase.with(settings: settings) { databases in
            try await databases[0].connection.query("""
                INSERT INTO outbox (dedupe_key, channel, recipient, subject, text, html)
                VALUES ('pr#1/a/email', 'email', 'lea@example.org', 'PR en attente', 'Bonjour Léa', '<p>Bonjour Léa</p>'),
                       ('pr#1/b/mattermost', 'mattermost', 'ulysse.bernier@beta.gouv.fr', 'Léa vient de créer sa fiche Github', 'Bonjour', NULL)
                """, logger: TestDatabase.logger)
        }
        let empty = try await run(["outbox"], home, Self.environment(url))
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.contains("2 pending, 0 sent, 0 failed"), "\(empty.stdout)")

        // No MAIL_HOST: the sandbox receiver, said so.
        let sandboxed = try await run(["outbox", "deliver"], home, Self.environment(url))
        #expect(sandboxed.status == 1, "\(sandboxed.stdout)\(sandboxed.stderr)")  // the Mattermost row has no sender
        #expect(sandboxed.stdout.contains("sandbox: no MAIL_HOST"), "\(sandboxed.stdout)")
        #expect(sandboxed.stdout.contains("sandbox: received for lea@example.org: PR en attente"), "\(sandboxed.stdout)")
        #expect(sandboxed.stdout.contains("1 sent, 0 skipped, 1 failed"), "\(sandboxed.stdout)")

        let json = try await run(["outbox", "--format", "json"], home, Self.environment(url))
        #expect(json.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["status"] as? String }) == ["sent", "failed"])
        #expect(rows.contains { ($0["lastError"] as? String)?.contains("no mattermost sender") == true })

        // A real receiver through MAIL_*: nothing is due again (the sent one is done, the failed one waits its backoff).
        let server = try await FakeSMTPServer.start()
        defer { Task { try? await server.stop() } }
        let again = try await run(["outbox", "deliver"], home, Self.environment(url, ["MAIL_HOST": "127.0.0.1", "MAIL_PORT": String(server.port),
                                                                                       "MAIL_IGNORE_TLS": "true", "MAIL_PASS": "hunter2",
                                                                                       "MAIL_USER": "bot"]))
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("0 sent, 0 skipped, 0 failed"), "\(again.stdout)")
        #expect(!again.stdout.contains("hunter2") && !again.stderr.contains("hunter2"))
        #expect(server.mails.isEmpty)

        let bad = try await run(["outbox", "deliver"], home, Self.environment(url, ["MAIL_HOST": "127.0.0.1", "MAIL_PORT": "smtp"]))
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("MAIL_PORT"), "\(bad.stderr)")
    }
}

struct CLIProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
