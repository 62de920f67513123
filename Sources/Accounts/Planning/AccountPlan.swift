import FicheSync

/// Desired accounts (from the fiches, on `today`) against what the providers hold: the
/// operations that converge them, in a deterministic order, and what must not be done.
/// Pure: no network, no database, no clock.
public struct AccountPlan: Hashable, Sendable {
    public var operations: [AccountOperation]
    /// Accounts on a provider with no fiche behind them: reported, never changed.
    public var orphans: [Orphan]
    /// Providers whose removals exceed the limit: applying must stop and say so.
    public var exceededLimits: [ExceededLimit]
    /// Invitations never accepted for long, or sent as many times as allowed: for a human.
    public var waitingInvitations: [WaitingInvitation]
    /// Active members who should get a redirection (attributaires) but have no address to
    /// send it to yet: `fichesync redirect ID ADDRESS` gives one.
    public var membersWithoutAddress: [String]
    /// GitHub accounts renamed since the fiche was written (recognised by their id).
    public var renamedLogins: [RenamedLogin]
    /// GitHub identities seen in this snapshot that fichesync did not know yet (or that
    /// changed): to remember, so later renames are recognised.
    public var learnedIdentities: [GitHubIdentity]

    public struct Orphan: Hashable, Sendable, Comparable {
        public var provider: AccountOperation.Provider
        public var account: String

        public static func < (lhs: Orphan, rhs: Orphan) -> Bool { (lhs.provider, lhs.account) < (rhs.provider, rhs.account) }
    }

    public struct ExceededLimit: Hashable, Sendable {
        public var provider: AccountOperation.Provider
        public var removals: Int
        public var limit: Int
        public var accounts: Int
    }

    public init(operations: [AccountOperation], orphans: [Orphan] = [], exceededLimits: [ExceededLimit] = [],
                waitingInvitations: [WaitingInvitation] = [], membersWithoutAddress: [String] = [],
                renamedLogins: [RenamedLogin] = [], learnedIdentities: [GitHubIdentity] = []) {
        self.membersWithoutAddress = membersWithoutAddress
        self.operations = operations
        self.orphans = orphans
        self.exceededLimits = exceededLimits
        self.waitingInvitations = waitingInvitations
        self.renamedLogins = renamedLogins
        self.learnedIdentities = learnedIdentities
    }

    /// `N to create, M to update, K to suspend, D to delete`
    public var summary: String {
        let creates = operations.count { [.create, .createRedirection, .invite, .createList].contains($0.action) }
        let deletes = operations.count { [.delete, .deleteRedirection, .remove].contains($0.action) }
        let suspends = operations.count { $0.action == .suspend }
        let updates = operations.count - creates - deletes - suspends
        return "\(creates) to create, \(updates) to update, \(suspends) to suspend, \(deletes) to delete"
    }

    /// Plans the convergence.
    ///
    /// - Parameters:
    ///   - members: every member of the synced fiches.
    ///   - unsynced: ids of members whose fiche could not be read: nothing is removed for them.
    public static func make(members: [MemberRecord], unsynced: Set<String> = [], current: ProviderSnapshot,
                            settings: AccountSettings, today: FicheDate) -> AccountPlan {
        var planner = AccountPlanner(members: members, unsynced: unsynced, current: current, settings: settings, today: today)
        for member in members.sorted(by: { $0.id < $1.id }) where !settings.protectedAccounts.contains(member.id) {
            let phase = settings.lifecycle.phase(endDate: member.endDate, today: today)
            planner.planEmail(member, phase)
            planner.planMattermost(member, phase)
            planner.planGitHub(member, phase)
        }
        if settings.mailingLists { planner.planMailingLists() }
        planner.findOrphans()
        planner.cancelStrayInvitations()

        var plan = AccountPlan(operations: planner.operations.sorted(), orphans: planner.orphans.sorted(),
                               waitingInvitations: planner.waiting.sorted(), membersWithoutAddress: planner.withoutAddress.sorted(),
                               renamedLogins: planner.renamed.sorted(),
                               learnedIdentities: planner.learned.sorted { $0.member < $1.member })
        // The deletion limit, per provider.
        let accounts: [AccountOperation.Provider: Int] = [
            .ovh: current.mailboxes.count, .mattermost: current.mattermostUsers.count, .github: current.githubMembers.count,
        ]
        for provider in AccountOperation.Provider.allCases {
            let removals = plan.operations.count { $0.provider == provider && $0.action.isDestructive }
            let total = accounts[provider] ?? 0
            let limit = settings.maxDeletions ?? max(10, total * 5 / 100)
            if removals > limit {
                plan.exceededLimits.append(ExceededLimit(provider: provider, removals: removals, limit: limit, accounts: total))
            }
        }
        return plan
    }
}
