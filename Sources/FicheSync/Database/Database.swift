import Foundation
import Logging
import PostgresNIO

/// fichesync's database, migrated, reached through a pool of connections (PostgresNIO's
/// `PostgresClient`), and the embedded cluster it may be running on.
///
/// A pool, so that a long-running service runs requests and jobs side by side. Work that
/// needs one session — a session-level advisory lock, a transaction — leases a connection
/// with ``withConnection(_:)`` or ``transaction(_:)`` and keeps it to the end; a single
/// query can go through ``client`` directly.
public final class Database: Sendable {
    public let client: PostgresClient
    /// The task running the pool (`PostgresClient.run()`), cancelled by ``close()``.
    private let running: Task<Void, Never>
    public let settings: DatabaseSettings
    let embedded: EmbeddedPostgres?
    public let logger: Logger

    private init(client: PostgresClient, settings: DatabaseSettings, embedded: EmbeddedPostgres?, logger: Logger) {
        self.client = client
        self.running = Task { await client.run() }
        self.settings = settings
        self.embedded = embedded
        self.logger = logger
    }

    /// Connects (starting the embedded cluster if that is the setting) and applies pending
    /// migrations: every command that needs the database starts here.
    public static func open(_ settings: DatabaseSettings, logger: Logger, migrate: Bool = true) async throws -> Database {
        let configuration: PostgresConnection.Configuration
        let clientConfiguration: PostgresClient.Configuration
        var embedded: EmbeddedPostgres?
        switch settings {
        case .url(let url):
            (configuration, clientConfiguration) = try DatabaseSettings.configurations(fromURL: url)
        case .embedded(let home):
            let cluster = try EmbeddedPostgres(home: home)
            try await cluster.acquire()
            embedded = cluster
            configuration = PostgresConnection.Configuration(
                unixSocketPath: cluster.socketPath, username: EmbeddedPostgres.user, password: nil, database: EmbeddedPostgres.database)
            clientConfiguration = PostgresClient.Configuration(
                unixSocketPath: cluster.socketPath, username: EmbeddedPostgres.user, password: nil, database: EmbeddedPostgres.database)
        }
        do {
            if let embedded {
                try await createDatabaseIfMissing(embedded, logger: logger)
            }
            // One connection first, alone: the pool would retry an unreachable server in the
            // background, where a command needs one clear line at once.
            let first = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            try? await first.close()
        } catch {
            if let embedded { _ = try? await BlockingWork.run { embedded.release() } }
            let target: String, remedy: String
            switch settings {
            case .url(let url): (target, remedy) = (DatabaseSettings.target(ofURL: url), "check DATABASE_URL")
            case .embedded: (target, remedy) = (embedded?.socketPath ?? "?", "see \(embedded?.dataDirectory ?? "FICHESYNC_HOME")/server.log")
            }
            throw DatabaseSettings.Problem(description: DatabaseSettings.connectionFailure(error, target: target, remedy: remedy))
        }
        // The pool's own log at errors only: it warns when the first lease comes before its
        // `run()` task got a thread, which is the normal case here (the lease just waits).
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let database = Database(client: PostgresClient(configuration: clientConfiguration, backgroundLogger: background),
                                settings: settings, embedded: embedded, logger: logger)
        if migrate {
            do {
                try await Migrator(database: database).migrate()
            } catch {
                await database.close()
                throw error
            }
        }
        return database
    }

    /// The embedded cluster starts with the `postgres` database only: create ours once.
    private static func createDatabaseIfMissing(_ cluster: EmbeddedPostgres, logger: Logger) async throws {
        let maintenance = try await PostgresConnection.connect(
            configuration: .init(unixSocketPath: cluster.socketPath, username: EmbeddedPostgres.user, password: nil, database: "postgres"),
            id: 0, logger: logger)
        do {
            let rows = try await maintenance.query(
                "SELECT 1 FROM pg_database WHERE datname = \(EmbeddedPostgres.database)", logger: logger)
            var exists = false
            for try await _ in rows { exists = true }
            if !exists {
                do {
                    try await maintenance.query("CREATE DATABASE \(unescaped: EmbeddedPostgres.database)", logger: logger)
                } catch let error as PSQLError where ["42P04", "23505"].contains(error.serverInfo?[.sqlState]) {
                    // Another fichesync created it meanwhile: "duplicate_database", or when both
                    // creations ran at the same moment, the catalog's unique index.
                }
            }
            try await maintenance.close()
        } catch {
            try? await maintenance.close()
            throw error
        }
    }

    /// For an interrupted process (Ctrl-C, SIGTERM): gives up this process's use of the
    /// embedded cluster right away, stopping it if it was the last user. Safe mid-query: an
    /// open transaction is rolled back by the server.
    public func releaseEmbeddedNow() {
        embedded?.release()
    }

    /// Closes the pool's connections; stops the embedded cluster if no other fichesync uses it.
    public func close() async {
        running.cancel()
        await running.value
        if let embedded {
            _ = try? await BlockingWork.run { embedded.release() }
        }
    }

    /// Runs `body` with a connection of its own, kept to the end (session-level advisory
    /// locks, several statements that must see one session).
    public func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in try await body(connection) }
    }

    /// Runs `body` in a transaction on a connection of its own: committed if it returns,
    /// rolled back if it throws (the original error is rethrown, not wrapped, unlike
    /// PostgresNIO's `withTransaction`).
    public func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let logger = self.logger
        return try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Where the data is, for `fichesync db status`.
    public var locationDescription: String {
        switch settings {
        case .url(let url):
            // Never print a password.
            guard var components = URLComponents(string: url) else { return "DATABASE_URL" }
            if components.password != nil { components.password = "****" }
            return components.string ?? "DATABASE_URL"
        case .embedded:
            return "embedded cluster in \(embedded?.dataDirectory ?? "?") (socket \(embedded?.socketPath ?? "?"))"
        }
    }
}
