import FicheSync
import Logging
import PostgresNIO

/// One reconcile run: read what each provider holds, plan against the fiches, and (unless
/// dry) apply through the journal.
public struct Reconciler: Sendable {
    public var ovh: OVHAccounts?
    public var mattermost: MattermostAccounts?
    public var github: GitHubAccounts?

    public init(ovh: OVHAccounts?, mattermost: MattermostAccounts?, github: GitHubAccounts?) {
        self.ovh = ovh
        self.mattermost = mattermost
        self.github = github
    }

    public struct Outcome: Sendable {
        public var plan: AccountPlan
        /// `nil` for a dry run.
        public var report: AccountApplier.Report?
    }

    /// - Parameters:
    ///   - only: narrow the run to one provider.
    ///   - member: narrow the run to one member's operations.
    public func run(members: [MemberRecord], settings: AccountSettings, today: FicheDate, journal: OperationJournal,
                    only: AccountOperation.Provider? = nil, member: String? = nil, dryRun: Bool) async throws -> Outcome {
        func wanted(_ provider: AccountOperation.Provider) -> Bool { only == nil || only == provider }
        var snapshot = ProviderSnapshot()
        var mattermostIDs: [String: String] = [:]
        if let ovh, wanted(.ovh) {
            try await ovh.snapshot(into: &snapshot, suspended: try await journal.suspendedMailboxes(), lists: settings.mailingLists)
        }
        if let mattermost, wanted(.mattermost) {
            mattermostIDs = try await mattermost.snapshot(into: &snapshot, invited: try await journal.sentInvitations(provider: .mattermost))
        }
        if let github, wanted(.github) {
            try await github.snapshot(into: &snapshot)
        }
        var plan = AccountPlan.make(members: members, current: snapshot, settings: settings, today: today)
        let active: Set<AccountOperation.Provider> = Set([ovh.map { _ in .ovh }, mattermost.map { _ in .mattermost }, github.map { _ in .github }]
            .compactMap { $0 }.filter(wanted))
        plan.operations = plan.operations.filter { active.contains($0.provider) && (member == nil || $0.member == member) }
        plan.orphans = plan.orphans.filter { active.contains($0.provider) }
        plan.exceededLimits = plan.exceededLimits.filter { active.contains($0.provider) }
        if member != nil { plan.exceededLimits = [] }
        if dryRun { return Outcome(plan: plan, report: nil) }
        let providers = self
        let ids = mattermostIDs
        let report = try await AccountApplier(journal: journal) { op in
            switch op.provider {
            case .ovh: try await providers.ovh?.perform(op)
            case .mattermost: try await providers.mattermost?.perform(op, userIDs: ids)
            case .github: try await providers.github?.perform(op)
            }
        }.apply(plan)
        return Outcome(plan: plan, report: report)
    }
}
