import ArgumentParser
import FicheSync
import Foundation
import Logging

@main
struct FicheSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fichesync",
        abstract: "Keep a community's accounts in step with its Git repository of fiches.",
        subcommands: [
            CheckCommand.self, SyncCommand.self, ReconcileCommand.self, AccountsCommand.self, RedirectCommand.self, SandboxCommand.self, MembersCommand.self, MemberCommand.self,
            MigrateCommand.self, DatabaseCommand.self, GenerateCommand.self,
        ]
    )

    /// ArgumentParser exits 64 on usage errors; fichesync promises 2 (like `check` does
    /// for I/O failures), so scripts only need to know 0, 1 and 2.
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["FICHESYNC_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .notice
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// The settings every command shares, from the environment.
enum Environment {
    /// `FICHESYNC_HOME`, default `.fichesync` in the working directory.
    static var home: String {
        ProcessInfo.processInfo.environment["FICHESYNC_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".fichesync"
    }

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
            database = try await Database.open(.fromEnvironment(), logger: logger)
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
    case let git as GitError: git.description
    case let posix as POSIXError:
        "cannot read \((posix.userInfo[NSFilePathErrorKey] as? String) ?? "file"): \(String(cString: strerror(posix.code.rawValue)))"
    case let cocoa as CocoaError:
        "cannot read \((cocoa.userInfo[NSFilePathErrorKey] as? String) ?? "file"): \(cocoa.localizedDescription)"
    default: String(reflecting: error)
    }
}
