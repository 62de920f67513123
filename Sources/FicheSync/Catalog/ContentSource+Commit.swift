import Foundation

/// A source made ready to sync: the repository to read and the commit, after snapshotting a
/// folder or fetching a remote into its mirror. `sync` and the PR watcher's merge follow-up
/// both go through here, so both read a source the same way.
public struct ResolvedSource: Sendable {
    public var repositoryPath: String
    public var commit: GitOID
    /// Fiche files of a folder that could not be read (a folder's snapshot only).
    public var unreadable: [Diagnostic]
}

extension ContentSource {
    /// Blocks in libgit2 (snapshots, fetches, revision lookups): call it on ``BlockingWork``.
    public func resolve(revision: String?, cache: RepositoryCache, showProgress: Bool = false) throws -> ResolvedSource {
        switch self {
        case .directory(let folder):
            let snapshot = try cache.snapshot(of: folder)
            return ResolvedSource(repositoryPath: snapshot.repository.path, commit: snapshot.commit, unreadable: snapshot.unreadable)
        case .repository(let path):
            let repository = try GitRepository(at: path)
            return ResolvedSource(repositoryPath: repository.path, commit: try repository.commit(for: revision ?? "HEAD"), unreadable: [])
        case .remote(let url):
            let (repository, _) = try cache.mirror(of: url, showProgress: showProgress)
            return ResolvedSource(repositoryPath: repository.path, commit: try repository.commit(for: revision ?? "HEAD"), unreadable: [])
        }
    }
}

extension ContentSource {
    /// How the database records where it synced from: a URL without its credentials, a path
    /// standardised (the same folder named two ways is one source, so the next sync is incremental).
    public func recordedName(_ source: String) -> String {
        if case .remote = self { return ContentSource.redacted(source) }
        return URL(fileURLWithPath: source).standardizedFileURL.path
    }
}
