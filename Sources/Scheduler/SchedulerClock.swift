import Foundation

/// The scheduler's time: what it reads as now, and how it waits for a tick. Injected, so
/// the tests drive two schedulers through a simulated hour in milliseconds.
public protocol SchedulerClock: Sendable {
    func now() -> Date
    /// Returns at `deadline` or later; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// The machine's clock.
public struct SystemSchedulerClock: SchedulerClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        // Re-read after waking: a suspended machine or a late timer is caught up, never early.
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return }
            try await Task.sleep(for: .milliseconds(Int64((left * 1000).rounded(.up))))
        }
    }
}
