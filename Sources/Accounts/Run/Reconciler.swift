import FicheSync
import Logging
import PostgresNIO
import Providers

/// One reconcile run: read what each provider holds, plan against the fiches, and (unless
/// dry) apply through the journal.
public struct Reconciler: Sendable {
    public var ovh: OVHAccounts?
    public var mattermost: MattermostAccounts?
    public var github: GitHubAccounts?
    /// Operations at once per provider (`AccountApplier.concurrency`).
    public var concurrency = AccountApplier.defaultConcurrency
    /// Where the apply counts what it has done (`AccountApplier.progress`).
    public var progress: ApplyProgress?

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
        let started = ContinuousClock.now
        // The run lock is held from the first read to the last write, so what a dead run left
        // "running" can be told from a live run's work. A dry run takes it only to look at
        // that, and plans without it when a run is going on: it never holds up a real run.
        let owner = try await journal.tryLockRun()
        guard owner || dryRun else { throw AccountApplier.RunInProgress() }
        var locked = owner
        do {
            let interrupted = owner ? try await journal.interrupted() : []
            if locked && dryRun {
                try await journal.unlockRun()
                locked = false
            }
            let outcome = try await reconcile(members: members, settings: settings, today: today, journal: journal,
                                              only: only, member: member, dryRun: dryRun, interrupted: interrupted)
            if locked { try await journal.unlockRun() }
            AccountMetrics.reconcile(since: started, dryRun: dryRun)
            return outcome
        } catch {
            if locked { try? await journal.unlockRun() }
            throw error
        }
    }

    /// - Parameter interrupted: operations a dead run left running.
    private func reconcile(members: [MemberRecord], settings: AccountSettings, today: FicheDate, journal: OperationJournal,
                           only: AccountOperation.Provider?, member: String?, dryRun: Bool,
                           interrupted: [OperationJournal.Entry]) async throws -> Outcome {
        func wanted(_ provider: AccountOperation.Provider) -> Bool { only == nil || only == provider }
        let memory = AccountMemory(connection: journal.connection, logger: journal.logger)
        var snapshot = ProviderSnapshot()
        var mattermostIDs: [String: String] = [:]
        /// Invitation series that end: their account exists, or no active member wants them.
        var ended: [AccountOperation.Provider: [String]] = [:]
        let active = members.filter { settings.lifecycle.isActive($0, today: today) }
        let activeIDs = Set(active.map(\.id)), activeLogins = Set(active.compactMap { $0.githubLogin?.lowercased() })
        var redirectionsRead: OVHAccounts.RedirectionsRead?
        // The providers show whether a dead run's operations were done, and the plan sees
        // it; an invitation email leaves nothing Mattermost lists. One that was in flight
        // counts as sent — its series sends it again if it expires unanswered — rather than
        // risk a second email. Settled whatever the run's scope, so no narrowed run resends it.
        let unseen = interrupted.filter { !$0.operation.isObservable }
        for entry in unseen where !dryRun {
            let op = entry.operation
            journal.logger.warning("an invitation was being sent when a run stopped: counted as sent",
                                   metadata: ["provider": "\(op.provider)", "target": "\(op.target)"])
            try await memory.rememberInvitation(provider: op.provider, target: op.target, member: op.member, on: today, settling: entry.id)
        }
        if let ovh, wanted(.ovh) {
            redirectionsRead = try await ovh.snapshot(into: &snapshot, suspended: try await journal.suspendedMailboxes(),
                                                      knownRedirections: try await memory.ovhRedirections(), lists: settings.mailingLists)
        }
        if let mattermost, wanted(.mattermost) {
            var sent = try await memory.invitations(provider: .mattermost)
            if dryRun {
                for entry in unseen { sent[entry.operation.target] = Invitation(sentAgainOn: today, after: sent[entry.operation.target]) }
            }
            mattermostIDs = try await mattermost.snapshot(into: &snapshot, sent: sent)
            ended[.mattermost] = sent.keys.filter { mattermostIDs[$0] != nil || !activeIDs.contains($0) }
        }
        if let github, wanted(.github) {
            let sent = try await memory.invitations(provider: .github)
            snapshot.githubIdentities = try await memory.githubIdentities()
            try await github.snapshot(into: &snapshot, sent: sent)
            ended[.github] = sent.keys.filter { snapshot.githubMembers[$0] != nil || !activeLogins.contains($0) }
        }
        var plan = AccountPlan.make(members: members, current: snapshot, settings: settings, today: today)
        let providers: Set<AccountOperation.Provider> = Set([ovh.map { _ in .ovh }, mattermost.map { _ in .mattermost }, github.map { _ in .github }]
            .compactMap { $0 }.filter(wanted))
        let scope = OperationJournal.Scope(providers: providers, member: member)
        plan.operations = plan.operations.filter { scope.covers($0.provider, member: $0.member) }
        plan.orphans = plan.orphans.filter { providers.contains($0.provider) }
        plan.exceededLimits = plan.exceededLimits.filter { providers.contains($0.provider) }
        plan.waitingInvitations = plan.waitingInvitations.filter { scope.covers($0.provider, member: $0.member) }
        plan.renamedLogins = plan.renamedLogins.filter { scope.covers(.github, member: $0.member) }
        plan.membersWithoutAddress = plan.membersWithoutAddress.filter { scope.covers(.ovh, member: $0) }
        if member != nil { plan.exceededLimits = [] }
        if dryRun { return Outcome(plan: plan, report: nil) }

        try await memory.remember(plan.learnedIdentities)
        if let read = redirectionsRead { try await memory.updateOVHRedirections(listed: read.listed, new: read.new) }
        for (provider, targets) in ended { try await memory.forgetInvitations(provider: provider, targets: targets) }
        let adapters = self
        let ids = mattermostIDs
        var applier = AccountApplier(journal: journal) { entry in
            let op = entry.operation
            var invitationSent = false
            switch op.provider {
            case .ovh: try await adapters.ovh?.perform(op)
            case .mattermost:
                do {
                    try await adapters.mattermost?.perform(op, userIDs: ids)
                } catch let error as ProviderError where error.code == .outcomeUnknown && !op.isObservable {
                    // The invitation may have gone out, and Mattermost cannot say: counted
                    // as sent, like one a dead run had in flight, rather than risk a second email.
                    journal.logger.warning("an invitation may have been sent (its answer was lost): counted as sent",
                                           metadata: ["provider": "\(op.provider)", "target": "\(op.target)"])
                    try await memory.rememberInvitation(provider: op.provider, target: op.target, member: op.member, on: today,
                                                        settling: entry.id, note: "outcome unknown, counted as sent: \(error)")
                    return
                }
                invitationSent = op.action == .invite
            case .github:
                let outcome = try await adapters.github?.perform(op)
                if let identity = outcome?.identity { try await memory.remember([identity]) }
                invitationSent = outcome?.invitationPending == true
            }
            if invitationSent {
                // Remembered and marked done at once: a kill between the two would otherwise
                // count this send again when the next run settles it as interrupted.
                try await memory.rememberInvitation(provider: op.provider, target: op.target, member: op.member, on: today, settling: entry.id)
            }
        }
        applier.concurrency = concurrency
        applier.progress = progress
        let report = try await applier.apply(plan, scope: scope)
        return Outcome(plan: plan, report: report)
    }
}
