import Metrics

/// What a sync reports through swift-metrics (for `serve`'s `/metrics`): how long it took
/// by mode, and how it ended.
public enum SyncMetrics {
    public static let duration = "fichesync_sync_duration_seconds"
    public static let syncs = "fichesync_syncs_total"

    /// `result`: `full`, `incremental`, `unchanged` or `refused`.
    static func record(result: String, since started: UInt64) {
        Counter(label: syncs, dimensions: [("result", result)]).increment()
        Timer(label: duration, dimensions: [("result", result)])
            .recordNanoseconds(Int64(clamping: DispatchTime.now().uptimeNanoseconds &- started))
    }
}

import Dispatch
