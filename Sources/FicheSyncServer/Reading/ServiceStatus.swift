import FicheSync
import Foundation
import Logging
import PostgresNIO
import Scheduler

/// What `/status` shows: the synced commit and when, the migrations applied, and the
/// reconcile journal's summary (operations by status, the last one finished) — the journal
/// is where a reconcile leaves its trace, whichever process ran it — and the scheduled jobs.
public struct ServiceStatus: Sendable, Equatable, Codable {
    public struct Synced: Sendable, Equatable, Codable {
        public var source: String
        public var commit: String
        public var at: String
    }

    public struct Journal: Sendable, Equatable, Codable {
        /// Operations by status (`done`, `pending`, `failed`…).
        public var operations: [String: Int]
        /// When the last operation finished, as Postgres prints a `timestamptz`.
        public var lastFinishedAt: String?
    }

    public var synced: Synced?
    public var migrations: [String]
    public var journal: Journal
    public var sandbox: Bool
    /// The scheduled jobs: schedule, last run, next run.
    public var jobs: [JobsStatus.Job]

    static func read(from database: Database, sandbox: Bool, jobs: [JobDefinition], now: Date) async throws -> ServiceStatus {
        let status = try await DatabaseStatus.read(from: database)
        let logger = database.logger
        var journal = Journal(operations: [:], lastFinishedAt: nil)
        let rows = try await database.client.query("SELECT status, count(*)::int8 FROM account_operations GROUP BY status", logger: logger)
        for try await (state, count) in rows.decode((String, Int64).self) { journal.operations[state] = Int(count) }
        let last = try await database.client.query("SELECT max(finished_at)::text FROM account_operations", logger: logger)
        for try await at in last.decode(String?.self) { journal.lastFinishedAt = at }
        return ServiceStatus(synced: status.synced.map { Synced(source: $0.source, commit: $0.commit, at: $0.at) },
                             migrations: status.migrations, journal: journal, sandbox: sandbox,
                             jobs: try await JobsStatus.read(jobs: jobs, from: database, now: now).jobs)
    }
}
