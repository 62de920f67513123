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
        let transport = ProviderTransport(provider: provider, baseURL: "http://127.0.0.1:\(server.port)", setting: "TEST_URL", http: .shared,
                                          policy: policy, authenticator: BearerAuthenticator(StaticToken("t")), errorBody: GitHubErrorBody.self)
        let answer = try await transport.send(ProviderRoute(.GET, "/x"), as: [String: Bool].self)
        try await server.stop()
        #expect(answer.value == ["ok": true])
        let endpoint = ("endpoint", "127.0.0.1:\(server.port)")
        func requests(_ status: String) -> Int64 {
            metrics.counterTotal(label: ProviderMetrics.requests, dimensions: [("provider", provider), endpoint, ("method", "GET"), ("status", status)])
        }
        #expect(requests("500") == 1)
        #expect(requests("200") == 1)
        #expect(TestMetricsSystem.providerRequests(to: transport.baseURL) == 2)
        #expect(try metrics.expectTimer(ProviderMetrics.duration, [("provider", provider), endpoint]).values.count == 2)
    }
}
