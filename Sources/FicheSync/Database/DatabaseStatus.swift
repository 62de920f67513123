import Logging
import PostgresNIO

/// What the database holds, for `fichesync db status`, `fichesync migrate` and (next)
/// `serve`'s status page: the migrations applied and the synced commit.
public struct DatabaseStatus: Sendable, Equatable {
    public struct Synced: Sendable, Equatable {
        public var source: String
        public var commit: String
        /// When, as Postgres prints a `timestamptz`.
        public var at: String
        /// Rows per table, as JSON.
        public var counts: String
    }

    /// Names of the migrations applied, in order.
    public var migrations: [String]
    public var synced: Synced?

    public static func read(from database: Database) async throws -> DatabaseStatus {
        let logger = database.logger
        var status = DatabaseStatus(migrations: [], synced: nil)
        let migrations = try await database.client.query("SELECT name FROM schema_migrations ORDER BY version", logger: logger)
        for try await name in migrations.decode(String.self) { status.migrations.append(name) }
        let state = try await database.client.query(
            "SELECT source, commit, synced_at::text, counts::text FROM sync_state", logger: logger)
        for try await (source, commit, at, counts) in state.decode((String, String, String, String).self) {
            status.synced = Synced(source: source, commit: commit, at: at, counts: counts)
        }
        return status
    }
}
