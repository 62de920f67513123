import Metrics
import Providers

/// What reconcile reports through swift-metrics: each operation applied, by provider, action
/// and result, and how long a run took (planning included), for `serve`'s `/metrics`.
public enum AccountMetrics {
    public static let operations = "fichesync_account_operations_total"
    public static let reconcileDuration = "fichesync_reconcile_duration_seconds"

    static func operation(_ operation: AccountOperation, result: String) {
        Counter(label: operations, dimensions: [("provider", operation.provider.rawValue), ("action", operation.action.rawValue),
                                                ("result", result)]).increment()
    }

    static func reconcile(since started: ContinuousClock.Instant, dryRun: Bool) {
        Timer(label: reconcileDuration, dimensions: [("dry_run", dryRun ? "true" : "false")])
            .recordNanoseconds((ContinuousClock.now - started).nanoseconds)
    }
}
