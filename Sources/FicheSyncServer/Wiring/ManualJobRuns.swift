import Foundation
import Logging
import Scheduler
import Synchronization

/// The job runs an operator starts from `/admin`, run in the background.
///
/// The request answers once the run has claimed its tick (or found its lock held), not when
/// it ends: a reconcile of every account may take minutes, longer than a proxy waits, and a
/// request cut off by the proxy would leave the operator not knowing whether it ran. The run
/// goes on in a task of its own, so neither a client that hangs up nor the server's
/// cancellation stops it half way; `serve` waits for the runs under way (``drain()``) before
/// it closes the database, as the scheduler lets its run under way finish.
final class ManualJobRuns: Sendable {
    private let running = Mutex<[UUID: Task<Void, Never>]>([:])

    /// Starts `job` now through `runner` (its lock, its `job_runs` row, marked manual) and
    /// returns its row once claimed; throws `JobError` `.running` when one of its runs is
    /// under way, or the database's error.
    func start(_ job: JobDefinition, runner: JobRunner, clock: any SchedulerClock, logger: Logger) async throws -> JobRunStore.Run {
        let answer = Answer()
        return try await withCheckedThrowingContinuation { continuation in
            answer.set(continuation)
            let id = UUID()
            running.withLock { tasks in
                tasks[id] = Task {
                    do {
                        let outcome = try await runner.run(job, scheduledFor: clock.now(), manual: true, clock: clock) { run in
                            answer.resume(.success(run))
                        }
                        switch outcome {
                        case .busy, .alreadyClaimed:
                            answer.resume(.failure(JobError(.running, "\(job.name) is running: not started again (its lock is held)")))
                        case .ran(let ok):
                            logger.notice("admin: job run by hand ended", metadata: ["job": "\(job.name)", "ok": "\(ok)"])
                        }
                    } catch {
                        answer.resume(.failure(error))
                    }
                    self.running.withLock { _ = $0.removeValue(forKey: id) }
                }
            }
        }
    }

    /// How many runs are under way.
    var count: Int { running.withLock { $0.count } }

    /// Waits for every run under way to end.
    func drain() async {
        // Each task removes itself as its last step, so the loop ends with the last of them.
        while let task = running.withLock({ $0.values.first }) {
            await task.value
        }
    }

    /// The request's continuation, resumed once: by the claim, or by the refusal or failure.
    private final class Answer: Sendable {
        private let continuation = Mutex<CheckedContinuation<JobRunStore.Run, any Error>?>(nil)

        func set(_ value: CheckedContinuation<JobRunStore.Run, any Error>) {
            continuation.withLock { $0 = value }
        }

        func resume(_ result: Result<JobRunStore.Run, any Error>) {
            continuation.withLock { stored in
                stored?.resume(with: result)
                stored = nil
            }
        }
    }
}
