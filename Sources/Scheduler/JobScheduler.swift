import FicheSync
import Foundation
import Logging

/// The loop `fichesync serve` runs: each scheduled job waits for its next tick (Europe/Paris
/// cron), runs it through ``JobRunner`` (at most one instance runs a tick), and waits again.
///
/// Each job has a loop of its own, so a long sync never delays the every-minute outbox. A
/// job's failure is recorded and logged by the runner and never stops the scheduler; a
/// database that cannot be reached is logged and the tick is left (the next one is tried).
/// Cancelling the task ends every loop: one waiting stops at once, one running ends after
/// the run under way (the run is shielded from the cancellation, so its result is recorded).
public struct JobScheduler: Sendable {
    public let jobs: [JobDefinition]
    let runner: JobRunner
    let clock: any SchedulerClock
    let logger: Logger

    public init(jobs: [JobDefinition], runner: JobRunner, clock: any SchedulerClock = SystemSchedulerClock(), logger: Logger) {
        self.jobs = jobs
        self.runner = runner
        self.clock = clock
        self.logger = logger
    }

    /// Runs until the task is cancelled.
    public func run() async {
        logger.notice("scheduler started", metadata: [
            "instance": "\(runner.instance)",
            "jobs": "\(jobs.map { "\($0.name)=\($0.schedule?.source ?? "off")" }.joined(separator: ", "))",
        ])
        await withTaskGroup(of: Void.self) { group in
            for job in jobs {
                guard let schedule = job.schedule else { continue }
                group.addTask { await loop(job, schedule) }
            }
        }
        logger.notice("scheduler stopped", metadata: ["instance": "\(runner.instance)"])
    }

    func loop(_ job: JobDefinition, _ schedule: CronExpression) async {
        var last = clock.now()
        while !Task.isCancelled {
            guard var tick = schedule.next(after: last) else { return }
            do {
                try await clock.sleep(until: tick)
            } catch {
                return
            }
            // Ticks slept through (a suspended machine, or this job's own long run): only the
            // latest is run, once, not a burst of stale ones.
            let now = clock.now()
            var passed = 0
            while passed < 100_000, let later = schedule.next(after: tick), later <= now {
                tick = later
                passed += 1
            }
            if passed > 0 {
                logger.notice("job ticks passed while busy or asleep, only the latest runs",
                              metadata: ["job": "\(job.name)", "passed": "\(passed)"])
            }
            let runner = self.runner, clock = self.clock, logger = self.logger, due = tick
            // Unstructured, so the cancellation of the loop does not reach the run under way.
            let run = Task {
                do {
                    _ = try await runner.run(job, scheduledFor: due, clock: clock)
                } catch {
                    logger.error("job tick not run: the database failed", metadata: [
                        "job": "\(job.name)", "scheduled_for": "\(ParisTime.format(due))", "error": "\(error)",
                    ])
                }
            }
            await run.value
            last = tick
        }
    }
}
