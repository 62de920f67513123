import Foundation

/// One followed pull request, as `pull_requests` holds it.
public struct FollowedPullRequest: Sendable, Equatable {
    /// `owner/name` of the content repository.
    public var repository: String
    public var number: Int
    public var htmlURL: String
    public var apiURL: String
    public var headRepository: String?
    public var headBranch: String
    public var headSHA: String
    public var baseBranch: String
    public var kind: PullRequestKind
    /// Members whose fiche the PR adds or changes.
    public var members: [String]
    /// Who vouches for the recruit (bot onboarding PRs only).
    public var referent: String?
    /// The recruit's own address, from the bot's submission; never read from a PR.
    public var recruitEmail: String?
    public var startups: [String]
    public var state: PullRequestState
    public var draft: Bool
    public var openedAt: Date
    public var mergedAt: Date?
    public var closedAt: Date?
    public var lastObservedAt: Date
    /// When the merge's sync and narrowed reconcile finished (`nil` on a merged PR: still owed).
    public var accountsFollowedAt: Date?

    public init(repository: String, number: Int, htmlURL: String, apiURL: String, headRepository: String?, headBranch: String,
                headSHA: String, baseBranch: String, kind: PullRequestKind, members: [String], referent: String? = nil,
                recruitEmail: String? = nil, startups: [String] = [], state: PullRequestState, draft: Bool, openedAt: Date,
                mergedAt: Date? = nil, closedAt: Date? = nil, lastObservedAt: Date, accountsFollowedAt: Date? = nil) {
        self.repository = repository
        self.number = number
        self.htmlURL = htmlURL
        self.apiURL = apiURL
        self.headRepository = headRepository
        self.headBranch = headBranch
        self.headSHA = headSHA
        self.baseBranch = baseBranch
        self.kind = kind
        self.members = members
        self.referent = referent
        self.recruitEmail = recruitEmail
        self.startups = startups
        self.state = state
        self.draft = draft
        self.openedAt = openedAt
        self.mergedAt = mergedAt
        self.closedAt = closedAt
        self.lastObservedAt = lastObservedAt
        self.accountsFollowedAt = accountsFollowedAt
    }

    /// Whether reminders may be sent about it: open and not a draft (a draft is its author's
    /// work in progress — followed, never nudged).
    public var isRemindable: Bool { state == .open && !draft }

    /// Whether its merge still owes the sync and reconcile that give the members their accounts.
    public var owesAccounts: Bool { state == .merged && accountsFollowedAt == nil }
}
