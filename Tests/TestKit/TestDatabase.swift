import Foundation
import Logging
import PostgresNIO
import Synchronization
@testable import FicheSync

/// A fresh, migrated database for one test, on a real Postgres server.
///
/// The server is `TEST_DATABASE_URL` when set; otherwise fichesync's own embedded cluster,
/// shared by the whole test process (in the temporary folder) and stopped when it exits.
/// Every test gets its own database, so tests run in parallel without seeing each other.
public enum TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "fichesync-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// The shared cluster, started once, by the first test that needs it.
    private static let cluster = Task<EmbeddedPostgres, any Error> {
        let cluster = try EmbeddedPostgres(home: NSTemporaryDirectory() + "fichesync-test-postgres")
        try await cluster.acquire()
        started.withLock { $0 = cluster }
        atexit { TestDatabase.releaseCluster() }
        return cluster
    }
    /// The cluster once started, for the `atexit` handler (which cannot await the task).
    private static let started = Mutex<EmbeddedPostgres?>(nil)

    private static func releaseCluster() {
        started.withLock { $0 }?.release()
    }

    /// Settings for a new, empty database (not yet migrated).
    public static func makeSettings() async throws -> DatabaseSettings {
        let name = "test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        let maintenance: PostgresConnection.Configuration
        let url: String
        if let base = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !base.isEmpty {
            maintenance = try DatabaseSettings.configuration(fromURL: base)
            var components = try #require(URLComponents(string: base))
            components.path = "/" + name
            url = try #require(components.string)
        } else {
            let cluster = try await cluster.value
            maintenance = .init(unixSocketPath: cluster.socketPath, username: EmbeddedPostgres.user, password: nil, database: "postgres")
            url = "postgres://\(EmbeddedPostgres.user)@localhost/\(name)?host=\(cluster.dataDirectory)"
        }
        let connection = try await PostgresConnection.connect(configuration: maintenance, id: 0, logger: logger)
        try await connection.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        try await connection.close()
        return .url(url)
    }

    /// Runs `body` with `count` databases — each its own, or all on `settings` — closing them whatever happens
    /// (PostgresNIO requires a connection to be closed before it goes away).
    public static func with<T>(_ count: Int = 1, settings: DatabaseSettings? = nil,
                        _ body: ([Database]) async throws -> T) async throws -> T {
        var databases: [Database] = []
        func closeAll() async {
            for database in databases {
                if let session = TestSessions.table.withLock({ $0.removeValue(forKey: ObjectIdentifier(database)) }) {
                    try? await session.close()
                }
                await database.close()
            }
        }
        do {
            for index in 0..<count {
                let each: DatabaseSettings
                if let settings { each = settings } else { each = try await makeSettings() }
                let database = try await Database.open(each, logger: logger)
                databases.append(database)
                guard case .url(let url) = each else { continue }
                let session = try await PostgresConnection.connect(configuration: try DatabaseSettings.configuration(fromURL: url),
                                                                   id: 100 + index, logger: logger)
                TestSessions.table.withLock { $0[ObjectIdentifier(database)] = session }
            }
            let result = try await body(databases)
            await closeAll()
            return result
        } catch {
            await closeAll()
            throw error
        }
    }

    /// Every catalog table's rows as text, in key order, and the synced commit: what "the
    /// same table contents" means in the sync tests.
    public static func dump(_ database: Database) async throws -> String {
        var out = ""
        for table in CatalogTable.allCases {
            let rows = try await database.connection.query(
                "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY \(unescaped: table.key)), '') FROM \(unescaped: table.rawValue) t",
                logger: logger)
            for try await text in rows.decode(String.self) { out += "## \(table.rawValue)\n\(text)\n" }
        }
        let state = try await database.connection.query("SELECT source, commit, counts::text FROM sync_state", logger: logger)
        for try await (source, commit, counts) in state.decode((String, String, String).self) {
            out += "## sync_state\n\(source) \(commit) \(counts)\n"
        }
        return out
    }
}

import Synchronization
import Testing

/// One session per test database, opened by ``TestDatabase/with(_:settings:_:)``: what a
/// command leases from the pool for its run (`Database.withConnection`), held for the test.
public enum TestSessions {
    public static let table = Mutex<[ObjectIdentifier: PostgresConnection]>([:])
}

extension Database {
    /// The test's own session on this database (journal, memory, direct queries).
    public var connection: PostgresConnection {
        TestSessions.table.withLock { $0[ObjectIdentifier(self)] }!
    }
}

extension Result where Failure == any Error {
    /// Captures an async throwing call, so concurrent openings can all be closed.
    public init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
