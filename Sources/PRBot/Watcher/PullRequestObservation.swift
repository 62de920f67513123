import Foundation

/// What was seen of one pull request at one moment, from either input: a polling pass (the
/// open list, or `GET /pulls/{n}` for one that left it) or a webhook delivery. Both inputs
/// make this same value, so both lead to the same transitions.
public struct PullRequestObservation: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case open
        case merged(at: Date)
        /// Closed without being merged.
        case closed(at: Date)
    }

    public var number: Int
    public var htmlURL: String
    public var apiURL: String
    /// `owner/name` of the head branch's repository (`nil` when that fork was deleted).
    public var headRepository: String?
    public var headBranch: String
    public var headSHA: String
    public var baseBranch: String
    public var status: Status
    public var draft: Bool
    public var openedAt: Date
    /// The members whose fiche the PR adds or changes, from its files; `nil` when this
    /// observation did not read them (the PR keeps what was known).
    public var members: [String]?
    /// When it was seen: an observation older than the last one applied is stale (a poll that
    /// listed a PR as open just before its merge webhook was processed).
    public var observedAt: Date

    public init(number: Int, htmlURL: String, apiURL: String, headRepository: String?, headBranch: String, headSHA: String,
                baseBranch: String, status: Status, draft: Bool, openedAt: Date, members: [String]?, observedAt: Date) {
        self.number = number
        self.htmlURL = htmlURL
        self.apiURL = apiURL
        self.headRepository = headRepository
        self.headBranch = headBranch
        self.headSHA = headSHA
        self.baseBranch = baseBranch
        self.status = status
        self.draft = draft
        self.openedAt = openedAt
        self.members = members
        self.observedAt = observedAt
    }
}
