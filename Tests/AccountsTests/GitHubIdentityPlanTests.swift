import Testing
@testable import Accounts
@testable import FicheSync

/// GitHub accounts are recognised by their immutable id: a rename on either side is not a
/// departure plus an arrival.
@Suite struct GitHubIdentityPlanTests {
    typealias T = AccountPlanTests
    static let today = T.end.adding(days: -10)

    static func current(members: [String: Int], identity: GitHubIdentity?) -> ProviderSnapshot {
        var current = T.provisioned(logins: [])
        current.githubMembers = members
        current.githubTeamMembers = Set(members.keys)
        if let identity { current.githubIdentities[identity.member] = identity }
        return current
    }

    /// The first time a member's login is seen in the organisation, its id is learned; the
    /// next plan has nothing more to learn.
    @Test func identityIsLearnedOnce() {
        let current = Self.current(members: ["jdupont": 42], identity: nil)
        let plan = AccountPlan.make(members: [T.member()], current: current, settings: T.settings, today: Self.today)
        let learned = GitHubIdentity(member: "jeanne.dupont", id: 42, ficheLogin: "jdupont", githubLogin: "jdupont")
        #expect(plan.learnedIdentities == [learned])
        #expect(plan.operations.isEmpty)
        let again = AccountPlan.make(members: [T.member()], current: Self.current(members: ["jdupont": 42], identity: learned),
                                     settings: T.settings, today: Self.today)
        #expect(again.learnedIdentities.isEmpty)
    }

    /// Renamed on GitHub, fiche not updated: still a member (no invitation to a login that no
    /// longer exists, no orphan), the rename reported; on departure the account is removed
    /// under its new login.
    @Test func renameOnGitHubIsRecognised() {
        let known = GitHubIdentity(member: "jeanne.dupont", id: 42, ficheLogin: "jdupont", githubLogin: "jdupont")
        let current = Self.current(members: ["jeanne-d": 42], identity: known)
        let plan = AccountPlan.make(members: [T.member()], current: current, settings: T.settings, today: Self.today)
        #expect(plan.operations.isEmpty, "\(plan.operations)")
        #expect(plan.orphans.isEmpty)
        #expect(plan.renamedLogins == [RenamedLogin(member: "jeanne.dupont", ficheLogin: "jdupont", githubLogin: "jeanne-d", githubID: 42)])
        #expect(plan.learnedIdentities.map(\.githubLogin) == ["jeanne-d"])

        let left = AccountPlan.make(members: [T.member()], current: current, settings: T.settings, today: T.end.adding(days: 3))
        #expect(left.operations.filter { $0.provider == .github }.map { "\($0.action.rawValue) \($0.target)" } == ["remove jeanne-d"])
    }

    /// The fiche is then updated to the new login: nothing to do, the identity follows.
    @Test func ficheUpdatedAfterRename() {
        let known = GitHubIdentity(member: "jeanne.dupont", id: 42, ficheLogin: "jdupont", githubLogin: "jeanne-d")
        let plan = AccountPlan.make(members: [T.member(github: "Jeanne-D")], current: Self.current(members: ["jeanne-d": 42], identity: known),
                                    settings: T.settings, today: Self.today)
        #expect(plan.operations.isEmpty)
        #expect(plan.renamedLogins.isEmpty)
        #expect(plan.learnedIdentities == [GitHubIdentity(member: "jeanne.dupont", id: 42, ficheLogin: "jeanne-d", githubLogin: "jeanne-d")])
    }

    /// The fiche now names another account: that one is invited, and the old one, no longer
    /// anyone's, is reported as an orphan (not silently kept as hers, not deleted).
    @Test func ficheNamesAnotherAccount() {
        let known = GitHubIdentity(member: "jeanne.dupont", id: 42, ficheLogin: "jdupont", githubLogin: "jdupont")
        let plan = AccountPlan.make(members: [T.member(github: "jeanne-pro")], current: Self.current(members: ["jdupont": 42], identity: known),
                                    settings: T.settings, today: Self.today)
        #expect(plan.operations.map { "\($0.action.rawValue) \($0.target)" } == ["invite jeanne-pro"])
        #expect(plan.orphans == [AccountPlan.Orphan(provider: .github, account: "jdupont")])
        #expect(plan.renamedLogins.isEmpty)
    }
}

/// Invitations: pending counts as present, expired or failed ones are sent again (GitHub's
/// cancelled first), and those that never get accepted are listed for a human.
@Suite struct InvitationPlanTests {
    typealias T = AccountPlanTests

    static func plan(github: Invitation? = nil, mattermost: Invitation? = nil, today: FicheDate) -> AccountPlan {
        var current = T.provisioned(logins: [])
        current.mattermostUsers = [:]
        if let github { current.githubInvitations["jdupont"] = github }
        if let mattermost { current.mattermostInvitations["jeanne.dupont"] = mattermost }
        return AccountPlan.make(members: [T.member()], current: current, settings: T.settings, today: today)
    }

    static func actions(_ plan: AccountPlan, _ provider: AccountOperation.Provider) -> [String] {
        plan.operations.filter { $0.provider == provider }.map { "\($0.action.rawValue) \($0.target)\($0.group.map { " \($0)" } ?? "")" }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var daysSinceSent: Int
        var sends: Int
        var failed = false
        var github: [String]
        var mattermost: [String]
        var waiting: Bool
        var testDescription: String { "sent \(daysSinceSent) days ago, \(sends) sends\(failed ? ", failed" : "")" }
    }

    /// GitHub invitations expire after 7 days, Mattermost's after 2 — counted in whole days,
    /// so expired from the day after; 3 sends at most. A failed one is not cancelled (it is over).
    @Test(arguments: [
        Case(daysSinceSent: 0, sends: 1, github: [], mattermost: [], waiting: false),
        Case(daysSinceSent: 2, sends: 1, github: [], mattermost: [], waiting: false),
        Case(daysSinceSent: 3, sends: 1, github: [], mattermost: ["invite jeanne.dupont"], waiting: false),
        Case(daysSinceSent: 7, sends: 1, github: [], mattermost: ["invite jeanne.dupont"], waiting: false),
        Case(daysSinceSent: 8, sends: 1, github: ["cancel-invitation jdupont 77", "invite jdupont"], mattermost: ["invite jeanne.dupont"], waiting: false),
        Case(daysSinceSent: 1, sends: 1, failed: true, github: ["invite jdupont"], mattermost: ["invite jeanne.dupont"], waiting: false),
        Case(daysSinceSent: 8, sends: 3, github: [], mattermost: [], waiting: true),
        Case(daysSinceSent: 1, sends: 3, failed: true, github: [], mattermost: [], waiting: true),
    ])
    func standing(_ c: Case) {
        let today = T.end.adding(days: -20)
        let sent = today.adding(days: -c.daysSinceSent)
        let plan = Self.plan(github: Invitation(id: 77, sentOn: sent, sends: c.sends, failed: c.failed),
                             mattermost: Invitation(sentOn: sent, sends: c.sends, failed: c.failed), today: today)
        #expect(Self.actions(plan, .github) == c.github)
        #expect(Self.actions(plan, .mattermost) == c.mattermost)
        #expect(plan.waitingInvitations.map(\.gaveUp) == (c.waiting ? [true, true] : []))
    }

    /// Waiting 14 days since the first invitation: listed for a human, while still re-sent.
    @Test func longWaitIsListed() {
        let today = T.end.adding(days: -20)
        let invitation = Invitation(id: 77, sentOn: today.adding(days: -8), firstSentOn: today.adding(days: -14), sends: 2)
        let plan = Self.plan(github: invitation, today: today)
        #expect(Self.actions(plan, .github) == ["cancel-invitation jdupont 77", "invite jdupont"])
        #expect(plan.waitingInvitations == [WaitingInvitation(provider: .github, target: "jdupont", member: "jeanne.dupont",
                                                              since: today.adding(days: -14), sends: 2, gaveUp: false)])
    }

    /// Someone who left with an invitation still pending: it is cancelled.
    @Test func departureCancelsPendingInvitation() {
        let today = T.end.adding(days: 3)
        let plan = Self.plan(github: Invitation(id: 77, sentOn: T.end), today: today)
        #expect(Self.actions(plan, .github) == ["cancel-invitation jdupont 77"])
    }

    /// Two fiches name the same login, one active, one gone: the departed one's rules never
    /// remove the account or cancel the invitation the active one needs (no tug of war).
    @Test func sharedLoginIsNotFoughtOver() {
        let members = [T.member(), T.member("paul.parti", end: T.end.adding(days: -40), github: "JDupont", startups: [])]
        var member = T.provisioned(logins: ["jdupont"])
        member.githubIdentities = [:]
        let asMember = AccountPlan.make(members: members, current: member, settings: T.settings, today: T.end.adding(days: -1))
        #expect(!asMember.operations.contains { $0.provider == .github }, "\(asMember.operations)")
        var invited = T.provisioned(logins: [])
        invited.githubInvitations["jdupont"] = Invitation(id: 9, sentOn: T.end.adding(days: -2))
        let asInvitee = AccountPlan.make(members: members, current: invited, settings: T.settings, today: T.end.adding(days: -1))
        #expect(!asInvitee.operations.contains { $0.provider == .github }, "\(asInvitee.operations)")
    }

    /// A login corrected in a fiche: the invitation fichesync sent to the old one is
    /// cancelled (a stranger could own it); one sent by a human is left alone.
    @Test func strayInvitationsAreCancelled() {
        var current = T.provisioned(logins: [])
        current.githubInvitations["jdupont-typo"] = Invitation(id: 5, sentOn: T.end.adding(days: -20))
        current.githubInvitations["invite-humaine"] = Invitation(id: 6, sentOn: T.end.adding(days: -20), byFichesync: false)
        let plan = AccountPlan.make(members: [T.member()], current: current, settings: T.settings, today: T.end.adding(days: -19))
        #expect(Self.actions(plan, .github) == ["cancel-invitation jdupont-typo 5", "invite jdupont"])
    }
}

/// GitHub's times are instants; invitation rules count Paris days.
@Test(arguments: [("2026-11-18T23:30:00Z", 19), ("2026-11-18T06:46:10-08:00", 18), ("2026-07-18T22:30:00.123Z", 19)])
func gitHubTimesAreParisDays(time: String, day: Int) {
    #expect(GitHubAccounts.parisDate(time)?.day == day)
}
