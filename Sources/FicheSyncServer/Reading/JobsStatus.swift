import FicheSync
import Foundation
import Scheduler

/// The scheduled jobs as `/status` shows them: each one's schedule (Europe/Paris), its last
/// run as `job_runs` holds it (whichever instance ran it: the table is shared) and its next
/// tick. Times are printed in Paris time, as the schedules are written.
public struct JobsStatus: Sendable, Equatable, Codable {
    public struct LastRun: Sendable, Equatable, Codable {
        public var startedAt: String
        /// `running`, `ok`, `failed` or `crashed`.
        public var result: String
        public var manual: Bool
        public var instance: String
        /// Seconds it took, once ended.
        public var seconds: Double?
        public var summary: String?
        public var error: String?
    }

    public struct Job: Sendable, Equatable, Codable {
        public var name: String
        public var summary: String
        /// The cron expression, or `off`.
        public var schedule: String
        public var lastRun: LastRun?
        /// The next tick, `nil` when switched off.
        public var nextRun: String?
    }

    public var jobs: [Job]

    /// Pure: the definitions and their latest runs, at `now`.
    static func make(jobs: [JobDefinition], latest: [String: JobRunStore.Run], now: Date) -> JobsStatus {
        JobsStatus(jobs: jobs.map { job in
            let last = latest[job.name].map { run in
                LastRun(startedAt: ParisTime.format(run.startedAt), result: run.state.rawValue, manual: run.manual, instance: run.instance,
                        seconds: run.endedAt.map { $0.timeIntervalSince(run.startedAt) }, summary: run.summary, error: run.error)
            }
            return Job(name: job.name, summary: job.summary, schedule: job.schedule?.source ?? "off", lastRun: last,
                       nextRun: job.schedule?.next(after: now).map(ParisTime.format))
        })
    }

    static func read(jobs: [JobDefinition], from database: Database, now: Date) async throws -> JobsStatus {
        let logger = database.logger
        let latest = try await database.withConnection { try await JobRunStore.latest(on: $0, logger: logger) }
        return make(jobs: jobs, latest: latest, now: now)
    }
}
