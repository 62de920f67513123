import ArgumentParser
import FicheSync
import Foundation
import PostgresNIO

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (every command that needs the database does it first)."
    )

    func run() async throws {
        let applied = try await Environment.withDatabase { database in
            // `withDatabase` has migrated already; report what the table says.
            let rows = try await database.client.query("SELECT name FROM schema_migrations ORDER BY version", logger: Environment.logger)
            var names: [String] = []
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }
        print("database schema up to date: \(applied.joined(separator: ", "))")
    }
}

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Database housekeeping.",
        subcommands: [Status.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say where the data is and which commit it holds.")

        func run() async throws {
            let lines = try await Environment.withDatabase { database in
                var lines = ["database: \(database.locationDescription)"]
                let migrations = try await database.client.query(
                    "SELECT count(*), max(name) FROM schema_migrations", logger: Environment.logger)
                for try await (count, last) in migrations.decode((Int, String?).self) {
                    lines.append("schema: \(count) migrations applied, last \(last ?? "none")")
                }
                let state = try await database.client.query(
                    "SELECT source, commit, synced_at::text, counts::text FROM sync_state", logger: Environment.logger)
                var synced = false
                for try await (source, commit, at, counts) in state.decode((String, String, String, String).self) {
                    lines.append("synced: \(source) at commit \(commit) (\(at))")
                    lines.append("rows: \(counts)")
                    synced = true
                }
                if !synced { lines.append("synced: nothing yet (run `fichesync sync`)") }
                return lines
            }
            lines.forEach { print($0) }
        }
    }
}
