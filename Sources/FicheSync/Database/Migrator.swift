import Foundation
import Logging
import PostgresNIO

/// Applies the numbered SQL files of `migrations/` (bundled as resources) in order, each in
/// its own transaction, recording them in `schema_migrations`. Concurrent migrators wait on
/// an advisory lock, so two commands starting together apply each migration once.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public var version: Int
        public var name: String
        public var sql: String
    }

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    let database: Database

    /// Lock id for migrations ("fichesync migrate"), distinct from the sync's.
    static let lockKey: Int64 = 0x6669_6368_6d69_6772

    public init(database: Database) {
        self.database = database
    }

    /// Every bundled migration, sorted by version.
    public static func bundled() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw Problem(description: "the migrations folder is missing from fichesync's resources")
        }
        var migrations: [Migration] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".sql") {
            guard let version = Int(name.prefix { $0.isNumber }) else {
                throw Problem(description: "migration \(name) does not start with its number")
            }
            let sql = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(name.dropLast(4)), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw Problem(description: "two migrations have the number \(a.version): \(a.name), \(b.name)")
        }
        return migrations
    }

    /// Applies pending migrations; returns the names of those applied now.
    @discardableResult
    public func migrate() async throws -> [String] {
        let logger = database.logger
        // The lock is a session's: one connection from the lock to the unlock.
        return try await database.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied = Set<Int>()
                for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
                    applied.insert(version)
                }
                var done: [String] = []
                for migration in try Self.bundled() where !applied.contains(migration.version) {
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        for statement in SQLScript.statements(migration.sql) {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query(
                            "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                            logger: logger)
                        try await connection.query("COMMIT", logger: logger)
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                    logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
                    done.append(migration.name)
                }
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return done
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }
}
