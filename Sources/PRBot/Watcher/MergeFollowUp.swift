import FicheSync
import Foundation
import Logging

/// What a merge into the content repository sets off, so the member has their accounts in
/// seconds rather than on the next cron pass: fetch + incremental sync, then a reconcile
/// narrowed to the members the merged commits changed.
///
/// PRBot never depends on Accounts: the wiring layer (the CLI, later the server) gives the
/// reconcile as `onMerged`, built from Accounts. The scheduled full reconcile still catches
/// anything this misses.
public struct MergeFollowUp: Sendable {
    /// Fetches the content repository and syncs it (incrementally); returns the members the
    /// synced commits changed (`nil` after a full sync).
    public var sync: @Sendable () async throws -> [String]?
    /// The reconcile narrowed to these members (never called with none).
    public var onMerged: @Sendable ([String]) async throws -> Void

    public init(sync: @escaping @Sendable () async throws -> [String]?, onMerged: @escaping @Sendable ([String]) async throws -> Void) {
        self.sync = sync
        self.onMerged = onMerged
    }

    /// Syncs, then reconciles `members` (those of the merged PRs) and whatever else the sync
    /// changed. Returns who was reconciled.
    @discardableResult
    public func run(members: [String]) async throws -> [String] {
        let changed = try await sync() ?? []
        let everyone = Set(members).union(changed).sorted()
        if !everyone.isEmpty { try await onMerged(everyone) }
        return everyone
    }

    /// The usual `sync`: `source` (a repository path, a git URL or a folder, as `fichesync
    /// sync` takes it) fetched into its mirror and synced into `database`. Git runs on
    /// ``BlockingWork``; today is Europe/Paris's.
    public static func catalogSync(source: String, database: Database, cache: RepositoryCache,
                                   logger: Logger) -> @Sendable () async throws -> [String]? {
        return {
            // Classifying looks at the disk, resolving fetches: both off the concurrency pool.
            let (kind, resolved) = try await BlockingWork.run {
                let kind = try ContentSource.classify(source, revisionRequested: false)
                return (kind, try kind.resolve(revision: nil, cache: cache))
            }
            guard resolved.unreadable.isEmpty else {
                throw SyncRefused(commit: resolved.commit.description, diagnostics: resolved.unreadable)
            }
            let report = try await CatalogSync(database: database, today: FicheDate.today(), logger: logger)
                .sync(repositoryPath: resolved.repositoryPath, commit: resolved.commit, source: kind.recordedName(source))
            logger.info("synced after a merge", metadata: ["summary": "\(report.summary)"])
            return report.changedMembers
        }
    }
}
