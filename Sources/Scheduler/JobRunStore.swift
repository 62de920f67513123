import Foundation
import Logging
import PostgresNIO

/// `job_runs` (migration 0010): the claims, results and what `fichesync jobs list` shows.
/// Every function runs on the caller's connection; claims only while the caller holds the
/// job's advisory lock (``JobRunner``).
public enum JobRunStore {
    /// One run as recorded.
    public struct Run: Sendable, Equatable, Codable {
        public enum State: String, Sendable, Equatable, Codable {
            /// Claimed, not ended, its session still connected.
            case running
            case ok
            case failed
            /// Claimed, never ended: its session is gone (the instance crashed or lost the database).
            case crashed
        }

        public var job: String
        public var scheduledFor: Date
        public var manual: Bool
        public var startedAt: Date
        public var endedAt: Date?
        public var state: State
        public var summary: String?
        public var error: String?
        public var instance: String
    }

    /// Marks the job's unended runs crashed. Called under the job's lock: every live run
    /// holds that lock, so an unended row seen then belongs to a session that is gone.
    /// Returns how many rows it marked.
    @discardableResult
    public static func markCrashed(job: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("""
            UPDATE job_runs SET result = 'crashed',
                   error = 'the instance running it stopped (or lost the database) before the run ended; not run again'
            WHERE job = \(job) AND ended_at IS NULL AND result IS NULL
            RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int64.self) { count += 1 }
        return count
    }

    /// How long ended runs are kept: the every-minute outbox alone makes 1,440 rows a day.
    /// Dropping old ticks is safe: a scheduler only ever runs ticks after its start.
    public static let retention: TimeInterval = 30 * 86_400

    /// Deletes `job`'s runs that ended before `cutoff`. Returns how many.
    @discardableResult
    public static func prune(job: String, endedBefore cutoff: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("""
            DELETE FROM job_runs WHERE job = \(job) AND ended_at < \(cutoff) RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int64.self) { count += 1 }
        return count
    }

    /// Inserts the run of `job` for `scheduledFor`, with this session as its owner. Returns
    /// its id, or `nil` when the tick is claimed already (run, running or crashed elsewhere).
    public static func claim(job: String, scheduledFor: Date, manual: Bool, now: Date, instance: String,
                             on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        let rows = try await connection.query("""
            INSERT INTO job_runs (job, scheduled_for, manual, started_at, instance, session_pid, session_started)
            SELECT \(job), \(scheduledFor), \(manual), \(now), \(instance), pid, backend_start
            FROM pg_stat_activity WHERE pid = pg_backend_pid()
            ON CONFLICT (job, scheduled_for) DO NOTHING
            RETURNING id
            """, logger: logger)
        var id: Int64?
        for try await value in rows.decode(Int64.self) { id = value }
        return id
    }

    /// Records how run `id` ended.
    public static func finish(_ id: Int64, endedAt: Date, result: Result<String, any Error>, on connection: PostgresConnection,
                              logger: Logger) async throws {
        let (state, summary, error): (String, String?, String?)
        switch result {
        case .success(let text): (state, summary, error) = ("ok", String(text.prefix(2000)), nil)
        case .failure(let failure): (state, summary, error) = ("failed", nil, String(String(describing: failure).prefix(2000)))
        }
        try await connection.query("""
            UPDATE job_runs SET ended_at = \(endedAt), result = \(state), summary = \(summary), error = \(error) WHERE id = \(id)
            """, logger: logger)
    }

    static let columns = """
        job, scheduled_for, manual, started_at, ended_at, result, summary, error, instance,
        EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.session_pid AND a.backend_start = r.session_started)
        """

    /// The latest run of each job (by start), by job name.
    public static func latest(on connection: PostgresConnection, logger: Logger) async throws -> [String: Run] {
        let rows = try await connection.query("""
            SELECT DISTINCT ON (job) \(unescaped: columns) FROM job_runs r ORDER BY job, started_at DESC, id DESC
            """, logger: logger)
        var runs: [String: Run] = [:]
        for run in try await decode(rows) { runs[run.job] = run }
        return runs
    }

    /// Every run of `job`, oldest tick first.
    public static func runs(of job: String, on connection: PostgresConnection, logger: Logger) async throws -> [Run] {
        try await decode(try await connection.query(
            "SELECT \(unescaped: columns) FROM job_runs r WHERE job = \(job) ORDER BY scheduled_for, id", logger: logger))
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [Run] {
        var all: [Run] = []
        for try await (job, tick, manual, started, ended, result, summary, error, instance, alive) in rows.decode(
            (String, Date, Bool, Date, Date?, String?, String?, String?, String, Bool).self) {
            let state: Run.State
            switch result {
            case "ok": state = .ok
            case "failed": state = .failed
            case "crashed": state = .crashed
            default: state = alive ? .running : .crashed
            }
            all.append(Run(job: job, scheduledFor: tick, manual: manual, startedAt: started, endedAt: ended, state: state,
                           summary: summary, error: error ?? (state == .crashed ? "its session ended before the run did" : nil),
                           instance: instance))
        }
        return all
    }
}
