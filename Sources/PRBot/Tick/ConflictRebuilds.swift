import FicheSync
import Foundation
import Logging
import Providers

/// The bot's own open PRs that fell into conflict, rebuilt on their new base with the same
/// change (force-moving the bot's branch on its fork) — maintainers cannot push to the fork,
/// and before this such PRs were recreated by hand. Each rebuilt PR is observed again at
/// once, so its new head is the one checked next, with the rebuild said in its preview.
public struct ConflictRebuilds: Sendable {
    let opener: PullRequestOpener
    let watcher: PullRequestWatcher
    let logger: Logger

    public init(opener: PullRequestOpener, watcher: PullRequestWatcher, logger: Logger) {
        self.opener = opener
        self.watcher = watcher
        self.logger = logger
    }

    /// What was rebuilt, by PR number, in words for the preview comment; with each failure.
    public struct Report: Sendable, Equatable {
        public var rebuilt: [Int: String] = [:]
        public var errors: [String] = []
    }

    /// Looks at every open, non-draft bot PR of the watcher's repository (`GET /pulls/{n}`
    /// tells whether GitHub finds it mergeable; one not yet computed is left for the next pass).
    public func run(now: Date) async throws -> Report {
        let repository = watcher.repository.description
        let open = try await watcher.database.withConnection {
            try await PullRequestStore(connection: $0, logger: logger).all(repository: repository)
        }.filter { $0.state == .open && !$0.draft && $0.kind != .handMade }
        var report = Report()
        for pull in open {
            do {
                let rebuild = try await opener.rebuildIfInConflict(number: pull.number)
                guard let words = rebuild.words else { continue }
                if let current = try await opener.github.pullRequest(opener.upstream, number: pull.number) {
                    _ = try await watcher.observe(try PullRequestObservation(current, members: nil, observedAt: now))
                }
                report.rebuilt[pull.number] = words
            } catch {
                logger.warning("bot pull request in conflict not rebuilt; the next pass tries again",
                               metadata: ["number": "\(pull.number)", "error": "\(error)"])
                report.errors.append("rebuild of #\(pull.number): \(error)")
            }
        }
        return report
    }
}
