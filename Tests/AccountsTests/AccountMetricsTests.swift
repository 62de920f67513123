import Accounts
import Foundation
import MetricsTestKit
import Providers
import Testing
import TestKit
import Sandbox
@testable import FicheSync

/// Operations applied are counted through swift-metrics (what `serve` exports), read with its test kit.
@Suite struct AccountMetricsTests {
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
