import Accounts
import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Scheduler
import TestKit
import Testing
@testable import FicheSyncServer

/// The operator's routes: a job run now through the JobRunner (its lock, its manual row),
/// a failed operation re-armed for the next reconcile, and nothing done without the token.
@Suite struct AdminRouteTests {
    static let token = "admin-test-token-0123456789"

    static func bearer(_ token: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        return headers
    }

    /// A job whose action counts its runs in a table of the test's database.
    static let parts: ServiceParts.Builder = { database, _ in
        try await database.client.query("CREATE TABLE admin_test_runs (at timestamptz NOT NULL DEFAULT now())", logger: TestDatabase.logger)
        let job = JobDefinition(name: "test-job", schedule: nil, summary: "counts its runs") { context in
            try await database.client.query("INSERT INTO admin_test_runs DEFAULT VALUES", logger: context.logger)
            return "counted"
        }
        return ServiceParts(jobs: [job])
    }

    func manualRuns(_ harness: ServerHarness) async throws -> Int {
        var count = 0
        let rows = try await harness.database.client.query("SELECT count(*)::int8 FROM job_runs WHERE job = 'test-job' AND manual",
                                                           logger: TestDatabase.logger)
        for try await n in rows.decode(Int64.self) { count = Int(n) }
        return count
    }

    @Test func aJobRunsNowOnlyWithTheTokenAndNotWhileItsLockIsHeld() async throws {
        try await ServerHarness.with(environment: ["FICHESYNC_ADMIN_TOKEN": Self.token], parts: Self.parts) { harness, client in
            for headers in [HTTPFields(), Self.bearer("wrong"), Self.bearer(Self.token + "x"), Self.bearer("")] {
                try await client.execute(uri: "/admin/jobs/test-job/run", method: .post, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                }
            }
            #expect(try await harness.count("admin_test_runs") == 0, "nothing ran without the token")
            try await client.execute(uri: "/admin/jobs/test-job/run?wait=true", method: .post, headers: Self.bearer(Self.token)) { response in
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(json?["ok"] as? Bool == true)
                #expect((json?["run"] as? [String: Any])?["summary"] as? String == "counted")
            }
            #expect(try await harness.count("admin_test_runs") == 1)
            #expect(try await manualRuns(harness) == 1, "recorded as manual")
            try await client.execute(uri: "/admin/jobs/no-such-job/run", method: .post, headers: Self.bearer(Self.token)) { response in
                #expect(response.status == .notFound)
            }
            // Another instance holds the job's lock: a run under way elsewhere.
            try await harness.database.withConnection { connection in
                try await connection.query("SELECT pg_advisory_lock(\(JobLock.key("test-job")))", logger: TestDatabase.logger)
                try await client.execute(uri: "/admin/jobs/test-job/run", method: .post, headers: Self.bearer(Self.token)) { response in
                    #expect(response.status == .conflict)
                }
                try await connection.query("SELECT pg_advisory_unlock(\(JobLock.key("test-job")))", logger: TestDatabase.logger)
            }
            #expect(try await harness.count("admin_test_runs") == 1, "not run while locked")
            try await Self.statusAndMetricsShowTheRun(client)
        }
    }

    /// A run started by hand answers at once with its claimed row, goes on in the background
    /// (a second start meanwhile is refused: its lock is held), and ends recorded.
    @Test func aJobStartedByHandAnswersOnceStartedAndRunsToItsEnd() async throws {
        let (opened, gate) = AsyncStream.makeStream(of: Void.self)
        let parts: ServiceParts.Builder = { _, _ in
            ServiceParts(jobs: [JobDefinition(name: "slow-job", schedule: nil, summary: "waits for the test") { _ in
                for await _ in opened { break }
                return "waited"
            }])
        }
        try await ServerHarness.with(environment: ["FICHESYNC_ADMIN_TOKEN": Self.token], parts: parts) { harness, client in
            var accept = HTTPFields()
            accept[.accept] = "application/json"
            func lastRun() async throws -> [String: Any]? {
                try await client.execute(uri: "/status", method: .get, headers: accept) { response in
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    return (json?["jobs"] as? [[String: Any]])?.first?["lastRun"] as? [String: Any]
                }
            }
            try await client.execute(uri: "/admin/jobs/slow-job/run", method: .post, headers: Self.bearer(Self.token)) { response in
                #expect(response.status == .accepted, "answered while the job still waits")
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(json?["ok"] == nil)
                #expect((json?["run"] as? [String: Any])?["state"] as? String == "running")
                #expect((json?["run"] as? [String: Any])?["manual"] as? Bool == true)
            }
            #expect(harness.server.admin.manualRuns.count == 1)
            #expect(try await lastRun()?["result"] as? String == "running")
            try await client.execute(uri: "/admin/jobs/slow-job/run", method: .post, headers: Self.bearer(Self.token)) { response in
                #expect(response.status == .conflict, "not started twice")
            }
            gate.yield()
            await harness.server.admin.manualRuns.drain()
            #expect(harness.server.admin.manualRuns.count == 0)
            let last = try #require(try await lastRun())
            #expect(last["result"] as? String == "ok")
            #expect(last["summary"] as? String == "waited")
        }
    }

    /// `/status` lists the job with its last run; `/metrics` counts it and gives its duration.
    static func statusAndMetricsShowTheRun(_ client: any TestClientProtocol) async throws {
        var accept = HTTPFields()
        accept[.accept] = "application/json"
        try await client.execute(uri: "/status", method: .get, headers: accept) { response in
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            let job = try #require((json?["jobs"] as? [[String: Any]])?.first)
            #expect(job["name"] as? String == "test-job")
            #expect(job["schedule"] as? String == "off")
            #expect(job["nextRun"] == nil)
            let last = try #require(job["lastRun"] as? [String: Any])
            #expect(last["result"] as? String == "ok")
            #expect(last["manual"] as? Bool == true)
        }
        try await client.execute(uri: "/status", method: .get) { response in
            let html = String(buffer: response.body)
            #expect(html.contains("<code>test-job</code> — counts its runs"), "\(html)")
            #expect(html.contains("(à la main)"))
        }
        try await client.execute(uri: "/metrics", method: .get) { response in
            let samples = try PrometheusText.parse(String(buffer: response.body))
            #expect(samples.contains { $0.name == "fichesync_job_runs_total" && $0.labels == ["job": "test-job", "result": "ok"] && $0.value == 1 })
            #expect(samples.contains { $0.name == "fichesync_job_last_run_duration_seconds" && $0.labels == ["job": "test-job"] && $0.value >= 0 })
        }
    }

    @Test func aFailedOperationIsRearmedForTheNextReconcile() async throws {
        try await ServerHarness.with(environment: ["FICHESYNC_ADMIN_TOKEN": Self.token]) { harness, client in
            var ids: [Int64] = []
            for (key, status) in [("test|failed", "failed"), ("test|done", "done")] {
                let rows = try await harness.database.client.query("""
                    INSERT INTO account_operations (idempotency_key, provider, action, target, member, reason, status, attempts, last_error)
                    VALUES (\(key), 'ovh', 'create', 'lea.martin@beta.gouv.fr', 'lea.martin', 'test', \(status), 5, 'boom')
                    RETURNING id
                    """, logger: TestDatabase.logger)
                for try await id in rows.decode(Int64.self) { ids.append(id) }
            }
            func attempts(_ id: Int64) async throws -> Int {
                var n = -1
                let rows = try await harness.database.client.query("SELECT attempts FROM account_operations WHERE id = \(id)",
                                                                   logger: TestDatabase.logger)
                for try await value in rows.decode(Int.self) { n = value }
                return n
            }
            try await client.execute(uri: "/admin/operations/\(ids[0])/retry", method: .post) { response in
                #expect(response.status == .unauthorized)
            }
            #expect(try await attempts(ids[0]) == 5, "nothing done without the token")
            try await client.execute(uri: "/admin/operations/\(ids[0])/retry", method: .post, headers: Self.bearer(Self.token)) { response in
                #expect(response.status == .ok)
            }
            #expect(try await attempts(ids[0]) == 0)
            // The next reconcile's requeue takes it again.
            let requeued = try await harness.database.withConnection { connection in
                try await Accounts.OperationJournal(connection: connection, logger: TestDatabase.logger).requeueFailed()
            }
            #expect(requeued == 1)
            try await client.execute(uri: "/admin/operations/\(ids[1])/retry", method: .post, headers: Self.bearer(Self.token)) { response in
                #expect(response.status == .conflict, "a done operation is not retried")
            }
            #expect(try await attempts(ids[1]) == 5)
            try await client.execute(uri: "/admin/operations/999999/retry", method: .post, headers: Self.bearer(Self.token)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/admin/operations/abc/retry", method: .post, headers: Self.bearer(Self.token)) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func withoutATokenConfiguredAdminIsOff() async throws {
        try await ServerHarness.with { _, client in
            try await client.execute(uri: "/admin/jobs/test-job/run", method: .post, headers: Self.bearer("anything")) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("admin désactivé"))
            }
        }
    }
}
