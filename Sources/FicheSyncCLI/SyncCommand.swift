import ArgumentParser
import FicheSync
import Foundation

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Make the database equal the fiches of a commit (incrementally when it can).",
        discussion: """
        SOURCE is a git repository (path or URL, mirrored like `check` does) or a folder holding \
        content/ (snapshotted into a private repository under $FICHESYNC_HOME, so later runs are \
        incremental too). Default: $FICHES_REPOSITORY, else the current folder.

        A commit whose fiches break the repository's rules is not synced: its diagnostics are \
        printed, the exit status is 1 and the database keeps its last good commit.
        """
    )

    @Argument(help: "A git repository, a git URL, or a folder holding content/.")
    var source: String?

    @Option(help: "Revision to sync (default: HEAD, the remote's default branch for a URL).")
    var rev: String?

    @Flag(help: "Reload every fiche instead of only what changed since the last synced commit.")
    var full = false

    func run() async throws {
        var source = self.source ?? Environment.settings.fichesRepository
        let repositoryPath: String
        let commit: GitOID
        do {
            let kind = try ContentSource.classify(source, revisionRequested: rev != nil)
            // Stored and printed: never with credentials.
            source = kind.recordedName(source)
            // Snapshots, fetches and revision lookups block in libgit2: off the concurrency pool.
            let cache = Environment.repositoryCache, rev = self.rev, showProgress = Environment.stderrIsTerminal
            let resolved = try await BlockingWork.run { try kind.resolve(revision: rev, cache: cache, showProgress: showProgress) }
            if !resolved.unreadable.isEmpty {
                // Not synced: a fiche left out of the snapshot would drop its member.
                for diagnostic in resolved.unreadable { print(diagnostic.formatted) }
                print("\(source) not synced: \(resolved.unreadable.count) fiche files cannot be read; the database keeps its last good commit")
                throw ExitCode(1)
            }
            (repositoryPath, commit) = (resolved.repositoryPath, resolved.commit)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            fail(describe(error))
        }
        let today = FicheDate.today()
        if Environment.stderrIsTerminal {
            FileHandle.standardError.write(Data("syncing \(ContentSource.redacted(source)) at \(commit.description.prefix(12))…\n".utf8))
        }
        let outcome: Result<SyncReport, SyncRefused>
        do {
            outcome = try await Environment.withDatabase { [source] database in
                do {
                    return .success(try await CatalogSync(database: database, today: today, logger: Environment.logger)
                        .sync(repositoryPath: repositoryPath, commit: commit, source: source, options: .init(full: full)))
                } catch let refused as SyncRefused {
                    return .failure(refused)
                }
            }
        } catch {
            // Exit 1 means "commit refused"; anything else (database, git) is 2, with its words.
            fail("sync failed: \(describe(error))")
        }
        switch outcome {
        case .success(let report):
            print(report.summary)
            let warnings = report.diagnostics.count { $0.severity == .warning }
            if warnings > 0 {
                print("\(warnings) warnings in the fiches read (see `fichesync check`)")
            }
        case .failure(let refused):
            for diagnostic in refused.diagnostics { print(diagnostic.formatted) }
            print(refused.description)
            throw ExitCode(1)
        }
    }
}
