import Synchronization

/// How far a run's apply has gone, readable while it runs: an interrupted run (Ctrl-C,
/// SIGTERM) says what it did before it stops, from a signal handler that cannot wait for the
/// run's tasks.
public final class ApplyProgress: Sendable {
    public struct Counts: Sendable, Equatable {
        /// Operations this run set out to apply; `nil` until applying starts (still reading
        /// the providers or planning: nothing changed yet).
        public var planned: Int?
        public var done = 0
        public var failed = 0
    }

    private let counts = Mutex(Counts())

    public init() {}

    public var current: Counts { counts.withLock { $0 } }

    func started(planned: Int) { counts.withLock { $0.planned = planned } }

    func finished(succeeded: Bool) {
        counts.withLock { if succeeded { $0.done += 1 } else { $0.failed += 1 } }
    }
}
