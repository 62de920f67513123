import Foundation

/// Where a followed pull request stands. `merged` and `closed` (closed without merging) are
/// different end states — the replaced system had one, so it could not tell a member who got
/// their accounts from one whose fiche was refused. A closed PR can be reopened; a merged one
/// is final. Drafts are `open`, flagged by ``FollowedPullRequest/draft``.
public enum PullRequestState: String, Sendable, Codable, CaseIterable {
    case open, merged, closed

    /// What a transition changed, for the output of a pass and for what follows (a merge
    /// triggers the accounts; the reminder schedule reads the state).
    public enum Change: Sendable, Equatable, CustomStringConvertible {
        /// First seen open.
        case opened
        case becameDraft
        case readyForReview
        /// New commits on the head (a `synchronize`).
        case newHead(String)
        /// The fiches it adds or changes are not the same ones any more.
        case membersChanged([String])
        case merged
        /// Closed without being merged.
        case closed
        case reopened

        public var description: String {
            switch self {
            case .opened: "opened"
            case .becameDraft: "draft"
            case .readyForReview: "ready for review"
            case .newHead(let sha): "new head \(sha.prefix(12))"
            case .membersChanged(let members): "members now \(members.joined(separator: ", "))"
            case .merged: "merged"
            case .closed: "closed without merging"
            case .reopened: "reopened"
            }
        }
    }

    /// The result of applying one observation.
    public struct Transition: Sendable, Equatable {
        public var pullRequest: FollowedPullRequest
        public var changes: [Change]
        /// The observation was older than the last one applied (and not a merge): nothing changed.
        public var stale: Bool

        public var merged: Bool { changes.contains(.merged) }
    }

    /// Applies `observation` to what is known (`current`, `nil` for a PR never seen): pure, so
    /// the webhook and the poll make the same decision from the same facts.
    ///
    /// - A merge is final and always applied, even when seen late: nothing undoes it.
    /// - Otherwise an observation older than the last one applied is stale and ignored, so a
    ///   poll that listed the PR just before a webhook closed it cannot reopen it.
    /// - Parameter kind: the kind of a PR seen for the first time.
    public static func apply(_ observation: PullRequestObservation, to current: FollowedPullRequest?, repository: String,
                             kind: PullRequestKind) -> Transition {
        guard var pull = current else {
            var pull = FollowedPullRequest(
                repository: repository, number: observation.number, htmlURL: observation.htmlURL, apiURL: observation.apiURL,
                headRepository: observation.headRepository, headBranch: observation.headBranch, headSHA: observation.headSHA,
                baseBranch: observation.baseBranch, kind: kind, members: observation.members ?? [], state: .open,
                draft: observation.draft, openedAt: observation.openedAt, lastObservedAt: observation.observedAt)
            let change: Change
            switch observation.status {
            case .open: change = .opened
            case .merged(let at): (pull.state, pull.mergedAt, pull.closedAt, pull.draft, change) = (.merged, at, at, false, .merged)
            case .closed(let at): (pull.state, pull.closedAt, change) = (.closed, at, .closed)
            }
            return Transition(pullRequest: pull, changes: [change], stale: false)
        }
        if pull.state == .merged {
            return Transition(pullRequest: pull, changes: [], stale: observation.observedAt < pull.lastObservedAt)
        }
        let isMerge = if case .merged = observation.status { true } else { false }
        if observation.observedAt < pull.lastObservedAt && !isMerge {
            return Transition(pullRequest: pull, changes: [], stale: true)
        }
        var changes: [Change] = []
        pull.lastObservedAt = max(pull.lastObservedAt, observation.observedAt)
        pull.htmlURL = observation.htmlURL
        pull.apiURL = observation.apiURL
        pull.headRepository = observation.headRepository
        pull.headBranch = observation.headBranch
        pull.baseBranch = observation.baseBranch
        if observation.headSHA != pull.headSHA {
            pull.headSHA = observation.headSHA
            changes.append(.newHead(observation.headSHA))
        }
        if let members = observation.members, members != pull.members {
            pull.members = members
            changes.append(.membersChanged(members))
        }
        switch (pull.state, observation.status) {
        case (.open, .open), (.closed, .open):
            if pull.state == .closed {
                pull.state = .open
                pull.closedAt = nil
                changes.append(.reopened)
            }
            if observation.draft != pull.draft {
                pull.draft = observation.draft
                changes.append(observation.draft ? .becameDraft : .readyForReview)
            }
        case (_, .merged(let at)):
            (pull.state, pull.mergedAt, pull.closedAt, pull.draft) = (.merged, at, at, false)
            changes.append(.merged)
        case (.open, .closed(let at)):
            (pull.state, pull.closedAt) = (.closed, at)
            changes.append(.closed)
        case (.closed, .closed), (.merged, _):
            break
        }
        return Transition(pullRequest: pull, changes: changes, stale: false)
    }
}
