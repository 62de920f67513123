import ArgumentParser
import FicheSync
import Foundation

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (every command that needs the database does it first)."
    )

    func run() async throws {
        // `withDatabase` has migrated already; report what the table says.
        let applied = try await Environment.withDatabase { try await DatabaseStatus.read(from: $0).migrations }
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
            let (location, status) = try await Environment.withDatabase { ($0.locationDescription, try await DatabaseStatus.read(from: $0)) }
            var lines = ["database: \(location)",
                         "schema: \(status.migrations.count) migrations applied, last \(status.migrations.last ?? "none")"]
            if let synced = status.synced {
                lines.append("synced: \(synced.source) at commit \(synced.commit) (\(synced.at))")
                lines.append("rows: \(synced.counts)")
            } else {
                lines.append("synced: nothing yet (run `fichesync sync`)")
            }
            lines.forEach { print($0) }
        }
    }
}
