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
        let loaded: LoadedCatalog
        do {
            let kind = try ContentSource.classify(source, revisionRequested: rev != nil)
            loaded = try kind.load(revision: rev, cache: Environment.repositoryCache,
                                   showProgress: Environment.stderrIsTerminal && format == .text)
        } catch {
            fail(describe(error))
        }
        let diagnostics = Validator(today: .today()).validate(loaded.catalog)
        let report = CheckReport(source: ContentSource.redacted(source), commit: loaded.commit?.description,
                                 fileCount: loaded.catalog.fileCount, diagnostics: diagnostics)
        FileHandle.standardOutput.write(Data(report.render(format).utf8))
        if report.errorCount > 0 { throw ExitCode(1) }
    }
}
