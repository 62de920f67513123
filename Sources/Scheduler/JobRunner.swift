import FicheSync
import Foundation
import Logging
import PostgresNIO

/// Runs one tick of one job, shared safely by every instance on the database.
///
/// On a connection of its own (a session: advisory locks are a session's), it takes the
/// job's advisory lock without waiting, claims the tick by inserting its `job_runs` row, runs
/// the action, records the result, and unlocks (runs ended more than 30 days ago are dropped
/// on the way, under the same lock). Another instance at the same tick either
/// finds the lock taken (the run is under way: it skips) or, once it has the lock, finds the
/// tick's row (it was run: it skips) — so exactly one instance runs each tick, and a run that
/// lasts past the next tick is never joined by a second one. A session that dies mid-run
/// releases the lock with it; its row stays, unended, and is reported as crashed, never run
/// again.
public struct JobRunner: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// This runner ran the tick; `ok` or not.
        case ran(ok: Bool)
        /// The tick was claimed already (run, or crashed) by this or another instance.
        case alreadyClaimed
        /// The job's lock is held: one of its runs is under way somewhere.
        case busy
    }

    let database: Database
    public let instance: String
    let logger: Logger
    /// Told of each run this runner made (job, `ok` or `failed`, seconds): how `serve`
    /// counts `fichesync_job_runs_total` without the Scheduler knowing of Prometheus.
    public var observer: (@Sendable (_ job: String, _ state: JobRunStore.Run.State, _ seconds: Double) -> Void)?

    public init(database: Database, instance: String = JobInstance.current, logger: Logger,
                observer: (@Sendable (_ job: String, _ state: JobRunStore.Run.State, _ seconds: Double) -> Void)? = nil) {
        self.database = database
        self.instance = instance
        self.logger = logger
        self.observer = observer
    }

    /// Runs `job` for the tick `scheduledFor`, if nobody has; the action's error is recorded
    /// (and returned as `.ran(ok: false)`), a database failure is thrown.
    /// - Parameter onClaim: told the tick's `job_runs` row once it is claimed, before the
    ///   action starts: how an operator's request answers "started" without waiting for the end.
    public func run(_ job: JobDefinition, scheduledFor: Date, manual: Bool = false, clock: any SchedulerClock,
                    onClaim: (@Sendable (JobRunStore.Run) -> Void)? = nil) async throws -> Outcome {
        let logger = self.logger, instance = self.instance, observer = self.observer
        let key = JobLock.key(job.name)
        return try await database.withConnection { connection in
            var locked = false
            for try await value in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).decode(Bool.self) {
                locked = value
            }
            guard locked else { return .busy }
            do {
                let crashed = try await JobRunStore.markCrashed(job: job.name, on: connection, logger: logger)
                if crashed > 0 {
                    logger.warning("job run found crashed", metadata: ["job": "\(job.name)", "runs": "\(crashed)"])
                }
                let started = clock.now()
                try await JobRunStore.prune(job: job.name, endedBefore: started.addingTimeInterval(-JobRunStore.retention), on: connection, logger: logger)
                guard let id = try await JobRunStore.claim(job: job.name, scheduledFor: scheduledFor, manual: manual, now: started,
                                                           instance: instance, on: connection, logger: logger) else {
                    try await Self.unlock(key, connection, logger)
                    return .alreadyClaimed
                }
                onClaim?(JobRunStore.Run(job: job.name, scheduledFor: scheduledFor, manual: manual, startedAt: started, endedAt: nil,
                                         state: .running, summary: nil, error: nil, instance: instance))
                let context = JobContext(job: job.name, scheduledFor: scheduledFor, now: started, manual: manual, logger: logger)
                let result: Result<String, any Error>
                do {
                    result = .success(try await job.action(context))
                } catch {
                    result = .failure(error)
                }
                let ended = clock.now()
                try await JobRunStore.finish(id, endedAt: ended, result: result, on: connection, logger: logger)
                try await Self.unlock(key, connection, logger)
                if case .success = result {
                    observer?(job.name, .ok, ended.timeIntervalSince(started))
                } else {
                    observer?(job.name, .failed, ended.timeIntervalSince(started))
                }
                var metadata: Logger.Metadata = [
                    "job": "\(job.name)", "scheduled_for": "\(ParisTime.format(scheduledFor))", "instance": "\(instance)",
                    "manual": "\(manual)", "seconds": "\(String(format: "%.3f", ended.timeIntervalSince(started)))",
                ]
                switch result {
                case .success(let summary):
                    metadata["summary"] = "\(summary)"
                    logger.info("job ran", metadata: metadata)
                    return .ran(ok: true)
                case .failure(let error):
                    metadata["error"] = "\(error)"
                    logger.error("job failed", metadata: metadata)
                    return .ran(ok: false)
                }
            } catch {
                _ = try? await Self.unlock(key, connection, logger)
                throw error
            }
        }
    }

    static func unlock(_ key: Int64, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
    }

    /// `fichesync jobs run NAME`: runs `job` now, recorded as a manual run, unless one of its
    /// runs is under way (then it throws `running`, naming where).
    public func runNow(_ job: JobDefinition, clock: any SchedulerClock) async throws -> (ok: Bool, run: JobRunStore.Run?) {
        let outcome = try await run(job, scheduledFor: clock.now(), manual: true, clock: clock)
        let runs = try await database.withConnection { try await JobRunStore.latest(on: $0, logger: logger) }
        let latest = runs[job.name]
        switch outcome {
        case .ran(let ok):
            return (ok, latest)
        case .busy, .alreadyClaimed:
            let where_ = latest.map { $0.state == .running ? " on \($0.instance) since \(ParisTime.format($0.startedAt))" : "" } ?? ""
            throw JobError(.running, "\(job.name) is running\(where_): not started again (its lock is held)")
        }
    }
}
