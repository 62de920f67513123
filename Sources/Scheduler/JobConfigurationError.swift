/// A job schedule from the environment that cannot be used: names the variable, and the
/// column of the expression where the problem starts.
public struct JobConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// Not a cron expression (see ``cron``), nor `off`.
        case invalidSchedule
    }

    public var code: Code
    /// `FICHESYNC_JOB_SYNC`.
    public var variable: String
    /// The cron error, with its column.
    public var cron: CronError

    public var description: String {
        "\(variable): \(cron.description) (a 5-field cron expression in Europe/Paris time, or `off`)"
    }
}
