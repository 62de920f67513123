import FicheSync

/// The rules of `AccountPlan.make`, one provider at a time, accumulating what they decide.
struct AccountPlanner {
    let current: ProviderSnapshot
    let settings: AccountSettings
    let today: FicheDate
    let unsynced: Set<String>
    let byID: [String: MemberRecord]
    /// Organisation members by immutable id: how a renamed account is found again.
    let githubLoginsByID: [Int: String]

    var operations: [AccountOperation] = []
    var orphans: [AccountPlan.Orphan] = []
    var waiting: [WaitingInvitation] = []
    var renamed: [RenamedLogin] = []
    var withoutAddress: [String] = []
    var learned: [GitHubIdentity] = []
    /// Organisation logins that are some member's account.
    var claimedLogins: Set<String> = []
    /// Logins some active member's fiche names: never removed nor uninvited for another
    /// (departed) member whose fiche names the same login.
    let activeLogins: Set<String>
    /// Logins any fiche names.
    let namedLogins: Set<String>

    init(members: [MemberRecord], unsynced: Set<String>, current: ProviderSnapshot, settings: AccountSettings, today: FicheDate) {
        self.current = current
        self.settings = settings
        self.today = today
        self.unsynced = unsynced
        byID = Dictionary(members.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        githubLoginsByID = Dictionary(current.githubMembers.map { ($0.value, $0.key) }, uniquingKeysWith: min)
        namedLogins = Set(members.compactMap { $0.githubLogin?.lowercased() })
        activeLogins = Set(members.filter { settings.lifecycle.isActive($0, today: today) }.compactMap { $0.githubLogin?.lowercased() })
    }

    var lifecycle: Lifecycle { settings.lifecycle }

    /// Removals are never planned for unsynced members (their fiche may say otherwise) nor
    /// for protected accounts.
    func mayRemove(_ id: String) -> Bool { !unsynced.contains(id) && !settings.protectedAccounts.contains(id) }

    private mutating func add(_ provider: AccountOperation.Provider, _ action: AccountOperation.Action, _ target: String,
                              group: String? = nil, member: String?, _ reason: String) {
        operations.append(AccountOperation(provider, action, target: target, group: group, member: member, reason: reason))
    }

    /// Email (OVH): a mailbox while active, suspended from D+5, deleted from D+30.
    mutating func planEmail(_ member: MemberRecord, _ phase: Lifecycle.Phase) {
        let address = "\(member.id)@\(settings.domain)"
        let end = member.endText
        let mailbox = current.mailboxes[member.id]
        switch phase {
        case .active where member.memberType != .attributaire:
            if mailbox == nil {
                add(.ovh, .create, address, member: member.id, "active until \(end)")
            } else if mailbox?.suspended == true {
                add(.ovh, .reactivate, address, member: member.id, "mission extended to \(end)")
            }
        case .departed(let days) where mailbox != nil && mayRemove(member.id):
            if days >= lifecycle.emailDeletionAfter && mailbox?.suspended == true {
                add(.ovh, .delete, address, member: member.id,
                    "left on \(end), \(days) days ago (deleted after \(lifecycle.emailDeletionAfter))")
            } else if days >= lifecycle.emailSuspensionAfter && mailbox?.suspended == false {
                add(.ovh, .suspend, address, member: member.id,
                    "left on \(end), \(days) days ago (suspended after \(lifecycle.emailSuspensionAfter))")
            }
        default: break
        }
        planRedirection(member, phase)
    }

    /// Redirections: an attributaire's mail (or anyone's who asked) goes to the address
    /// given for them. Without an address, an existing redirection — made by the replaced
    /// system, which kept addresses outside the fiches — is kept as it is. Deleted with the
    /// mailbox, at D+30.
    private mutating func planRedirection(_ member: MemberRecord, _ phase: Lifecycle.Phase) {
        let address = "\(member.id)@\(settings.domain)"
        let end = member.endText
        let existing = current.redirections[member.id] ?? []
        switch phase {
        case .active:
            if let to = member.redirectTo?.lowercased() {
                if !existing.contains(where: { $0.to.lowercased() == to }) {
                    add(.ovh, .createRedirection, address, group: to, member: member.id, "active until \(end), mail goes to \(to)")
                }
                for other in existing where other.to.lowercased() != to && mayRemove(member.id) {
                    add(.ovh, .deleteRedirection, address, group: other.id, member: member.id, "redirected to \(to) now, not \(other.to)")
                }
            } else if member.memberType == .attributaire && existing.isEmpty {
                withoutAddress.append(member.id)
            }
        case .departed(let days) where days >= lifecycle.emailDeletionAfter && mayRemove(member.id):
            for redirection in existing {
                add(.ovh, .deleteRedirection, address, group: redirection.id, member: member.id,
                    "left on \(end), \(days) days ago (deleted after \(lifecycle.emailDeletionAfter))")
            }
        default: break
        }
    }

    /// Mattermost: in the community team while active (invited first); alumni team from D+3.
    mutating func planMattermost(_ member: MemberRecord, _ phase: Lifecycle.Phase) {
        let end = member.endText
        let teams = current.mattermostUsers[member.id]
        switch phase {
        case .active:
            if let teams {
                if !teams.contains(settings.communityTeam) {
                    add(.mattermost, .addToTeam, member.id, group: settings.communityTeam, member: member.id, "active until \(end)")
                }
            } else {
                planInvitation(.mattermost, member.id, member: member, current.mattermostInvitations[member.id],
                               expiresAfter: lifecycle.mattermostInvitationExpiry)
            }
        case .departed(let days) where days >= lifecycle.mattermostAlumniAfter:
            guard let teams, mayRemove(member.id) else { break }
            if !teams.contains(settings.alumniTeam) {
                add(.mattermost, .addToTeam, member.id, group: settings.alumniTeam, member: member.id, "left on \(end)")
            }
            if teams.contains(settings.communityTeam) {
                add(.mattermost, .removeFromTeam, member.id, group: settings.communityTeam, member: member.id,
                    "left on \(end), \(days) days ago")
            }
        default: break
        }
    }

    /// GitHub organisation: a member while active (a pending invitation counts), removed
    /// from D+3. The member's account is found by its immutable id while the fiche still
    /// gives the login the id was learned under, so a rename on GitHub changes nothing.
    mutating func planGitHub(_ member: MemberRecord, _ phase: Lifecycle.Phase) {
        guard let login = member.githubLogin?.lowercased() else { return }
        let end = member.endText
        let known = current.githubIdentities[member.id]
        var account: (login: String, id: Int)?
        if let known, known.ficheLogin == login, let now = githubLoginsByID[known.id] {
            account = (now, known.id)
        } else if let id = current.githubMembers[login] {
            account = (login, id)
        }
        if let account {
            claimedLogins.insert(account.login)
            let identity = GitHubIdentity(member: member.id, id: account.id, ficheLogin: login, githubLogin: account.login)
            if identity != known { learned.append(identity) }
            if account.login != login {
                renamed.append(RenamedLogin(member: member.id, ficheLogin: login, githubLogin: account.login, githubID: account.id))
            }
        }
        let invitation = current.githubInvitations[login]
        switch phase {
        case .active:
            if let account {
                if let team = settings.githubTeam, !current.githubTeamMembers.contains(account.login) {
                    add(.github, .addToTeam, account.login, group: team, member: member.id, "active until \(end)")
                }
            } else {
                planInvitation(.github, login, member: member, invitation, expiresAfter: lifecycle.githubInvitationExpiry)
            }
        case .departed(let days) where days >= lifecycle.githubRemovalAfter:
            guard mayRemove(member.id), !settings.protectedAccounts.contains(login) else { break }
            if let account, !current.githubAdmins.contains(account.login), !settings.protectedAccounts.contains(account.login),
               !activeLogins.contains(account.login) {
                add(.github, .remove, account.login, member: member.id, "left on \(end), \(days) days ago")
            }
            if let invitation, let id = invitation.id, !invitation.failed, !activeLogins.contains(login) {
                add(.github, .cancelInvitation, login, group: String(id), member: member.id, "left on \(end), invitation not accepted")
            }
        default: break
        }
    }

    /// Someone active with no account: invite, wait while an invitation is pending, send
    /// again once it expired or failed (cancelling it first where the provider can), and
    /// list for a human what waits for long or was sent as often as allowed.
    private mutating func planInvitation(_ provider: AccountOperation.Provider, _ target: String, member: MemberRecord,
                                         _ invitation: Invitation?, expiresAfter: Int) {
        let end = member.endText
        guard let invitation else {
            add(provider, .invite, target, member: member.id, "active until \(end)")
            return
        }
        let standing = invitation.standing(today: today, expiresAfter: expiresAfter, maxSends: lifecycle.invitationSends)
        if standing == .expired {
            let what = "invitation of \(invitation.sentOn) \(invitation.failed ? "failed" : "expired")"
            // A pending one that expired is cancelled first (adding again while it is listed
            // would do nothing); a failed one is already over.
            if let id = invitation.id, !invitation.failed {
                add(provider, .cancelInvitation, target, group: String(id), member: member.id, what)
            }
            add(provider, .invite, target, member: member.id,
                "\(what); sent again (\(invitation.sends + 1) of \(lifecycle.invitationSends))")
        }
        if standing == .exhausted || today.dayNumber - invitation.firstSentOn.dayNumber >= lifecycle.invitationWaitingAfter {
            waiting.append(WaitingInvitation(provider: provider, target: target, member: member.id, since: invitation.firstSentOn,
                                             sends: invitation.sends, gaveUp: standing == .exhausted))
        }
    }

    /// Mailing lists `set-<startup>`: the active members of each startup.
    mutating func planMailingLists() {
        let protected = settings.protectedAccounts
        var wantedLists: [String: Set<String>] = [:]
        for member in byID.values where !protected.contains(member.id) && member.memberType != .attributaire
            && lifecycle.isActive(member, today: today) {
            for startup in member.activeStartups(on: today) {
                wantedLists["set-\(startup)", default: []].insert("\(member.id)@\(settings.domain)")
            }
        }
        for (list, wanted) in wantedLists.sorted(by: { $0.key < $1.key }) {
            let present = current.mailingLists[list]
            if present == nil {
                add(.ovh, .createList, list, member: nil, "startup with active members")
            }
            for address in wanted.subtracting(present ?? []).sorted() {
                add(.ovh, .subscribe, address, group: list, member: String(address.prefix { $0 != "@" }), "active member")
            }
        }
        for (list, present) in current.mailingLists.sorted(by: { $0.key < $1.key }) where list.hasPrefix("set-") {
            let wanted = wantedLists[list] ?? []
            for address in present.subtracting(wanted).sorted() {
                let id = String(address.prefix { $0 != "@" })
                guard byID[id] != nil, mayRemove(id) else { continue }
                add(.ovh, .unsubscribe, address, group: list, member: id, "no longer active on the startup")
            }
        }
    }

    /// Accounts with no fiche behind them: reported, never changed.
    mutating func findOrphans() {
        let protected = settings.protectedAccounts
        for name in current.mailboxes.keys where byID[name] == nil && !protected.contains(name) {
            orphans.append(AccountPlan.Orphan(provider: .ovh, account: "\(name)@\(settings.domain)"))
        }
        for name in current.mattermostUsers.keys where byID[name] == nil && !protected.contains(name) {
            orphans.append(AccountPlan.Orphan(provider: .mattermost, account: name))
        }
        // A login some fiche names is not an orphan, even if that member is protected; an
        // account a member left for another one (fiche login changed) is.
        for login in current.githubMembers.keys
        where !claimedLogins.contains(login) && !namedLogins.contains(login) && !current.githubAdmins.contains(login) && !protected.contains(login) {
            orphans.append(AccountPlan.Orphan(provider: .github, account: login))
        }
    }

    /// Invitations fichesync sent to logins no fiche names any more (a login corrected in a
    /// fiche): cancelled, so a stranger with the mistyped login cannot join.
    mutating func cancelStrayInvitations() {
        for (login, invitation) in current.githubInvitations.sorted(by: { $0.key < $1.key })
        where invitation.byFichesync && !invitation.failed && !namedLogins.contains(login) && !settings.protectedAccounts.contains(login) {
            guard let id = invitation.id else { continue }
            add(.github, .cancelInvitation, login, group: String(id), member: nil, "no fiche names \(login) any more")
        }
    }
}

extension MemberRecord {
    /// The end date as reasons print it.
    fileprivate var endText: String { endDate.map(\.description) ?? "?" }
}
