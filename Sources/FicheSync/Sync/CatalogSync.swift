import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Makes the database equal the fiches of one commit, in one transaction.
///
/// If the database holds an earlier commit of the same source, only the fiche files that
/// differ between the two trees are read, validated and written (renames and deletions
/// included); otherwise everything is loaded with `COPY`. A commit whose fiches fail the
/// repository's rules is refused and the database keeps its last good commit. Two syncs at
/// once serialise on an advisory lock: the second waits, then finds the work done.
public struct CatalogSync: Sendable {
    public struct Options: Sendable {
        /// Reload everything even when an incremental sync is possible.
        public var full = false
        /// Test hook: called after each write step with its number; throwing aborts the sync
        /// mid-transaction, like a crash would.
        public var afterWriteStep: (@Sendable (Int) throws -> Void)?

        public init(full: Bool = false, afterWriteStep: (@Sendable (Int) throws -> Void)? = nil) {
            self.full = full
            self.afterWriteStep = afterWriteStep
        }
    }

    let database: Database
    let today: FicheDate
    let logger: Logger

    /// Bump when the rows a fiche becomes, or the rules, change: the next sync is then a full
    /// one, so rows written by an older fichesync never stay behind.
    public static let rowFormat = 1

    /// Advisory lock id of the sync ("fichsync").
    static let lockKey: Int64 = 0x6669_6368_7379_6e63

    public init(database: Database, today: FicheDate, logger: Logger) {
        self.database = database
        self.today = today
        self.logger = logger
    }

    /// The commit and source the database holds, if any.
    public static func state(of connection: PostgresConnection, logger: Logger) async throws -> (source: String, commit: String, format: Int)? {
        for try await (source, commit, format) in try await connection.query("SELECT source, commit, format FROM sync_state", logger: logger)
            .decode((String, String, Int).self) {
            return (source, commit, format)
        }
        return nil
    }

    /// Reads what the database holds, plans from it outside any transaction (git and decoding
    /// on ``BlockingWork``'s threads, so neither the concurrency pool nor a transaction waits
    /// on git), then writes in one transaction that first takes the sync lock and checks the
    /// database still holds what the plan was made from; if another sync moved it meanwhile,
    /// the plan is made again from the new state (often: the work is found done).
    public func sync(repositoryPath: String, commit: GitOID, source: String, options: Options = Options()) async throws -> SyncReport {
        let started = DispatchTime.now().uptimeNanoseconds
        let logger = self.logger
        for _ in 0..<Self.maxPlanningRounds {
            let state = try await database.withConnection { try await Self.state(of: $0, logger: logger) }
            let current = state.flatMap { $0.source == source && $0.format == Self.rowFormat ? $0 : nil }
            if let current, current.commit == commit.description, !options.full {
                SyncMetrics.record(result: "unchanged", since: started)
                var report = SyncReport(commit: commit.description, mode: .unchanged)
                report.changedMembers = []
                return report
            }
            var plan: SyncPlan
            let previous = current.flatMap { GitOID(hex: $0.commit) }
            let canDiff = try await BlockingWork.run { [previous] in
                try previous.map { try GitRepository(at: repositoryPath).hasCommit($0) } ?? false
            }
            if !options.full, let previous, canDiff {
                plan = try await database.withConnection { [today] connection in
                    try await SyncPlan.incremental(repositoryPath: repositoryPath, from: previous, to: commit, today: today,
                                                   connection: connection, logger: logger)
                }
            } else {
                plan = try await SyncPlan.full(repositoryPath: repositoryPath, commit: commit, today: today)
            }
            if plan.diagnostics.contains(where: { $0.severity == .error }) {
                SyncMetrics.record(result: "refused", since: started)
                throw SyncRefused(commit: commit.description, diagnostics: plan.diagnostics)
            }
            let written: SyncReport? = try await database.transaction { connection in
                let locked = try await connection.query("SELECT pg_try_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                    .decode(Bool.self).first { _ in true } ?? false
                if !locked {
                    logger.notice("another sync is running; waiting for it to finish")
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                }
                let now = try await Self.state(of: connection, logger: logger)
                guard now?.source == state?.source, now?.commit == state?.commit, now?.format == state?.format else {
                    logger.notice("another sync changed the database while this one was planning; planning again")
                    return nil
                }
                try await apply(plan, connection: connection, options: options)
                plan.report.counts = try await Self.counts(connection, logger: logger)
                try await connection.query("""
                    INSERT INTO sync_state (singleton, source, commit, synced_at, counts, format)
                    VALUES (true, \(source), \(commit.description), now(), \(Self.json(plan.report.counts))::jsonb, \(Self.rowFormat))
                    ON CONFLICT (singleton) DO UPDATE
                    SET source = excluded.source, commit = excluded.commit, synced_at = excluded.synced_at,
                        counts = excluded.counts, format = excluded.format
                    """, logger: logger)
                plan.report.diagnostics = plan.diagnostics
                return plan.report
            }
            if var report = written {
                SyncMetrics.record(result: plan.replaceAll ? "full" : "incremental", since: started)
                report.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                return report
            }
        }
        throw SyncContended(rounds: Self.maxPlanningRounds)
    }

    /// Plans made again because other syncs kept moving the database: past this, give up.
    static let maxPlanningRounds = 5

    private func apply(_ plan: SyncPlan, connection: PostgresConnection, options: Options) async throws {
        var step = 0
        func stepDone() throws {
            step += 1
            try options.afterWriteStep?(step)
        }
        if plan.replaceAll {
            try await connection.query(
                "TRUNCATE \(unescaped: CatalogTable.allCases.map(\.rawValue).joined(separator: ", "))", logger: logger)
            try stepDone()
        } else {
            for kind in FicheKind.allCases {
                let ids = plan.deletions.filter { $0.kind == kind }.map(\.id)
                guard !ids.isEmpty else { continue }
                // Children (missions, phases, memberships) go with their fiche (ON DELETE CASCADE).
                try await connection.query(
                    "DELETE FROM \(unescaped: CatalogTable.main(for: kind).rawValue) WHERE id = ANY(\(ids))", logger: logger)
                try stepDone()
            }
        }
        for table in CatalogTable.allCases {
            guard let text = plan.rows.lines[table], !text.isEmpty else { continue }
            try await connection.copyFrom(table: table.rawValue, columns: table.columns, logger: logger) { writer in
                // Stream in ~1 MB pieces, cut at line ends.
                var remaining = Substring(text)
                while !remaining.isEmpty {
                    var end = remaining.utf8.index(remaining.startIndex, offsetBy: min(1 << 20, remaining.utf8.count))
                    if end < remaining.endIndex, let newline = remaining[end...].firstIndex(of: "\n") {
                        end = remaining.index(after: newline)
                    }
                    try await writer.write(ByteBuffer(string: String(remaining[..<end])))
                    remaining = remaining[end...]
                }
            }
            try stepDone()
        }
    }

    static func counts(_ connection: PostgresConnection, logger: Logger) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in CatalogTable.allCases {
            let rows = try await connection.query("SELECT count(*) FROM \(unescaped: table.rawValue)", logger: logger)
            for try await count in rows.decode(Int.self) { counts[table.rawValue] = count }
        }
        return counts
    }

    static func json(_ counts: [String: Int]) -> String {
        "{" + counts.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }
}

/// Other syncs moved the database under this one at every attempt.
public struct SyncContended: Error, CustomStringConvertible, Sendable {
    public var rounds: Int
    public var description: String {
        "other syncs changed the database \(rounds) times while this one was planning: run it again"
    }
}
