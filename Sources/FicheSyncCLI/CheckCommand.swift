import ArgumentParser
import FicheSync
import Foundation

extension CheckReport.Format: ExpressibleByArgument {}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate every fiche of a content repository, like its CI does.",
        discussion: """
        SOURCE is a folder holding content/ (read from the disk, uncommitted edits included), \
        a git repository (read through libgit2 at --rev, default HEAD, without a checkout), or \
        a URL (mirrored under $FICHESYNC_HOME/repositories, then fetched on later runs).

        Exit status: 0 when no error, 1 when errors, 2 when the source cannot be read.
        """
    )

    @Argument(help: "A folder holding content/, a git repository, or a git URL.")
    var source: String = "."

    @Option(help: "Revision to read from a git source (branch, tag, sha, HEAD~1).")
    var rev: String?

    @Option(help: "Output format: text (path:line:col), json, or github (Actions annotations).")
    var format: CheckReport.Format = .text

    func run() throws {
        Self.check(source, revision: rev, format: format)
    }

    /// Checks `source`, writes the report and exits: 0, or 1 when there are errors (2, from
    /// ``fail(_:)``, when the source cannot be read). Also called without ArgumentParser for
    /// the plain command line (``PlainCheckCommandLine``).
    ///
    /// Exits rather than returns: the catalog (every fiche of the repository, thousands of
    /// small strings and arrays) would otherwise be freed one object at a time just before
    /// the process ends, which only costs time.
    static func check(_ source: String, revision: String?, format: CheckReport.Format) -> Never {
        let loaded: LoadedCatalog
        do {
            let kind = try ContentSource.classify(source, revisionRequested: revision != nil)
            loaded = try kind.load(revision: revision, cache: Environment.repositoryCache,
                                   showProgress: Environment.stderrIsTerminal && format == .text)
        } catch {
            fail(describe(error))
        }
        let diagnostics = Validator(today: .today()).validate(loaded.catalog)
        let report = CheckReport(source: ContentSource.redacted(source), commit: loaded.commit?.description,
                                 fileCount: loaded.catalog.fileCount, diagnostics: diagnostics)
        FileHandle.standardOutput.write(Data(report.render(format).utf8))
        withExtendedLifetime(loaded) {
            Foundation.exit(report.errorCount > 0 ? 1 : 0)
        }
    }
}
