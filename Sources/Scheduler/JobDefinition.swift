import Foundation
import Logging

/// What a job's action is given: the tick it runs for and how it was started, so that an
/// action never reads a clock of its own (the scheduler's clock is the tests' clock).
public struct JobContext: Sendable {
    public var job: String
    /// The tick the run is for (the moment of a manual run).
    public var scheduledFor: Date
    /// When the run started, by the scheduler's clock.
    public var now: Date
    /// Started by `fichesync jobs run`, not by the schedule.
    public var manual: Bool
    public var logger: Logger

    public init(job: String, scheduledFor: Date, now: Date, manual: Bool, logger: Logger) {
        self.job = job
        self.scheduledFor = scheduledFor
        self.now = now
        self.manual = manual
        self.logger = logger
    }
}

/// A job's work: returns a one-line summary (recorded with the run), throws when it failed
/// (the error is recorded and logged; the scheduler goes on).
public typealias JobAction = @Sendable (JobContext) async throws -> String

/// One scheduled job: its name, when it runs (`nil`: switched off), what it does in one
/// line, and the action.
public struct JobDefinition: Sendable {
    /// Lower case, `-` between words (`member-notices`): the `job_runs` key and the name
    /// `fichesync jobs run` takes.
    public var name: String
    public var schedule: CronExpression?
    public var summary: String
    public var action: JobAction

    public init(name: String, schedule: CronExpression?, summary: String, action: @escaping JobAction) {
        self.name = name
        self.schedule = schedule
        self.summary = summary
        self.action = action
    }

    /// `FICHESYNC_JOB_MEMBER_NOTICES` for `member-notices`: the variable overriding the schedule.
    public static func variable(for name: String) -> String {
        "FICHESYNC_JOB_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
