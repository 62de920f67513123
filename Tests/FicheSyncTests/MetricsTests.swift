import Accounts
import AsyncHTTPClient
import Foundation
import MetricsTestKit
import NIOHTTP1
import Synchronization
import Testing
import TestSupport
@testable import FicheSync
@testable import Providers

/// Provider requests, syncs and reconcile operations are counted through swift-metrics (what
/// `serve` exports), read here with its test kit.
@Suite struct MetricsTests {
    /// Every attempt counts with its own status: a 500 retried into a 200 is two requests.
    @Test func providerRequestsAreCountedByStatus() async throws {
        let metrics = TestMetricsSystem.shared
        let answered = Mutex(0)
        let server = try await FakeHTTPServer.start { _ in
            let n = answered.withLock { count in
                count += 1
                return count
            }
            return n == 1 ? FakeReply(status: .internalServerError, json: ["message": "boom"]) : FakeReply(status: .ok, json: ["ok": true])
        }
        let provider = "metrics-test-\(UUID().uuidString.prefix(8))"
        var policy = HTTPPolicy()
        policy.baseDelay = .milliseconds(1)
        let response = try await policy.send(HTTPClient.shared, provider: provider, method: .GET, path: "/x") {
            HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/x")
        }
        try await server.stop()
        #expect(response.status == 200)
        let failed = try metrics.expectCounter(ProviderMetrics.requests, [("provider", provider), ("method", "GET"), ("status", "500")])
        let succeeded = try metrics.expectCounter(ProviderMetrics.requests, [("provider", provider), ("method", "GET"), ("status", "200")])
        #expect(failed.totalValue == 1)
        #expect(succeeded.totalValue == 1)
        #expect(try metrics.expectTimer(ProviderMetrics.duration, [("provider", provider)]).values.count == 2)
    }

    /// A sync counts by how it ended, with its duration (other tests sync at the same time:
    /// this one's own runs are among those counted).
    @Test func syncsAreCountedByResult() async throws {
        let metrics = TestMetricsSystem.shared
        func total(_ result: String) -> Int64 { metrics.counterTotal(label: SyncMetrics.syncs, dimensions: [("result", result)]) }
        let (full, unchanged) = (total("full"), total("unchanged"))
        let repo = try ScriptedRepository(files: SyncTests.corpus())
        try repo.commit("initial")
        try await TestDatabase.with { databases in
            let sync = CatalogSync(database: databases[0], today: SyncTests.today, logger: TestDatabase.logger)
            let head = try #require(repo.head)
            _ = try await sync.sync(repositoryPath: repo.path, commit: head, source: "metrics")
            _ = try await sync.sync(repositoryPath: repo.path, commit: head, source: "metrics")
        }
        #expect(total("full") >= full + 1)
        #expect(total("unchanged") >= unchanged + 1)
        #expect(!metrics.timers(label: SyncMetrics.duration, dimensions: [("result", "full")]).isEmpty)
    }

    /// Each operation applied counts by provider, action and result; a run records its duration.
    @Test func accountOperationsAreCountedByResult() async throws {
        let metrics = TestMetricsSystem.shared
        let created = [("provider", "ovh"), ("action", AccountOperation.Action.create.rawValue), ("result", "done")]
        let before = metrics.counterTotal(label: AccountMetrics.operations, dimensions: created)
        let server = try await FakeOVHServer.start()
        let members = try ReconcileOVHTests.members()
        let (plan, report) = try await TestDatabase.with { databases in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            let client = OVHClient(http: .shared, credentials: server.credentials, domain: "beta.gouv.fr", policy: ReconcileOVHTests.fastPolicy)
            return try await ReconcileOVHTests.run(OVHAccounts(client: client, domain: "beta.gouv.fr"), journal, members: members)
        }
        try await server.stop()
        let creations = plan.operations.count { $0.action == .create }
        #expect(creations > 0 && report.failed.isEmpty)
        #expect(metrics.counterTotal(label: AccountMetrics.operations, dimensions: created) >= before + Int64(creations))
    }
}
