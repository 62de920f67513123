import FicheSync
import Foundation
import Providers

/// What the bot knows of a PR it opened that GitHub does not: who vouches for the recruit,
/// the recruit's own address (from the submission: never read from a PR, so nobody can make
/// the bot mail an address by writing it in one), the startups. Stored with the PR the moment
/// it is opened, so its first reminder does not wait for a poll.
public struct OpenedPullRequestRecord: Sendable, Equatable {
    public var kind: PullRequestKind
    public var memberID: String
    public var referent: String?
    public var recruitEmail: String?
    public var startups: [String]

    public init(kind: PullRequestKind, memberID: String, referent: String? = nil, recruitEmail: String? = nil, startups: [String] = []) {
        self.kind = kind
        self.memberID = memberID
        self.referent = referent
        self.recruitEmail = recruitEmail
        self.startups = startups
    }

    /// An onboarding PR's facts, from its checked submission.
    public init(onboarding submission: CheckedSubmission) {
        self.init(kind: .onboarding, memberID: submission.id, referent: submission.referent, recruitEmail: submission.email,
                  startups: submission.startups)
    }
}

extension PullRequestWatcher {
    /// Records a PR the bot opened (or found already open for the same fiche): GitHub's view
    /// of it (`GET /pulls/{n}`, one request) through the same transition as every other
    /// observation, then the bot's facts. A PR opened by hand that the bot found keeps its
    /// kind; the submission's referent, address and startups still help its reminders.
    public func record(_ opened: PullRequestOpener.Opened, _ facts: OpenedPullRequestRecord, github: GitHubClient,
                       now: Date) async throws -> FollowedPullRequest {
        guard Validator.isValidAuthorID(facts.memberID) else {
            throw ObservationProblem(code: .number, description: "\"\(facts.memberID.prefix(80))\" is not a member id")
        }
        guard let pull = try await github.pullRequest(repository, number: opened.number) else {
            throw ObservationProblem(code: .number, description: "pull request #\(opened.number) is not on \(repository)")
        }
        let observation = try PullRequestObservation(pull, members: nil, observedAt: now)
        let logger = self.logger
        // What the transition causes (the referent's notice) must see the bot's facts: it runs
        // once they are saved, in the same transaction.
        var plain = self
        plain.onTransition = nil
        let onTransition = self.onTransition
        return try await database.transaction { connection in
            var transition = try await plain.observe(observation, on: connection)
            var pull = transition.pullRequest
            if opened.branch != nil { pull.kind = facts.kind }
            if !pull.members.contains(facts.memberID) { pull.members = (pull.members + [facts.memberID]).sorted() }
            pull.referent = facts.referent ?? pull.referent
            pull.recruitEmail = facts.recruitEmail ?? pull.recruitEmail
            if !facts.startups.isEmpty { pull.startups = facts.startups }
            try await PullRequestStore(connection: connection, logger: logger).save(pull)
            transition.pullRequest = pull
            if !transition.changes.isEmpty, let onTransition { try await onTransition(transition, connection) }
            return pull
        }
    }
}
