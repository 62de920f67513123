import Foundation

/// Where the fiches come from, as the user names it on the command line.
///
/// - a folder holding `content/` (a checkout, the bundled fixtures) is read from the disk,
///   uncommitted edits included — unless a revision is asked for;
/// - a git repository (bare, or a work tree) is read through libgit2 at a revision,
///   without a checkout;
/// - a URL (`https://…`, `file://…`, `git@host:path`) is mirrored into the cache, then read.
public enum ContentSource: Sendable, Equatable {
    case directory(String)
    case repository(path: String)
    case remote(url: String)

    /// Why a source cannot be read: one line for the user, exit status 2.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public static func classify(_ source: String, revisionRequested: Bool) throws(Problem) -> ContentSource {
        if isURL(source) { return .remote(url: source) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw Problem("cannot read \(source): no such file or directory")
        }
        guard isDirectory.boolValue else {
            throw Problem("cannot read \(source): not a directory (give a folder holding content/, or a git repository)")
        }
        guard FileManager.default.isReadableFile(atPath: source) else {
            throw Problem("cannot read \(source): permission denied")
        }
        let content = (source as NSString).appendingPathComponent("content")
        var contentIsDirectory: ObjCBool = false
        let hasContent = FileManager.default.fileExists(atPath: content, isDirectory: &contentIsDirectory) && contentIsDirectory.boolValue
        if hasContent && !revisionRequested { return .directory(source) }
        if (try? GitRepository(at: source)) != nil { return .repository(path: source) }
        if revisionRequested && hasContent {
            throw Problem("\(source) is not a git repository, so --rev cannot be used with it")
        }
        throw Problem("\(source) holds no content/ folder and is not a git repository")
    }

    /// `source` fit to print or store: a URL loses its `user:password@` part (a token in a
    /// clone URL must never reach a log, the database or the output).
    public static func redacted(_ source: String) -> String {
        guard isURL(source), let scheme = source.range(of: "://"),
              let at = source[scheme.upperBound...].firstIndex(of: "@"),
              !source[scheme.upperBound..<at].contains("/") else { return source }
        return String(source[..<scheme.upperBound]) + String(source[source.index(after: at)...])
    }

    static func isURL(_ source: String) -> Bool {
        if source.contains("://") { return true }
        // scp-like `git@github.com:owner/repo.git`
        if let at = source.firstIndex(of: "@"), let colon = source.firstIndex(of: ":"), at < colon, !source.hasPrefix("/") {
            return true
        }
        return false
    }
}

/// A catalog read from a source, with what is needed to report on it.
public struct LoadedCatalog: Sendable {
    public var catalog: Catalog
    public var statistics: CatalogReader.Statistics
    /// The commit read, for git sources.
    public var commit: GitOID?
    /// `cloned`/`fetched` when a remote was mirrored.
    public var mirrorOutcome: RepositoryCache.Outcome?
}

extension ContentSource {
    /// Reads the catalog: from the disk, or from git at `revision` (default `HEAD`, which for a
    /// mirror is the remote's default branch). `cache` is only evaluated for a URL: the CLI's
    /// reads every setting from the environment, which a folder or a repository never needs.
    public func load(revision: String?, cache: @autoclosure () -> RepositoryCache, showProgress: Bool = false,
                     workers: Int = CatalogReader.defaultWorkers) throws -> LoadedCatalog {
        switch self {
        case .directory(let root):
            let (catalog, statistics) = try CatalogReader.read(directory: root, workers: workers)
            return LoadedCatalog(catalog: catalog, statistics: statistics)
        case .repository(let path):
            return try Self.load(GitRepository(at: path), revision: revision, workers: workers, outcome: nil)
        case .remote(let url):
            let (repository, outcome) = try cache().mirror(of: url, showProgress: showProgress)
            return try Self.load(repository, revision: revision, workers: workers, outcome: outcome)
        }
    }

    private static func load(_ repository: GitRepository, revision: String?, workers: Int,
                             outcome: RepositoryCache.Outcome?) throws -> LoadedCatalog {
        let commit = try repository.commit(for: revision ?? "HEAD")
        let (catalog, statistics) = try CatalogReader.read(repository: repository.path, commit: commit, workers: workers)
        return LoadedCatalog(catalog: catalog, statistics: statistics, commit: commit, mirrorOutcome: outcome)
    }
}
