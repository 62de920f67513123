import FicheSync
import Foundation
import Logging

/// A change to an existing member's fiche (a mission extension, above all) from a request to
/// a recorded update pull request, as the service's `/members/<id>/prolonger` form runs it:
/// the fiche read from the content source as `sync` reads it, the ``ChangeRequest`` checked
/// against that catalog on today's date in Europe/Paris, then the PR opened on the upstream's
/// current file and recorded for the watcher.
public struct MemberChangeFlow: Sendable {
    public let database: Database
    /// A repository path, git URL or folder, as `fichesync sync` takes it.
    public let source: String
    public let cache: RepositoryCache
    let logger: Logger

    public init(database: Database, source: String, cache: RepositoryCache, logger: Logger) {
        self.database = database
        self.source = source
        self.cache = cache
        self.logger = logger
    }

    /// The member's fiche and the catalog it was read with; `nil` when no fiche has this id.
    /// Git and the disk are read off the concurrency pool.
    public func current(_ id: String) async throws -> (fiche: AuthorFiche, catalog: Catalog)? {
        let source = self.source, cache = self.cache
        let catalog = try await BlockingWork.run {
            try ContentSource.classify(source, revisionRequested: false).load(revision: nil, cache: cache).catalog
        }
        guard let fiche = catalog.authors.first(where: { $0.id == id }) else { return nil }
        return (fiche, catalog)
    }

    public struct Proposed: Sendable, Equatable {
        public var opened: PullRequestOpener.Opened
        /// Set when the PR was opened but not recorded (the next polling pass finds it).
        public var recordFailure: String?
    }

    /// Checks `request` for `fiche` (throws ``SubmissionRefused`` per field), opens the update
    /// PR with `opener` (or finds the one already open) and records it.
    public func propose(_ request: ChangeRequest, for fiche: AuthorFiche, catalog: Catalog, with opener: PullRequestOpener,
                        today: FicheDate = .today(), now: Date = Date()) async throws -> Proposed {
        let change = try request.check(for: fiche, against: SubmissionCatalog(catalog), today: today)
        let opened = try await opener.open(change: change, memberID: fiche.id, fullname: fiche.fullname.value)
        var seen = Set<String>()
        let startups = fiche.missions.flatMap { $0.startups.map(\.value) }.filter { seen.insert($0).inserted }
        let watcher = PullRequestWatcher(database: database, repository: opener.upstream, botFork: opener.fork, logger: logger)
        var recordFailure: String?
        do {
            _ = try await watcher.record(opened, OpenedPullRequestRecord(kind: .update, memberID: fiche.id, startups: startups),
                                         github: opener.github, now: now)
        } catch {
            logger.warning("update pull request opened but not recorded", metadata: ["url": "\(opened.url)", "error": "\(error)"])
            recordFailure = String(describing: error)
        }
        logger.info("update pull request", metadata: ["member": "\(fiche.id)", "url": "\(opened.url)", "existing": "\(opened.existing)"])
        return Proposed(opened: opened, recordFailure: recordFailure)
    }
}
