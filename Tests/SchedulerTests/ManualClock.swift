import Foundation
import Scheduler
import Synchronization

/// A clock the test moves: sleepers wait until the test advances past their deadline. The
/// test waits for every job loop to be asleep again before the next step, so each simulated
/// minute is fully handled (by both instances) before the next one starts.
final class ManualClock: SchedulerClock {
    private struct State {
        var now: Date
        var sleepers: [UUID: (deadline: Date, continuation: CheckedContinuation<Void, any Error>)] = [:]
    }

    private let state: Mutex<State>

    init(_ start: Date) { state = Mutex(State(now: start)) }

    func now() -> Date { state.withLock { $0.now } }

    func sleep(until deadline: Date) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    if deadline <= state.now || Task.isCancelled { return true }
                    state.sleepers[id] = (deadline, continuation)
                    return false
                }
                if resumeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// How many are asleep, waiting for a later time.
    var sleeping: Int { state.withLock { $0.sleepers.count } }

    /// Moves the time to `instant` and wakes those whose deadline has come.
    func advance(to instant: Date) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = instant
            let due = state.sleepers.filter { $0.value.deadline <= instant }
            for id in due.keys { state.sleepers[id] = nil }
            return due.map(\.value.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Waits (in real time, at most `timeout`) until `count` sleepers wait.
    func waitUntilSleeping(_ count: Int, timeout: Duration = .seconds(30)) async throws {
        let start = ContinuousClock.now
        while sleeping < count {
            if ContinuousClock.now - start > timeout {
                throw ClockTimeout(description: "only \(sleeping) of \(count) job loops went back to sleep")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

struct ClockTimeout: Error, CustomStringConvertible {
    var description: String
}
