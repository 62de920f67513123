import Foundation
import MetricsTestKit
import Testing
import TestKit
@testable import FicheSync

/// Syncs are counted through swift-metrics (what `serve` exports), read with its test kit.
@Suite struct SyncMetricsTests {
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
}
