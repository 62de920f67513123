import Metrics

/// What every provider call reports through swift-metrics, whatever backend the process
/// bootstrapped (`serve` exports Prometheus text; tests read them with `MetricsTestKit`).
///
/// One attempt is one request: a call retried three times counts three, each with its own
/// status, so a provider answering 500s shows as such.
public enum ProviderMetrics {
    public static let requests = "fichesync_provider_requests_total"
    public static let duration = "fichesync_provider_request_duration_seconds"

    /// `status` is the HTTP status, or `error` when no answer came (refused, reset, timeout).
    static func record(provider: String, method: String, status: Int?, nanoseconds: Int64) {
        Counter(label: requests, dimensions: [("provider", provider), ("method", method), ("status", status.map(String.init) ?? "error")])
            .increment()
        Timer(label: duration, dimensions: [("provider", provider)]).recordNanoseconds(nanoseconds)
    }
}
