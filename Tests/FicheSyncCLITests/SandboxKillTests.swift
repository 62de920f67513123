import Accounts
import Foundation
import PostgresNIO
import Testing
import TestKit
import Sandbox
@testable import FicheSync

#if canImport(Glibc)
import Glibc
#endif

/// `fichesync reconcile` against its built-in sandbox (no provider variables: the fakes run in
/// the reconcile process, their state kept in Postgres), stopped mid-apply. The fakes' state
/// dies with the process unless it was saved as they answered; if it was not, the next run
/// finds the sandbox as it was before and does everything again.
@Suite struct SandboxKillTests {
    /// A database, a generated content tree of `authors` synced into it, and the sandbox
    /// environment (every provider variable removed).
    struct Setup {
        var home: TemporaryDirectory
        var environment: [String: String?]
        var settings: DatabaseSettings
        /// The dry run's operations, by provider, and by `provider action`.
        var planned: [String: Int]
        var actions: [String: Int]
        var total: Int
    }

    static func setUp(authors: Int) async throws -> Setup {
        let settings = try await TestDatabase.makeSettings()
        guard case .url(let url) = settings else { throw POSIXError(.EINVAL) }
        let environment = ReconcileConfigurationTests.environment(databaseURL: url)
        let home = try TemporaryDirectory()
        let generate = try await ChildProcess(["generate", home.sub("content"), "--authors", "\(authors)"], home: home, environment: environment)
        #expect(try await generate.wait() == 0, "\(generate.stderr)")
        let sync = try await ChildProcess(["sync", home.sub("content")], home: home, environment: environment)
        #expect(try await sync.wait() == 0, "\(sync.stderr)")
        let dry = try await ChildProcess(["reconcile", "--dry-run", "--format", "json"], home: home, environment: environment)
        #expect(try await dry.wait() == 0, "\(dry.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        #expect(plan["sandbox"] as? Bool == true)
        let operations = try #require(plan["operations"] as? [[String: Any]])
        var planned: [String: Int] = [:], actions: [String: Int] = [:]
        for operation in operations {
            let (provider, action) = (operation["provider"] as? String ?? "?", operation["action"] as? String ?? "?")
            planned[provider, default: 0] += 1
            actions["\(provider) \(action)", default: 0] += 1
        }
        return Setup(home: home, environment: environment, settings: settings, planned: planned, actions: actions, total: operations.count)
    }

    static func scalar(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Int {
        for try await n in try await connection.query(query, logger: TestDatabase.logger).decode(Int.self) { return n }
        return 0
    }

    static func done(_ connection: PostgresConnection) async throws -> Int {
        try await scalar(connection, "SELECT count(*)::int FROM account_operations WHERE status = 'done'")
    }

    /// Waits for the dead process's session (and its locks) to end.
    static func locksGone(_ connection: PostgresConnection) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await scalar(connection, """
            SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory'
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """) > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Starts `reconcile`, waits until `threshold` operations are done, and sends `signal`.
    static func interrupt(_ setup: Setup, _ connection: PostgresConnection, at threshold: Int, with signal: Int32,
                          arguments: [String] = []) async throws -> ChildProcess {
        try await locksGone(connection)
        let run = try await ChildProcess(["reconcile"] + arguments, home: setup.home, environment: setup.environment)
        let deadline = ContinuousClock.now + .seconds(90)
        while try await done(connection) < threshold, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await run.kill(signal) == 128 + signal, "ended on its own before the signal: \(run.stdout)")
        return run
    }

    /// A saved fake's state, as the database holds it after a run that ended normally.
    static func savedState(_ connection: PostgresConnection, _ provider: String) async throws -> [String: Any] {
        let rows = try await connection.query("SELECT state::text FROM sandbox_state WHERE provider = \(provider)", logger: TestDatabase.logger)
        for try await text in rows.decode(String.self) {
            return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        Issue.record("no saved \(provider) state")
        return [:]
    }

    /// SIGKILL halfway through each provider's part of the plan, then a run to the end: no
    /// operation is done twice (the journal has one `done` row per operation), the fakes saw
    /// no second creation or invitation, and a last run plans nothing.
    @Test func killedSandboxRunKeepsWhatTheFakesAnswered() async throws {
        let setup = try await Self.setUp(authors: 400)
        try await TestDatabase.with(settings: setup.settings) { databases in
            let connection = databases[0].connection
            var before = 0
            for provider in ["ovh", "mattermost", "github"] {
                let planned = setup.planned[provider] ?? 0
                try #require(planned >= 20, "enough \(provider) operations to kill a run among them: \(setup.planned)")
                let threshold = before + planned / 2
                before += planned
                _ = try await Self.interrupt(setup, connection, at: threshold, with: SIGKILL)
                #expect(try await Self.scalar(connection, "SELECT count(*)::int FROM account_operations WHERE status IN ('pending', 'running')") > 0,
                        "the kill landed mid-apply")
            }
            #expect(try await Self.scalar(connection, "SELECT count(*)::int FROM sandbox_changes") > 0,
                    "the killed runs' changes were saved as they happened")

            try await Self.locksGone(connection)
            let last = try await ChildProcess(["reconcile"], home: setup.home, environment: setup.environment)
            #expect(try await last.wait() == 0, "\(last.stdout)\(last.stderr)")
            #expect(last.stdout.contains(" 0 failed"), "\(last.stdout)")
            let repeated = try await Self.scalar(connection, """
                SELECT count(*)::int FROM (SELECT idempotency_key FROM account_operations WHERE status = 'done'
                                           GROUP BY idempotency_key HAVING count(*) > 1) twice
                """)
            #expect(repeated == 0, "operations done twice: the sandbox had forgotten what the killed runs did")
            #expect(try await Self.scalar(connection, "SELECT count(*)::int FROM account_operations WHERE status IN ('pending', 'running', 'failed')") == 0)
            #expect(try await Self.scalar(connection, "SELECT count(*)::int FROM sandbox_changes") == 0, "folded into the saved state")

            let ovh = try await Self.savedState(connection, "ovh")
            let mattermost = try await Self.savedState(connection, "mattermost")
            let github = try await Self.savedState(connection, "github")
            #expect(ovh["duplicateCreations"] as? Int == 0)
            #expect(mattermost["repeatedInvitations"] as? Int == 0)
            #expect(github["repeatedInvitations"] as? Int == 0)
            // The fakes hold exactly what was planned, each made once.
            #expect((ovh["accounts"] as? [String: Any])?.count == setup.actions["ovh create"], "\(setup.actions)")
            // Mattermost lists no pending invitations: one the kill cut off before it reached the
            // fake counts as sent all the same (rather than risk a second email), at most 4.
            let invited = try #require((mattermost["invitations"] as? [String: [String]])?.values.map(\.count).reduce(0, +))
            let planned = try #require(setup.actions["mattermost invite"])
            #expect(invited <= planned && invited >= planned - 4, "\(invited) invited, \(planned) planned")
            #expect(github["invitationsSent"] as? Int == setup.actions["github invite"], "\(setup.actions)")

            let check = try await ChildProcess(["reconcile", "--dry-run"], home: setup.home, environment: setup.environment)
            #expect(try await check.wait() == 0)
            #expect(check.stdout.contains("sandbox: 0 to create, 0 to update, 0 to suspend, 0 to delete"), "\(check.stdout)")
        }
    }

    /// Ctrl-C (SIGINT) or SIGTERM mid-apply: the run says how far it went before it stops.
    @Test func interruptedRunSaysWhatItDid() async throws {
        let setup = try await Self.setUp(authors: 150)
        try await TestDatabase.with(settings: setup.settings) { databases in
            let connection = databases[0].connection
            let interrupted = try await Self.interrupt(setup, connection, at: setup.total / 3, with: SIGINT)
            let done = try await Self.done(connection)
            let line = try #require(CLI.Run.lines(interrupted.stdout).last, "nothing printed")
            let pattern = /interrupted: (\d+) of (\d+) operations done; run again to finish/
            let match = try #require(line.wholeMatch(of: pattern), "\(interrupted.stdout)")
            let (reported, planned) = (Int(match.1) ?? -1, Int(match.2) ?? -1)
            #expect(planned == setup.total)
            #expect(reported >= setup.total / 3 - 4 && reported <= done, "\(reported) reported, \(done) done in the journal, threshold \(setup.total / 3)")

            // SIGTERM, with --format json: the same, as a document.
            let threshold = done + (setup.total - done) / 2
            let terminated = try await Self.interrupt(setup, connection, at: threshold, with: SIGTERM, arguments: ["--format", "json"])
            let document = try #require(try JSONSerialization.jsonObject(with: Data(terminated.stdout.utf8)) as? [String: Any],
                                        "\(terminated.stdout)")
            #expect(document["interrupted"] as? Bool == true)
            // What was left: the first run's operations under way are done again unless the
            // fakes show them done (at most 4 at once).
            let left = try #require(document["planned"] as? Int)
            #expect(left <= setup.total - done && left >= setup.total - done - 4, "\(left) left, \(done) of \(setup.total) done")
            // The journal's count also holds the invitations the first run had in flight, which
            // this run settled as sent without doing them (at most 4).
            #expect((document["done"] as? Int ?? 0) >= threshold - done - 4)
            #expect((document["summary"] as? String)?.hasSuffix("run again to finish") == true)

            try await Self.locksGone(connection)
            let last = try await ChildProcess(["reconcile"], home: setup.home, environment: setup.environment)
            #expect(try await last.wait() == 0, "\(last.stdout)\(last.stderr)")
            #expect(last.stdout.contains(" 0 failed"), "\(last.stdout)")
        }
    }
}
