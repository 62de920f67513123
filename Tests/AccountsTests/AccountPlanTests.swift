import Testing
import TestKit
@testable import Accounts
@testable import FicheSync

/// The pure account planning: each lifecycle step on the right day, safety rules, orphans.
@Suite struct AccountPlanTests {
    static let end = FicheDate(year: 2026, month: 11, day: 30)!
    static let settings = AccountSettings(domain: "beta.gouv.fr", githubTeam: "community")

    static func member(_ id: String = "jeanne.dupont", end: FicheDate = end, type: MemberType? = .beta,
                       github: String? = "jdupont", startups: [String] = ["aides-jeunes"]) -> MemberRecord {
        MemberRecord(id: id, fullname: id, memberType: type, githubLogin: github,
                     missions: [.init(start: FicheDate(year: 2024, month: 1, day: 1)!, end: end)], startupsByMission: [startups])
    }

    /// Everything an active member has, once converged.
    static func provisioned(_ ids: [String] = ["jeanne.dupont"], suspended: Bool = false, logins: [String] = ["jdupont"]) -> ProviderSnapshot {
        var snapshot = ProviderSnapshot()
        for id in ids {
            snapshot.mailboxes[id] = .init(suspended: suspended)
            snapshot.mattermostUsers[id] = ["community"]
        }
        snapshot.githubMembers = Dictionary(uniqueKeysWithValues: logins.enumerated().map { ($1, 100 + $0) })
        snapshot.githubTeamMembers = Set(logins)
        snapshot.mailingLists["set-aides-jeunes"] = Set(ids.map { "\($0)@beta.gouv.fr" })
        return snapshot
    }

    func actions(_ plan: AccountPlan) -> [String] {
        plan.operations.map { "\($0.provider.rawValue) \($0.action.rawValue) \($0.target)\($0.group.map { " \($0)" } ?? "")" }
    }

    struct Step: Sendable, CustomTestStringConvertible {
        var daysAfterEnd: Int
        var mailboxSuspended: Bool
        var expected: [String]
        var testDescription: String { "D\(daysAfterEnd >= 0 ? "+" : "")\(daysAfterEnd)" }
    }

    /// LIFECYCLE.md, day by day around the end date D (Europe/Paris calendar days).
    @Test(arguments: [
        Step(daysAfterEnd: -30, mailboxSuspended: false, expected: []),
        Step(daysAfterEnd: 0, mailboxSuspended: false, expected: []),
        Step(daysAfterEnd: 1, mailboxSuspended: false, expected: ["ovh unsubscribe jeanne.dupont@beta.gouv.fr set-aides-jeunes"]),
        Step(daysAfterEnd: 2, mailboxSuspended: false, expected: ["ovh unsubscribe jeanne.dupont@beta.gouv.fr set-aides-jeunes"]),
        Step(daysAfterEnd: 3, mailboxSuspended: false, expected: [
            "ovh unsubscribe jeanne.dupont@beta.gouv.fr set-aides-jeunes",
            "mattermost add-to-team jeanne.dupont alumni", "mattermost remove-from-team jeanne.dupont community",
            "github remove jdupont",
        ]),
        Step(daysAfterEnd: 5, mailboxSuspended: false, expected: [
            "ovh unsubscribe jeanne.dupont@beta.gouv.fr set-aides-jeunes", "ovh suspend jeanne.dupont@beta.gouv.fr",
            "mattermost add-to-team jeanne.dupont alumni", "mattermost remove-from-team jeanne.dupont community",
            "github remove jdupont",
        ]),
        Step(daysAfterEnd: 29, mailboxSuspended: true, expected: [
            "ovh unsubscribe jeanne.dupont@beta.gouv.fr set-aides-jeunes",
            "mattermost add-to-team jeanne.dupont alumni", "mattermost remove-from-team jeanne.dupont community",
            "github remove jdupont",
        ]),
        Step(daysAfterEnd: 30, mailboxSuspended: true, expected: [
            "ovh unsubscribe jeanne.dupont@beta.gouv.fr set-aides-jeunes", "ovh delete jeanne.dupont@beta.gouv.fr",
            "mattermost add-to-team jeanne.dupont alumni", "mattermost remove-from-team jeanne.dupont community",
            "github remove jdupont",
        ]),
        // Never deleted without being suspended first, even when late.
        Step(daysAfterEnd: 40, mailboxSuspended: false, expected: [
            "ovh unsubscribe jeanne.dupont@beta.gouv.fr set-aides-jeunes", "ovh suspend jeanne.dupont@beta.gouv.fr",
            "mattermost add-to-team jeanne.dupont alumni", "mattermost remove-from-team jeanne.dupont community",
            "github remove jdupont",
        ]),
    ])
    func lifecycleStepOnItsDay(_ step: Step) {
        let today = Self.end.adding(days: step.daysAfterEnd)
        let plan = AccountPlan.make(members: [Self.member()], current: Self.provisioned(suspended: step.mailboxSuspended),
                                    settings: Self.settings, today: today)
        #expect(actions(plan) == step.expected)
    }

    /// A mission extended after suspension brings the mailbox back, and the member back in.
    @Test func extendedMissionReactivates() {
        var current = Self.provisioned(suspended: true)
        current.mattermostUsers["jeanne.dupont"] = ["alumni"]
        current.githubMembers = [:]
        let plan = AccountPlan.make(members: [Self.member(end: Self.end.adding(days: 90))], current: current,
                                    settings: Self.settings, today: Self.end.adding(days: 10))
        #expect(actions(plan) == [
            "ovh reactivate jeanne.dupont@beta.gouv.fr",
            "mattermost add-to-team jeanne.dupont community",
            "github invite jdupont",
        ])
    }

    /// A fresh population: everything is created; once applied, a second plan is empty.
    @Test func freshPopulationConvergesThenPlansNothing() {
        let members = (0..<30).map { Self.member("membre.\(letters($0))", github: "login-\(letters($0))") }
        let today = Self.end.adding(days: -10)
        let plan = AccountPlan.make(members: members, current: ProviderSnapshot(), settings: Self.settings, today: today)
        #expect(plan.summary == "91 to create, 30 to update, 0 to suspend, 0 to delete")
        let after = simulate(plan, on: ProviderSnapshot(), today: today)
        let second = AccountPlan.make(members: members, current: after, settings: Self.settings, today: today)
        // Invitations are pending (present); team memberships follow once they are accepted.
        #expect(second.operations.isEmpty, "\(actions(second))")
        #expect(second.orphans.isEmpty)
    }

    /// Pending invitations count as present: nobody is invited twice.
    @Test func pendingInvitationsAreNotRepeated() {
        var current = ProviderSnapshot()
        current.githubInvitations = ["jdupont": Invitation(id: 7, sentOn: Self.end.adding(days: -6))]
        current.mattermostInvitations = ["jeanne.dupont": Invitation(sentOn: Self.end.adding(days: -1))]
        let plan = AccountPlan.make(members: [Self.member()], current: current, settings: Self.settings, today: Self.end)
        #expect(!plan.operations.contains { $0.action == .invite })
    }

    /// More removals than the limit on one provider: the plan says so (apply must abort);
    /// `--max-deletions` lets them through.
    @Test func deletionLimitPerProvider() {
        let ids = (0..<12).map { "parti.\(letters($0))" }
        let members = ids.map { Self.member($0, github: nil, startups: []) }
        var current = Self.provisioned(ids, logins: [])
        current.mailingLists = [:]
        let today = Self.end.adding(days: 6)
        let plan = AccountPlan.make(members: members, current: current, settings: Self.settings, today: today)
        #expect(plan.exceededLimits.map(\.provider) == [.ovh, .mattermost])
        #expect(plan.exceededLimits.first?.removals == 12)
        #expect(plan.exceededLimits.first?.limit == 10)
        var allowed = Self.settings
        allowed.maxDeletions = 12
        #expect(AccountPlan.make(members: members, current: current, settings: allowed, today: today).exceededLimits.isEmpty)
    }

    /// Admins, protected accounts and members whose fiche failed to sync are never removed;
    /// accounts without a fiche are reported as orphans, not changed.
    @Test func safetyRules() {
        var current = Self.provisioned(["jeanne.dupont", "paul.martin"], logins: ["jdupont", "pmartin", "inconnu", "admin-root"])
        current.githubAdmins = ["admin-root", "pmartin"]
        current.mailboxes["secretariat"] = .init(suspended: false)
        current.mattermostUsers["bot"] = ["community"]
        var settings = Self.settings
        settings.protectedAccounts = ["secretariat", "bot"]
        let members = [Self.member(), Self.member("paul.martin", github: "pmartin")]
        let late = Self.end.adding(days: 40)
        let plan = AccountPlan.make(members: members, unsynced: ["jeanne.dupont"], current: current, settings: settings, today: late)
        #expect(!plan.operations.contains { $0.member == "jeanne.dupont" && $0.action.isDestructive })
        #expect(!plan.operations.contains { $0.target == "pmartin" })
        #expect(plan.operations.contains { $0.target == "paul.martin@beta.gouv.fr" && $0.action == .suspend })
        #expect(!plan.operations.contains { $0.target.hasPrefix("secretariat") || $0.target == "bot" })
        #expect(plan.orphans == [AccountPlan.Orphan(provider: .github, account: "inconnu")])
    }

    /// Attributaires get no mailbox (a redirection is set up by other means).
    @Test func attributairesGetNoMailbox() {
        let plan = AccountPlan.make(members: [Self.member(type: .attributaire)], current: ProviderSnapshot(),
                                    settings: Self.settings, today: Self.end)
        #expect(!plan.operations.contains { $0.provider == .ovh })
    }

    /// The same inputs in any order give the same plan.
    @Test func planIsDeterministic() {
        let members = (0..<20).map { Self.member("membre.\(letters($0))", end: Self.end.adding(days: $0 - 10), github: "l\($0)") }
        let current = Self.provisioned(members.map(\.id), logins: members.compactMap(\.githubLogin))
        let a = AccountPlan.make(members: members, current: current, settings: Self.settings, today: Self.end)
        let b = AccountPlan.make(members: members.reversed(), current: current, settings: Self.settings, today: Self.end)
        #expect(a == b)
        #expect(a.operations == a.operations.sorted())
    }

    /// The states of the replaced system, derived from the journal's history of a member.
    @Test func accountStatesFollowTheJournal() {
        let created = AccountState.derive(member: "a.b", operations: [("ovh", "create", "done", nil)])
        #expect(created.email == "EMAIL_ACTIVE")
        let suspended = AccountState.derive(member: "a.b", operations: [("ovh", "create", "done", nil), ("ovh", "suspend", "done", nil)])
        #expect(suspended.email == "EMAIL_SUSPENDED")
        let back = AccountState.derive(member: "a.b", operations: [("ovh", "create", "done", nil), ("ovh", "suspend", "done", nil),
                                                                   ("ovh", "reactivate", "pending", nil)])
        #expect(back.email == "EMAIL_RECREATION_PENDING")
        let moved = AccountState.derive(member: "a.b", operations: [("mattermost", "invite", "done", nil),
                                                                    ("mattermost", "add-to-team", "done", "alumni"),
                                                                    ("github", "invite", "done", nil), ("github", "remove", "done", nil)])
        #expect(moved.mattermost == "in alumni")
        #expect(moved.github == "removed")
        #expect(AccountState.derive(member: "a.b", operations: []).email == "EMAIL_UNSET")
    }

    /// Plans from fiches: the bundled fixtures' members on a fixed day.
    @Test func fromFixtures() throws {
        let catalog = try CatalogReader.read(directory: Package.fixtures).0
        let members = catalog.authors.map(MemberRecord.init(author:))
        let today = FicheDate(year: 2026, month: 11, day: 25)!
        let plan = AccountPlan.make(members: members, current: ProviderSnapshot(), settings: Self.settings, today: today)
        let mailboxes = plan.operations.filter { $0.provider == .ovh && $0.action == .create }.count
        let activeNonAttributaires = catalog.authors.filter { $0.isActive(on: today) && $0.memberType != .attributaire }.count
        #expect(mailboxes == activeNonAttributaires)
        #expect(plan.exceededLimits.isEmpty)
    }
}

/// Applies a plan to a snapshot the way the providers would (invitations stay pending).
func simulate(_ plan: AccountPlan, on snapshot: ProviderSnapshot, today: FicheDate) -> ProviderSnapshot {
    var s = snapshot
    for op in plan.operations {
        let local = String(op.target.prefix { $0 != "@" })
        switch (op.provider, op.action) {
        case (.ovh, .create), (.ovh, .reactivate): s.mailboxes[local] = .init(suspended: false)
        case (.ovh, .suspend): s.mailboxes[local] = .init(suspended: true)
        case (.ovh, .delete): s.mailboxes[local] = nil
        case (.ovh, .createList): s.mailingLists[op.target] = []
        case (.ovh, .subscribe): s.mailingLists[op.group ?? "", default: []].insert(op.target)
        case (.ovh, .unsubscribe): s.mailingLists[op.group ?? ""]?.remove(op.target)
        case (.mattermost, .invite): s.mattermostInvitations[op.target] = Invitation(sentOn: today)
        case (.mattermost, .addToTeam): s.mattermostUsers[op.target, default: []].insert(op.group ?? "")
        case (.mattermost, .removeFromTeam): s.mattermostUsers[op.target]?.remove(op.group ?? "")
        case (.github, .invite): s.githubInvitations[op.target] = Invitation(id: 1, sentOn: today)
        case (.github, .addToTeam): s.githubTeamMembers.insert(op.target)
        case (.github, .remove): s.githubMembers[op.target] = nil
        default: break
        }
    }
    return s
}

func letters(_ n: Int) -> String { CorpusGenerator.letters(n) }

enum Package {
    static var fixtures: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("fixtures/beta.gouv.fr").path
    }
}

import Foundation
