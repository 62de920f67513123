import Foundation
import Testing
@testable import PRBot

/// Every transition of `PullRequestState`, from values: no database, no network, no clock.
@Suite struct PullRequestStateTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let sha1 = String(repeating: "a", count: 40), sha2 = String(repeating: "b", count: 40)

    static func seen(_ status: PullRequestObservation.Status = .open, draft: Bool = false, sha: String = sha1,
                     members: [String]? = ["lea.martin"], at minutes: Double = 0) -> PullRequestObservation {
        PullRequestObservation(number: 7, htmlURL: "https://github.com/o/r/pull/7", apiURL: "https://api.github.com/repos/o/r/pulls/7",
                               headRepository: "someone/r", headBranch: "patch-1", headSHA: sha, baseBranch: "master", status: status,
                               draft: draft, openedAt: t0, members: members, observedAt: t0.addingTimeInterval(minutes * 60))
    }

    static func apply(_ observation: PullRequestObservation, to current: FollowedPullRequest?) -> PullRequestState.Transition {
        PullRequestState.apply(observation, to: current, repository: "o/r", kind: .handMade)
    }

    static func open(draft: Bool = false) -> FollowedPullRequest { apply(seen(draft: draft), to: nil).pullRequest }

    @Test func firstSeenOpenIsOpenedAndRemindable() {
        let transition = Self.apply(Self.seen(), to: nil)
        #expect(transition.changes == [.opened])
        #expect(transition.pullRequest.state == .open)
        #expect(transition.pullRequest.kind == .handMade)
        #expect(transition.pullRequest.members == ["lea.martin"])
        #expect(transition.pullRequest.isRemindable)
        #expect(!transition.pullRequest.owesAccounts)
    }

    @Test func aDraftIsFollowedButNotRemindable() {
        let draft = Self.open(draft: true)
        #expect(draft.state == .open && draft.draft)
        #expect(!draft.isRemindable)
        let ready = Self.apply(Self.seen(at: 1), to: draft)
        #expect(ready.changes == [.readyForReview])
        #expect(ready.pullRequest.isRemindable)
        let again = Self.apply(Self.seen(draft: true, at: 2), to: ready.pullRequest)
        #expect(again.changes == [.becameDraft])
        #expect(!again.pullRequest.isRemindable)
    }

    @Test func aNewHeadIsRecorded() {
        let transition = Self.apply(Self.seen(sha: Self.sha2, at: 1), to: Self.open())
        #expect(transition.changes == [.newHead(Self.sha2)])
        #expect(transition.pullRequest.headSHA == Self.sha2)
        #expect(transition.pullRequest.state == .open)
    }

    @Test func theSameObservationChangesNothing() {
        let transition = Self.apply(Self.seen(at: 1), to: Self.open())
        #expect(transition.changes.isEmpty)
        #expect(!transition.stale)
    }

    @Test func membersFollowTheFilesAndUnknownFilesKeepThem() {
        let changed = Self.apply(Self.seen(members: ["lea.martin", "marius.tellier"], at: 1), to: Self.open())
        #expect(changed.changes == [.membersChanged(["lea.martin", "marius.tellier"])])
        let unread = Self.apply(Self.seen(members: nil, at: 2), to: changed.pullRequest)
        #expect(unread.changes.isEmpty)
        #expect(unread.pullRequest.members == ["lea.martin", "marius.tellier"])
    }

    @Test func mergedIsAnEndStateThatOwesAccounts() {
        let at = Self.t0.addingTimeInterval(3600)
        let merged = Self.apply(Self.seen(.merged(at: at), at: 60), to: Self.open(draft: true))
        #expect(merged.changes == [.merged])
        #expect(merged.merged)
        #expect(merged.pullRequest.state == .merged)
        #expect(merged.pullRequest.mergedAt == at && merged.pullRequest.closedAt == at)
        #expect(!merged.pullRequest.isRemindable)
        #expect(merged.pullRequest.owesAccounts)
        // Nothing moves a merged PR: not a later "open" (a stale list), not a close, not a reopen.
        for later in [Self.seen(at: 61), Self.seen(.closed(at: at), at: 62), Self.seen(sha: Self.sha2, at: 63)] {
            let after = Self.apply(later, to: merged.pullRequest)
            #expect(after.changes.isEmpty)
            #expect(after.pullRequest == merged.pullRequest)
        }
    }

    @Test func closedUnmergedIsAnotherEndStateAndCanBeReopened() {
        let at = Self.t0.addingTimeInterval(600)
        let closed = Self.apply(Self.seen(.closed(at: at), at: 10), to: Self.open())
        #expect(closed.changes == [.closed])
        #expect(closed.pullRequest.state == .closed)
        #expect(closed.pullRequest.mergedAt == nil && closed.pullRequest.closedAt == at)
        #expect(!closed.pullRequest.isRemindable && !closed.pullRequest.owesAccounts)
        #expect(Self.apply(Self.seen(.closed(at: at), at: 11), to: closed.pullRequest).changes.isEmpty)
        let reopened = Self.apply(Self.seen(at: 20), to: closed.pullRequest)
        #expect(reopened.changes == [.reopened])
        #expect(reopened.pullRequest.state == .open && reopened.pullRequest.closedAt == nil)
        #expect(reopened.pullRequest.isRemindable)
    }

    @Test func aMergeMissedWhileClosedIsStillAMerge() {
        let closed = Self.apply(Self.seen(.closed(at: Self.t0), at: 10), to: Self.open()).pullRequest
        let merged = Self.apply(Self.seen(.merged(at: Self.t0), at: 30), to: closed)
        #expect(merged.changes == [.merged])
        #expect(merged.pullRequest.state == .merged)
    }

    @Test func firstSeenMergedOrClosed() {
        let merged = Self.apply(Self.seen(.merged(at: Self.t0)), to: nil)
        #expect(merged.changes == [.merged] && merged.pullRequest.state == .merged && merged.pullRequest.owesAccounts)
        let closed = Self.apply(Self.seen(.closed(at: Self.t0)), to: nil)
        #expect(closed.changes == [.closed] && closed.pullRequest.state == .closed)
    }

    @Test func aStaleObservationIsIgnoredButAStaleMergeIsNot() {
        let closed = Self.apply(Self.seen(.closed(at: Self.t0), at: 10), to: Self.open()).pullRequest
        // A poll that read the open list before the close arrived: it must not reopen the PR.
        let stale = Self.apply(Self.seen(at: 5), to: closed)
        #expect(stale.stale && stale.changes.isEmpty && stale.pullRequest == closed)
        // A merge seen late is still a fact.
        let open = Self.apply(Self.seen(at: 10), to: Self.open()).pullRequest
        let lateMerge = Self.apply(Self.seen(.merged(at: Self.t0), at: 5), to: open)
        #expect(!lateMerge.stale && lateMerge.changes == [.merged])
        #expect(lateMerge.pullRequest.lastObservedAt == open.lastObservedAt)
    }

    @Test func theKindOfAPullRequestFirstSeenOnGitHub() {
        #expect(PullRequestKind.inferred(headRepository: "fichesync-bot/r", branch: "authorlea-martin-0a1b2c", botFork: "fichesync-bot/r") == .onboarding)
        #expect(PullRequestKind.inferred(headRepository: "fichesync-bot/r", branch: "lea-martin-update-0a1b2c", botFork: "fichesync-bot/r") == .update)
        #expect(PullRequestKind.inferred(headRepository: "fichesync-bot/r", branch: "patch-1", botFork: "fichesync-bot/r") == .handMade)
        #expect(PullRequestKind.inferred(headRepository: "lea/r", branch: "authorlea", botFork: "fichesync-bot/r") == .handMade)
        #expect(PullRequestKind.inferred(headRepository: nil, branch: "authorlea", botFork: "fichesync-bot/r") == .handMade)
    }
}
