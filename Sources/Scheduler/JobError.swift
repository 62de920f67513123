/// A job's failure that the scheduler or a wiring raises itself, by code.
public struct JobError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The job is registered but its implementation does not exist yet: recorded as a
        /// failed run, never as a success.
        case notAvailable
        /// What the job needs is not configured (no MAIL_HOST for the outbox).
        case notConfigured
        /// The job ran but part of its work failed (some reconcile operations): listed.
        case partlyFailed
        /// No job of that name.
        case unknownJob
        /// The job is running (on this or another instance): a manual run waits for none.
        case running
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// What running a job without an implementation does: say so, as an error.
    public static func notAvailable(_ job: String, _ why: String) -> JobError {
        JobError(.notAvailable, "\(job) is not available yet: \(why)")
    }
}
