extension Duration {
    /// Whole nanoseconds, what swift-metrics timers and NIO's `TimeAmount` take: one
    /// conversion for every timer and delay instead of the arithmetic at each.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
