import AsyncHTTPClient
import Foundation
import MetricsTestKit
import Synchronization
import Testing
import TestKit
import Sandbox
@testable import Providers

/// Provider requests are counted through swift-metrics (what `serve` exports), read with its test kit.
@Suite struct ProviderMetricsTests {
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
}
