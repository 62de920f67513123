import Foundation
import Metrics

/// What every provider call reports through swift-metrics, whatever backend the process
/// bootstrapped (`serve` exports Prometheus text; tests read them with `MetricsTestKit`).
///
/// One attempt is one request: a call retried three times counts three, each with its own
/// status, so a provider answering 500s shows as such. The `endpoint` dimension (host and
/// port of the base URL) tells two servers of one provider apart — a staging Mattermost, or
/// in tests each fake — without a label per path or id.
public enum ProviderMetrics {
    public static let requests = "fichesync_provider_requests_total"
    public static let duration = "fichesync_provider_request_duration_seconds"

    /// `status` is the HTTP status, or `error` when no answer came (refused, reset, timeout).
    static func record(provider: String, endpoint: String, method: String, status: Int?, elapsed: Duration) {
        Counter(label: requests, dimensions: [("provider", provider), ("endpoint", endpoint), ("method", method),
                                              ("status", status.map(String.init) ?? "error")]).increment()
        Timer(label: duration, dimensions: [("provider", provider), ("endpoint", endpoint)]).recordNanoseconds(elapsed.nanoseconds)
    }

    /// The `endpoint` dimension of a base URL: `host` or `host:port` (no scheme, path or credentials).
    public static func endpoint(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "unknown" }
        return components.port.map { "\(host):\($0)" } ?? host
    }
}
