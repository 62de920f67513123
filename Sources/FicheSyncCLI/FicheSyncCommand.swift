import ArgumentParser
import FicheSync
import Foundation
import Logging
import PostgresNIO

@main
struct FicheSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fichesync",
        abstract: "Keep a community's accounts in step with its Git repository of fiches.",
        subcommands: [
            CheckCommand.self, SyncCommand.self, OnboardCommand.self, ProposeCommand.self, ChecksCommand.self, PullRequestsCommand.self, WatchCommand.self, ConfigCommand.self, ReconcileCommand.self, AccountsCommand.self, RedirectCommand.self, SandboxCommand.self, MembersCommand.self, MemberCommand.self,
            MigrateCommand.self, DatabaseCommand.self, GenerateCommand.self, OutboxCommand.self, JobsCommand.self, ServeCommand.self,
        ]
    )

    /// ArgumentParser exits 64 on usage errors and prints the usage and a help hint under
    /// them; fichesync promises 2 (like `check` does for I/O failures), so scripts only need
    /// to know 0, 1 and 2, and one line `fichesync: error: …` saying what is wrong and where
    /// to look, as every other error it reports.
    static func main() async {
        // A terminal gets readable lines; anything else (systemd's journal, a pipe) JSON lines.
        let json = isatty(2) == 0
        LoggingSystem.bootstrap { label in
            let level = Logger.Level(rawValue: Environment.settings.logLevel) ?? .notice
            if json {
                var handler = JSONLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        if let check = PlainCheckCommandLine(Array(CommandLine.arguments.dropFirst())) {
            CheckCommand.check(check.source, revision: nil, format: check.format)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let unknown as UnknownMember {
            fail(unknown.description)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                fail(usageErrorLine(message(for: error), arguments: Array(CommandLine.arguments.dropFirst())))
            }
            exit(withError: error)
        }
    }
}

/// ArgumentParser's message for a usage error as the one line fichesync prints: no "Error:"
/// prefix, lines joined, starting in lower case like fichesync's own messages, and where to
/// read the usage (the subcommand's help when the command line names one).
func usageErrorLine(_ message: String, arguments: [String]) -> String {
    var text = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        .joined(separator: "; ")
    if text.hasPrefix("Error: ") { text.removeFirst("Error: ".count) }
    if text.hasSuffix(".") { text.removeLast() }
    // "Unknown option" → "unknown option"; leave "URL …" alone.
    if let first = text.first, first.isUppercase, text.dropFirst().first?.isLowercase == true {
        text = first.lowercased() + text.dropFirst()
    }
    let names = Set(FicheSyncCommand.configuration.subcommands.map { $0._commandName })
    let command = arguments.first.flatMap { names.contains($0) ? "fichesync \($0)" : nil } ?? "fichesync"
    return "\(text) — see `\(command) --help`"
}

/// A member id that no synced fiche has: a wrong command line (exit 2), for every command
/// that takes one (`member`, `redirect`, `accounts`, `reconcile --member`).
struct UnknownMember: Error, CustomStringConvertible {
    var id: String
    var description: String { "no member \(id) in the synced fiches: check the id, or run `fichesync sync` first" }

    /// Throws unless the database's fiches have an author `id`.
    static func check(_ id: String, in database: Database) async throws {
        let known = try await database.withConnection { try await MemberDirectory(connection: $0, logger: Environment.logger).exists(id) }
        if !known { throw UnknownMember(id: id) }
    }
}

/// The settings every command shares, read once from the environment.
enum Environment {
    static let settings = FicheSyncSettings()

    /// `FICHESYNC_HOME`, default `.fichesync` in the working directory.
    static var home: String { settings.home }

    static var repositoryCache: RepositoryCache {
        RepositoryCache(directory: (home as NSString).appendingPathComponent("repositories"))
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    static let logger = Logger(label: "fichesync")

    /// Opens the database (embedded unless `DATABASE_URL`), migrated, runs `body`, and closes
    /// it — stopping the embedded cluster if this was its last user — whatever happens.
    static func withDatabase<T: Sendable>(_ body: (Database) async throws -> T) async throws -> T {
        let database: Database
        do {
            database = try await Database.open(.from(settings), logger: logger)
        } catch {
            fail(describe(error))
        }
        // Ctrl-C or SIGTERM must not leave the embedded server running behind us.
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Interruption.announce(signal: number)
                database.releaseEmbeddedNow()
                Foundation.exit(128 + number)
            }
            source.resume()
            return source
        }
        defer {
            for source in signals { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        do {
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }
}

/// Prints one clear line and exits 2: for bad paths, unreachable repositories, I/O errors.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fichesync: error: \(message)\n".utf8))
    Foundation.exit(2)
}

/// A readable one-line message for any error reading a source.
func describe(_ error: any Error) -> String {
    switch error {
    case let problem as ContentSource.Problem: problem.description
    case let problem as DatabaseSettings.Problem: problem.description
    case let problem as EmbeddedPostgres.Problem: problem.description
    case let problem as Migrator.Problem: problem.description
    case let problem as FileLock.Problem: problem.description
    case let unknown as UnknownMember: unknown.description
    case let git as GitError: git.description
    case let posix as POSIXError:
        "cannot read \((posix.userInfo[NSFilePathErrorKey] as? String) ?? "file"): \(String(cString: strerror(posix.code.rawValue)))"
    case let cocoa as CocoaError:
        "cannot read \((cocoa.userInfo[NSFilePathErrorKey] as? String) ?? "file"): \(cocoa.localizedDescription)"
    default: String(reflecting: error)
    }
}
