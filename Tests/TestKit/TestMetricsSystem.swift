import Metrics
import MetricsTestKit

/// The metrics backend of the test process: swift-metrics takes one bootstrap per process,
/// so every test that reads metrics goes through this one, and looks at dimensions of its own.
public enum TestMetricsSystem {
    public static let shared: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()
}
