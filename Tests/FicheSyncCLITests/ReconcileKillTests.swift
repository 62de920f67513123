import Foundation
import PostgresNIO
import Testing
import TestKit
import Sandbox
@testable import FicheSync

/// `fichesync reconcile` killed with SIGKILL in the middle of applying — no signal handler,
/// no cleanup, its Postgres session cut — and started again: the second process finishes the
/// work, the providers see nothing created or invited twice, and a third run plans nothing.
///
/// The in-process resume test (`ReconcileOVHTests.runKilledMidApplyResumes`) has to release the
/// run lock by hand; here the lock goes away with the dead session, as in production.
@Suite struct ReconcileKillTests {
    @Test func reconcileKilledMidApplyResumesInANewProcess() async throws {
        let sandbox = try await FakeSandbox.start()
        // Every answer 100 ms late: the plan (≈200 operations) takes seconds to apply, so the
        // kill lands in the middle of it.
        for (_, fake) in sandbox.fakes { fake.setFaults(Faults(slowEvery: 1, delay: .milliseconds(100), seed: 7)) }
        let settings = try await TestDatabase.makeSettings()
        guard case .url(let url) = settings else { Issue.record("a URL database"); return }
        var environment: [String: String?] = ["DATABASE_URL": url]
        for (name, value) in sandbox.exports { environment[name] = value }
        let home = try TemporaryDirectory()

        let sync = try await ChildProcess(["sync", Package.fixtures], home: home, environment: environment)
        #expect(try await sync.wait() == 0, "\(sync.stderr)")

        try await TestDatabase.with(settings: settings) { databases in
            let connection = databases[0].connection
            func count(_ status: String) async throws -> Int {
                let rows = try await connection.query("SELECT count(*)::int FROM account_operations WHERE status = \(status)",
                                                      logger: TestDatabase.logger)
                for try await n in rows.decode(Int.self) { return n }
                return 0
            }

            func scalar(_ query: PostgresQuery) async throws -> Int {
                for try await n in try await connection.query(query, logger: TestDatabase.logger).decode(Int.self) { return n }
                return 0
            }
            /// The dead process's session (and the run lock with it) ends a moment after the kill.
            func lockGone() async throws {
                let deadline = ContinuousClock.now + .seconds(30)
                while try await scalar("""
                    SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory'
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """) > 0, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }

            // The plan applies OVH creations, then Mattermost invitations, then GitHub ones;
            // each run is killed halfway through one of them.
            let dry = try await ChildProcess(["reconcile", "--dry-run", "--format", "json"], home: home, environment: environment)
            #expect(try await dry.wait() == 0)
            let plan = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
            let providers = try #require(plan["operations"] as? [[String: Any]]).compactMap { $0["provider"] as? String }
            var before = 0
            for provider in ["ovh", "mattermost", "github"] {
                let planned = providers.count(where: { $0 == provider })
                try #require(planned >= 8, "enough \(provider) operations to kill a run among them")
                // Halfway through the phase; for Mattermost, once its first operation is done
                // and an invitation is in flight (the phase holds other actions too, and under
                // load the invitations may all be done before half the phase is).
                let threshold = provider == "mattermost" ? before + 1 : before + planned / 2
                before += planned
                // For Mattermost, kill while an invitation is in flight (each answer takes
                // 100 ms): the phase also holds other actions, between which none may be.
                func invitationsInFlight() async throws -> Int {
                    try await scalar("""
                        SELECT count(*)::int FROM account_operations WHERE status = 'running' AND provider = 'mattermost' AND action = 'invite'
                        """)
                }
                // The moment seen and the kill are two steps: under load the invitation seen in
                // flight can be answered between them. Such a run was still killed mid-apply, so
                // the next one resumes it and is killed again, until a kill lands on one.
                var attempts = 0
                while true {
                    attempts += 1
                    try await lockGone()
                    let run = try await ChildProcess(["reconcile"], home: home, environment: environment)
                    let deadline = ContinuousClock.now + .seconds(60)
                    while ContinuousClock.now < deadline {
                        let reached = try await count("done") >= threshold
                        if reached, provider != "mattermost" { break }
                        if reached, try await invitationsInFlight() > 0 { break }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    #expect(try await run.kill() == 128 + SIGKILL, "ended on its own before the kill: \(run.stdout)")
                    let done = try await count("done"), running = try await count("running")
                    #expect(done >= threshold)
                    #expect(running + (try await count("pending")) > 0, "the kill landed mid-apply (\(done) done)")
                    if provider != "mattermost" { break }
                    if try await invitationsInFlight() > 0 { break }
                    try #require(attempts < 5, "killed with invitations in flight (5 tries)")
                }
            }

            try await lockGone()
            let second = try await ChildProcess(["reconcile"], home: home, environment: environment)
            #expect(try await second.wait() == 0, "\(second.stdout)\(second.stderr)")
            #expect(second.stdout.contains(" 0 failed"), "\(second.stdout)")
            #expect(try await count("pending") + count("running") + count("failed") == 0)

            let third = try await ChildProcess(["reconcile", "--dry-run"], home: home, environment: environment)
            #expect(try await third.wait() == 0)
            #expect(third.stdout.contains("0 to create, 0 to update, 0 to suspend, 0 to delete"), "\(third.stdout)")
        }
        #expect(sandbox.ovh.snapshot.duplicateCreations == 0)
        #expect(sandbox.mattermost.snapshot.repeatedInvitations == 0)
        #expect(sandbox.github.snapshot.repeatedInvitations == 0)
        #expect(sandbox.ovh.snapshot.accounts.count > 0)
        try await sandbox.stop()
    }
}
