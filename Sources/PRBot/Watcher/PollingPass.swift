import FicheSync
import Foundation
import Logging
import Providers

/// One polling pass over the content repository: **every** open PR (every page — the
/// replaced system read 30) with each one's files (every page), keeping those that add or
/// change `content/_authors/*.md`, whoever opened them. Followed PRs that left the open list
/// are read one by one (`GET /pulls/{n}`) to learn merged from closed. It repairs whatever a
/// lost webhook missed, and does the accounts follow-up any merge still owes.
public struct PollingPass: Sendable {
    public let github: GitHubClient
    public let watcher: PullRequestWatcher
    public let followUp: MergeFollowUp?
    let logger: Logger

    public init(github: GitHubClient, watcher: PullRequestWatcher, followUp: MergeFollowUp?, logger: Logger) {
        self.github = github
        self.watcher = watcher
        self.followUp = followUp
        self.logger = logger
    }

    /// What a pass saw and did.
    public struct Report: Sendable, Equatable {
        public struct Seen: Sendable, Equatable {
            public var number: Int
            public var url: String
            public var changes: [PullRequestState.Change]
        }
        /// Open PRs on GitHub (all of them, fiche or not).
        public var openOnGitHub = 0
        /// Followed PRs whose state or head changed, in number order.
        public var changed: [Seen] = []
        /// Members whose accounts were reconciled after merges.
        public var reconciled: [String] = []
        /// The follow-up failed: the merges still owe it, the next pass tries again.
        public var followUpError: String?
    }

    /// - Parameter now: when the pass starts (the open list is read right after): every
    ///   observation of the pass carries it.
    public func run(now: Date) async throws -> Report {
        var report = Report()
        let repository = watcher.repository
        let open = try await github.openPullRequests(repository)
        report.openOnGitHub = open.count
        let known = try await watcher.database.withConnection {
            try await PullRequestStore(connection: $0, logger: logger).all(repository: repository.description)
        }
        let followed = Dictionary(known.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        var transitions: [PullRequestState.Transition] = []
        for (pull, files) in try await github.filesOfEach(open, in: repository) {
            let members = AuthorFiles.members(of: files)
            guard !members.isEmpty || followed[pull.number] != nil else { continue }
            do {
                transitions.append(try await watcher.observe(try PullRequestObservation(pull, members: members, observedAt: now)))
            } catch let problem as ObservationProblem {
                logger.warning("pull request left out", metadata: ["problem": "\(problem)"])
            }
        }
        let listed = Set(open.map(\.number))
        for gone in known where gone.state == .open && !listed.contains(gone.number) {
            guard let pull = try await github.pullRequest(repository, number: gone.number) else {
                logger.warning("a followed pull request is gone from GitHub", metadata: ["number": "\(gone.number)"])
                continue
            }
            do {
                transitions.append(try await watcher.observe(try PullRequestObservation(pull, members: nil, observedAt: now)))
            } catch let problem as ObservationProblem {
                logger.warning("pull request left out", metadata: ["problem": "\(problem)"])
            }
        }
        report.changed = transitions.filter { !$0.changes.isEmpty }.sorted { $0.pullRequest.number < $1.pullRequest.number }
            .map { Report.Seen(number: $0.pullRequest.number, url: $0.pullRequest.htmlURL, changes: $0.changes) }
        // Merges of this pass, and those an earlier webhook or pass could not follow up.
        var owing = Dictionary(known.filter(\.owesAccounts).map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        for transition in transitions where transition.pullRequest.owesAccounts { owing[transition.pullRequest.number] = transition.pullRequest }
        if let followUp, !owing.isEmpty {
            do {
                report.reconciled = try await followUp.run(members: owing.values.flatMap(\.members))
                try await watcher.database.withConnection {
                    try await PullRequestStore(connection: $0, logger: logger)
                        .markAccountsFollowed(repository: repository.description, numbers: Array(owing.keys), at: Date())
                }
            } catch {
                logger.error("the accounts follow-up of a merge failed; the next pass tries again", metadata: ["error": "\(error)"])
                report.followUpError = String(describing: error)
            }
        }
        return report
    }
}
