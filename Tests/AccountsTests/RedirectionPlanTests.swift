import Testing
@testable import Accounts
@testable import FicheSync

/// Redirections: attributaires get one (to the address given for them) instead of a
/// mailbox; an existing one with no address known is kept; all go at D+30.
@Suite struct RedirectionPlanTests {
    typealias T = AccountPlanTests
    typealias Redirection = ProviderSnapshot.Redirection

    static func plan(type: MemberType = .attributaire, redirectTo: String?, existing: [Redirection], daysAfterEnd: Int) -> AccountPlan {
        var member = T.member(type: type, github: nil, startups: [])
        member.redirectTo = redirectTo
        var current = ProviderSnapshot()
        current.mattermostUsers["jeanne.dupont"] = ["community"]
        if type != .attributaire { current.mailboxes["jeanne.dupont"] = .init(suspended: false) }
        current.redirections["jeanne.dupont"] = existing.isEmpty ? nil : existing
        return AccountPlan.make(members: [member], current: current, settings: T.settings, today: T.end.adding(days: daysAfterEnd))
    }

    static func ovh(_ plan: AccountPlan) -> [String] {
        plan.operations.filter { $0.provider == .ovh }.map { "\($0.action.rawValue) \($0.target) \($0.group ?? "")" }
    }

    @Test func attributaireWithAddressGetsARedirection() {
        let plan = Self.plan(redirectTo: "Jeanne@Example.org", existing: [], daysAfterEnd: -10)
        #expect(Self.ovh(plan) == ["create-redirection jeanne.dupont@beta.gouv.fr jeanne@example.org"])
        #expect(plan.summary == "1 to create, 0 to update, 0 to suspend, 0 to delete")
        #expect(plan.membersWithoutAddress.isEmpty)
        let done = Self.plan(redirectTo: "jeanne@example.org", existing: [Redirection(id: "r1", to: "jeanne@example.org")], daysAfterEnd: -10)
        #expect(Self.ovh(done).isEmpty)
    }

    /// No address: nothing is invented; the attributaire is listed; an existing redirection
    /// (the replaced system kept addresses outside the fiches) counts.
    @Test func attributaireWithoutAddressIsListed() {
        let plan = Self.plan(redirectTo: nil, existing: [], daysAfterEnd: -10)
        #expect(Self.ovh(plan).isEmpty)
        #expect(plan.membersWithoutAddress == ["jeanne.dupont"])
        let kept = Self.plan(redirectTo: nil, existing: [Redirection(id: "r1", to: "old@example.org")], daysAfterEnd: -10)
        #expect(Self.ovh(kept).isEmpty)
        #expect(kept.membersWithoutAddress.isEmpty)
    }

    /// A new address replaces the old redirection; a member with a mailbox can ask for one too.
    @Test func newAddressReplacesTheOldOne() {
        let plan = Self.plan(type: .beta, redirectTo: "new@example.org", existing: [Redirection(id: "r1", to: "old@example.org")],
                             daysAfterEnd: -10)
        #expect(Self.ovh(plan) == ["create-redirection jeanne.dupont@beta.gouv.fr new@example.org",
                                   "delete-redirection jeanne.dupont@beta.gouv.fr r1"])
    }

    /// Kept through the grace period, deleted with the mailbox at D+30.
    @Test(arguments: [(5, false), (29, false), (30, true)])
    func deletedAtDPlus30(days: Int, deleted: Bool) {
        let plan = Self.plan(redirectTo: "jeanne@example.org", existing: [Redirection(id: "r1", to: "jeanne@example.org")],
                             daysAfterEnd: days)
        #expect(Self.ovh(plan) == (deleted ? ["delete-redirection jeanne.dupont@beta.gouv.fr r1"] : []))
    }

    @Test func addressesAreValidated() {
        #expect(Validator.isValidEmailAddress("jeanne.dupont+fiche@example.gouv.fr"))
        for bad in ["jeanne", "@example.org", "a@b", "a..b@example.org", "a@exa mple.org", "a@example.org\r\nBcc: x@y.z",
                    "a\"b@example.org", "a@-example.org", "é@example.org", "a@example..org"] {
            #expect(!Validator.isValidEmailAddress(bad), "\(bad)")
        }
    }
}
