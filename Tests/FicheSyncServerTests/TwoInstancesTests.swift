import AsyncHTTPClient
import FicheSync
import Foundation
import PostgresNIO
import TestKit
import Testing

/// Two `fichesync serve` processes against one database, as behind a proxy: both answer,
/// both run the scheduler, and each tick of a job is run by exactly one of them — none
/// skipped because each thought the other had it, none run twice.
@Suite struct TwoInstancesTests {
    @Test(.timeLimit(.minutes(6))) func twoServeProcessesRunEachTickOnce() async throws {
        let settings = try await TestDatabase.makeSettings()
        guard case .url(let url) = settings else { Issue.record("a URL database"); return }
        var environment = ServeCommandTests.environment
        environment["DATABASE_URL"] = url
        // One cheap job every minute (it reads the catalog and the ledger), the others off.
        for job in ["SYNC", "RECONCILE", "PRS_TICK", "OUTBOX", "MAILING_LISTS"] { environment["FICHESYNC_JOB_\(job)"] = "off" }
        environment["FICHESYNC_JOB_MEMBER_NOTICES"] = "* * * * *"
        let homes = try [TemporaryDirectory(), TemporaryDirectory()]
        var children: [ChildProcess] = []
        for home in homes { children.append(try await ChildProcess(["serve", "--port", "0"], home: home, environment: environment)) }
        defer { for child in children where child.status == nil { kill(child.pid, SIGKILL) } }
        var ports: [Int] = []
        for child in children { ports.append(try await ServeCommandTests.port(of: child)) }
        let started = Date()
        for port in ports {
            let health = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(30))
            #expect(health.status == .ok)
        }

        try await TestDatabase.with(settings: settings) { databases in
            let connection = databases[0].connection
            func runs() async throws -> [(Date, String, String?)] {
                var found: [(Date, String, String?)] = []
                for try await row in try await connection.query("""
                    SELECT scheduled_for, instance, result FROM job_runs
                    WHERE job = 'member-notices' AND NOT manual AND scheduled_for > \(started) ORDER BY scheduled_for
                    """, logger: TestDatabase.logger).decode((Date, String, String?).self) {
                    found.append(row)
                }
                return found
            }
            // Three whole minutes after both are up: ticks at three minute boundaries at least.
            let deadline = ContinuousClock.now + .seconds(240)
            while try await runs().filter({ $0.2 != nil }).count < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .seconds(1))
            }
            let ended = try await runs().filter { $0.2 != nil }
            #expect(ended.count >= 3, "\(ended)")
            #expect(ended.allSatisfy { $0.2 == "ok" }, "\(ended)")
            // One run a tick, and no tick between the first and the last without its run.
            let minutes = ended.map { Int($0.0.timeIntervalSince1970 / 60) }
            #expect(Set(minutes).count == minutes.count, "a tick run twice: \(ended)")
            if let first = minutes.first, let last = minutes.last {
                #expect(minutes == Array(first...last), "a tick skipped: \(ended)")
            }
        }
        for child in children {
            kill(child.pid, SIGTERM)
            #expect(try await child.wait(timeout: .seconds(60)) == 0, "\(child.stderr.suffix(2000))")
        }
    }
}
