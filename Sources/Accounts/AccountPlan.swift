import FicheSync

/// The settings planning depends on: names of teams, the domain, the safety rules.
public struct AccountSettings: Hashable, Sendable {
    public var domain: String
    public var communityTeam: String
    public var alumniTeam: String
    public var githubTeam: String?
    /// Accounts never touched, whatever the fiches say (usernames, mailbox names, logins).
    public var protectedAccounts: Set<String>
    public var lifecycle: Lifecycle
    /// How many removals/suspensions per provider a run may make; `nil`: the default limit
    /// (more than 10, or more than 5 % of that provider's accounts when that is larger).
    public var maxDeletions: Int?
    /// Whether `set-<startup>` lists are planned: OVH needs a request per list to read them,
    /// so they are a weekly job rather than part of every run.
    public var mailingLists: Bool

    public init(domain: String, communityTeam: String = "community", alumniTeam: String = "alumni",
                githubTeam: String? = nil, protectedAccounts: Set<String> = [], lifecycle: Lifecycle = Lifecycle(),
                maxDeletions: Int? = nil, mailingLists: Bool = true) {
        self.mailingLists = mailingLists
        self.domain = domain
        self.communityTeam = communityTeam
        self.alumniTeam = alumniTeam
        self.githubTeam = githubTeam
        self.protectedAccounts = protectedAccounts
        self.lifecycle = lifecycle
        self.maxDeletions = maxDeletions
    }
}

/// Desired accounts (from the fiches, on `today`) against what the providers hold: the
/// operations that converge them, in a deterministic order, and what must not be done.
/// Pure: no network, no database, no clock.
public struct AccountPlan: Hashable, Sendable {
    public var operations: [AccountOperation]
    /// Accounts on a provider with no fiche behind them: reported, never changed.
    public var orphans: [Orphan]
    /// Providers whose removals exceed the limit: applying must stop and say so.
    public var exceededLimits: [ExceededLimit]

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

    public init(operations: [AccountOperation], orphans: [Orphan] = [], exceededLimits: [ExceededLimit] = []) {
        self.operations = operations
        self.orphans = orphans
        self.exceededLimits = exceededLimits
    }

    /// `N to create, M to update, K to suspend, D to delete`
    public var summary: String {
        let creates = operations.count { [.create, .invite, .createList].contains($0.action) }
        let deletes = operations.count { [.delete, .remove].contains($0.action) }
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
        var operations: [AccountOperation] = []
        let lifecycle = settings.lifecycle
        let byID = Dictionary(members.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let protected = settings.protectedAccounts
        func mayRemove(_ id: String) -> Bool { !unsynced.contains(id) && !protected.contains(id) }

        for member in members.sorted(by: { $0.id < $1.id }) where !protected.contains(member.id) {
            let phase = lifecycle.phase(endDate: member.endDate, today: today)
            let address = "\(member.id)@\(settings.domain)"
            let end = member.endDate.map(\.description) ?? "?"

            // Email (OVH): a mailbox while active, suspended from D+5, deleted from D+30.
            let mailbox = current.mailboxes[member.id]
            let wantsMailbox = member.memberType != .attributaire
            switch phase {
            case .active where wantsMailbox:
                if mailbox == nil {
                    operations.append(.init(.ovh, .create, target: address, member: member.id, reason: "active until \(end)"))
                } else if mailbox?.suspended == true {
                    operations.append(.init(.ovh, .reactivate, target: address, member: member.id, reason: "mission extended to \(end)"))
                }
            case .departed(let days) where mailbox != nil && mayRemove(member.id):
                if days >= lifecycle.emailDeletionAfter && mailbox?.suspended == true {
                    operations.append(.init(.ovh, .delete, target: address, member: member.id,
                                            reason: "left on \(end), \(days) days ago (deleted after \(lifecycle.emailDeletionAfter))"))
                } else if days >= lifecycle.emailSuspensionAfter && mailbox?.suspended == false {
                    operations.append(.init(.ovh, .suspend, target: address, member: member.id,
                                            reason: "left on \(end), \(days) days ago (suspended after \(lifecycle.emailSuspensionAfter))"))
                }
            default: break
            }

            // Mattermost: in the community team while active; alumni team from D+3.
            let teams = current.mattermostUsers[member.id]
            let invited = current.mattermostInvitations.contains(member.id)
            switch phase {
            case .active:
                if teams == nil && !invited {
                    operations.append(.init(.mattermost, .invite, target: member.id, member: member.id, reason: "active until \(end)"))
                } else if let teams, !teams.contains(settings.communityTeam) {
                    operations.append(.init(.mattermost, .addToTeam, target: member.id, group: settings.communityTeam,
                                            member: member.id, reason: "active until \(end)"))
                }
            case .departed(let days) where days >= lifecycle.mattermostAlumniAfter:
                if let teams, mayRemove(member.id) {
                    if !teams.contains(settings.alumniTeam) {
                        operations.append(.init(.mattermost, .addToTeam, target: member.id, group: settings.alumniTeam,
                                                member: member.id, reason: "left on \(end)"))
                    }
                    if teams.contains(settings.communityTeam) {
                        operations.append(.init(.mattermost, .removeFromTeam, target: member.id, group: settings.communityTeam,
                                                member: member.id, reason: "left on \(end), \(days) days ago"))
                    }
                }
            default: break
            }

            // GitHub organisation: a member while active (a pending invitation counts).
            if let login = member.githubLogin?.lowercased() {
                let isMember = current.githubMembers.contains(login)
                let isInvited = current.githubInvitations.contains(login)
                switch phase {
                case .active:
                    if !isMember && !isInvited {
                        operations.append(.init(.github, .invite, target: login, member: member.id, reason: "active until \(end)"))
                    }
                    if let team = settings.githubTeam, isMember, !current.githubTeamMembers.contains(login) {
                        operations.append(.init(.github, .addToTeam, target: login, group: team, member: member.id, reason: "active until \(end)"))
                    }
                case .departed(let days) where days >= lifecycle.githubRemovalAfter:
                    if isMember, !current.githubAdmins.contains(login), !protected.contains(login), mayRemove(member.id) {
                        operations.append(.init(.github, .remove, target: login, member: member.id,
                                                reason: "left on \(end), \(days) days ago"))
                    }
                default: break
                }
            }
        }

        // Mailing lists `set-<startup>`: the active members of each startup.
        var wantedLists: [String: Set<String>] = [:]
        for member in members where settings.mailingLists && !protected.contains(member.id) && member.memberType != .attributaire {
            guard case .active = lifecycle.phase(endDate: member.endDate, today: today) else { continue }
            for startup in member.activeStartups(on: today) {
                wantedLists["set-\(startup)", default: []].insert("\(member.id)@\(settings.domain)")
            }
        }
        for (list, wanted) in wantedLists.sorted(by: { $0.key < $1.key }) {
            let present = current.mailingLists[list]
            if present == nil {
                operations.append(.init(.ovh, .createList, target: list, member: nil, reason: "startup with active members"))
            }
            for address in wanted.subtracting(present ?? []).sorted() {
                operations.append(.init(.ovh, .subscribe, target: address, group: list,
                                        member: String(address.prefix { $0 != "@" }), reason: "active member"))
            }
        }
        for (list, present) in current.mailingLists.sorted(by: { $0.key < $1.key }) where settings.mailingLists && list.hasPrefix("set-") {
            let wanted = wantedLists[list] ?? []
            for address in present.subtracting(wanted).sorted() {
                let id = String(address.prefix { $0 != "@" })
                guard byID[id] != nil, mayRemove(id) else { continue }
                operations.append(.init(.ovh, .unsubscribe, target: address, group: list, member: id, reason: "no longer active on the startup"))
            }
        }

        // Orphans: accounts with no fiche behind them.
        var orphans: [Orphan] = []
        for name in current.mailboxes.keys where byID[name] == nil && !protected.contains(name) {
            orphans.append(Orphan(provider: .ovh, account: "\(name)@\(settings.domain)"))
        }
        for name in current.mattermostUsers.keys where byID[name] == nil && !protected.contains(name) {
            orphans.append(Orphan(provider: .mattermost, account: name))
        }
        let knownLogins = Set(members.compactMap { $0.githubLogin?.lowercased() })
        for login in current.githubMembers where !knownLogins.contains(login) && !current.githubAdmins.contains(login) && !protected.contains(login) {
            orphans.append(Orphan(provider: .github, account: login))
        }

        operations.sort()
        // The deletion limit, per provider.
        let accounts: [AccountOperation.Provider: Int] = [
            .ovh: current.mailboxes.count, .mattermost: current.mattermostUsers.count, .github: current.githubMembers.count,
        ]
        var exceeded: [ExceededLimit] = []
        for provider in AccountOperation.Provider.allCases {
            let removals = operations.count { $0.provider == provider && $0.action.isDestructive }
            let total = accounts[provider] ?? 0
            let limit = settings.maxDeletions ?? max(10, total * 5 / 100)
            if removals > limit {
                exceeded.append(ExceededLimit(provider: provider, removals: removals, limit: limit, accounts: total))
            }
        }
        return AccountPlan(operations: operations, orphans: orphans.sorted(), exceededLimits: exceeded)
    }
}
