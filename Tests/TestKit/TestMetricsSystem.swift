import Metrics
import MetricsTestKit
import Providers

/// The metrics backend of the test process: swift-metrics takes one bootstrap per process,
/// so every test that reads metrics goes through this one, and looks at dimensions of its own.
public enum TestMetricsSystem {
    public static let shared: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()

    /// Requests sent so far to the provider at `baseURL` (every attempt, whatever its answer),
    /// as `ProviderMetrics` counts them: each fake listens on a port of its own, so a test
    /// reads its own figure while others run. Read it once before the requests too: that
    /// bootstraps the backend before the clients make their counters.
    public static func providerRequests(to baseURL: String) -> Int64 {
        shared.counterTotal(label: ProviderMetrics.requests, dimensions: [("endpoint", ProviderMetrics.endpoint(of: baseURL))])
    }
}
