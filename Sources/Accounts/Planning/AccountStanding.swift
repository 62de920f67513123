import FicheSync

/// Why each of a member's accounts stands where it does on `today`, and what comes next with
/// its date, in French for the member's page. It reads the same ``Lifecycle`` (its phase and
/// its day offsets) and the same ``AccountSettings`` the reconcile planner applies, so the
/// page never announces a date the reconcile run does not keep. Pure: a function of the
/// fiche, the rules and `today` (Paris's calendar date, given by the caller).
public struct AccountStanding: Sendable, Hashable {
    public enum Provider: String, Sendable, Hashable, CaseIterable {
        case email, mattermost, github
    }

    /// What fichesync does next to this account if the fiche stays as it is.
    public struct Next: Sendable, Hashable {
        public var what: String
        public var on: FicheDate

        public init(what: String, on: FicheDate) {
            self.what = what
            self.on = on
        }

        /// « suspension le 05/04/2026 »
        public var text: String { "\(what) le \(on.frenchText)" }
    }

    public var provider: Provider
    /// The sentence shown: the state, then its reason (« adresse suspendue : mission terminée le… »).
    public var reason: String
    public var next: Next?

    public init(provider: Provider, reason: String, next: Next? = nil) {
        self.provider = provider
        self.reason = reason
        self.next = next
    }

    /// One standing per provider, email first.
    public static func explain(_ member: MemberRecord, settings: AccountSettings, today: FicheDate) -> [AccountStanding] {
        let lifecycle = settings.lifecycle
        let phase = lifecycle.phase(endDate: member.endDate, today: today)
        guard let end = member.endDate else {
            return Provider.allCases.map { AccountStanding(provider: $0, reason: "pas de compte : ta fiche n'a aucune mission") }
        }
        let protected = settings.protectedAccounts.contains(member.id)
        // A recruit whose mission has not started is active for the planner (accounts are
        // made before the first day): the page says the mission is to come, not under way.
        let ongoing = member.missions.contains { $0.start <= today }
            ? "mission en cours jusqu'au \(end.frenchText)" : "mission à venir, jusqu'au \(end.frenchText)"
        var standings = [email(member, phase: phase, end: end, ongoing: ongoing, lifecycle: lifecycle),
                         mattermost(phase: phase, end: end, ongoing: ongoing, settings: settings),
                         github(member, phase: phase, end: end, ongoing: ongoing, lifecycle: lifecycle)]
        if protected {
            // The planner removes nothing of a protected member: announcing a removal would be false.
            for index in standings.indices where phase != .active {
                standings[index].reason += " (compte protégé : fichesync ne le retire pas)"
                standings[index].next = nil
            }
        }
        return standings
    }

    private static func email(_ member: MemberRecord, phase: Lifecycle.Phase, end: FicheDate, ongoing: String, lifecycle: Lifecycle) -> AccountStanding {
        let suspension = end.adding(days: lifecycle.emailSuspensionAfter)
        let deletion = end.adding(days: lifecycle.emailDeletionAfter)
        let ended = "mission terminée le \(end.frenchText)"
        if member.memberType == .attributaire {
            // Attributaires get a redirection, no mailbox; it goes with the D+30 deletion.
            switch phase {
            case .active:
                return AccountStanding(provider: .email, reason: "redirection de ton adresse : \(ongoing)",
                                       next: Next(what: "suppression de la redirection si la mission n'est pas prolongée", on: deletion))
            case .departed(let days) where days < lifecycle.emailDeletionAfter:
                return AccountStanding(provider: .email,
                                       reason: "redirection gardée : \(ended), supprimée \(lifecycle.emailDeletionAfter) jours après ; prolonge ta mission pour la garder",
                                       next: Next(what: "suppression de la redirection", on: deletion))
            default:
                return AccountStanding(provider: .email,
                                       reason: "redirection supprimée \(lifecycle.emailDeletionAfter) jours après la fin de mission (\(ended)) ; prolonge ta mission pour la retrouver")
            }
        }
        switch phase {
        case .active:
            return AccountStanding(provider: .email, reason: "adresse active : \(ongoing)",
                                   next: Next(what: "suspension si la mission n'est pas prolongée", on: suspension))
        case .departed(let days) where days < lifecycle.emailSuspensionAfter:
            return AccountStanding(provider: .email,
                                   reason: "adresse encore active : \(ended), suspendue \(lifecycle.emailSuspensionAfter) jours après ; prolonge ta mission pour la garder",
                                   next: Next(what: "suspension", on: suspension))
        case .departed(let days) where days < lifecycle.emailDeletionAfter:
            return AccountStanding(provider: .email,
                                   reason: "adresse suspendue : \(ended), suspendue \(lifecycle.emailSuspensionAfter) jours après ; prolonge ta mission pour la retrouver",
                                   next: Next(what: "suppression", on: deletion))
        default:
            return AccountStanding(provider: .email,
                                   reason: "adresse supprimée \(lifecycle.emailDeletionAfter) jours après la fin de mission (\(ended)) ; prolonge ta mission pour en avoir une de nouveau")
        }
    }

    private static func mattermost(phase: Lifecycle.Phase, end: FicheDate, ongoing: String, settings: AccountSettings) -> AccountStanding {
        let lifecycle = settings.lifecycle
        let alumni = end.adding(days: lifecycle.mattermostAlumniAfter)
        let ended = "mission terminée le \(end.frenchText)"
        let community = settings.communityTeam, alumniTeam = settings.alumniTeam
        switch phase {
        case .active:
            return AccountStanding(provider: .mattermost,
                                   reason: "Mattermost, équipe \(community) : \(ongoing)",
                                   next: Next(what: "passage dans l'équipe \(alumniTeam) si la mission n'est pas prolongée", on: alumni))
        case .departed(let days) where days < lifecycle.mattermostAlumniAfter:
            return AccountStanding(provider: .mattermost,
                                   reason: "Mattermost, encore dans l'équipe \(community) : \(ended), passage dans l'équipe \(alumniTeam) \(lifecycle.mattermostAlumniAfter) jours après",
                                   next: Next(what: "passage dans l'équipe \(alumniTeam)", on: alumni))
        default:
            return AccountStanding(provider: .mattermost,
                                   reason: "Mattermost, équipe \(alumniTeam) : \(ended), sorti de l'équipe \(community) \(lifecycle.mattermostAlumniAfter) jours après ; prolonge ta mission pour y revenir")
        }
    }

    private static func github(_ member: MemberRecord, phase: Lifecycle.Phase, end: FicheDate, ongoing: String, lifecycle: Lifecycle) -> AccountStanding {
        guard member.githubLogin != nil else {
            return AccountStanding(provider: .github, reason: "pas de compte GitHub : ta fiche n'en donne pas")
        }
        let removal = end.adding(days: lifecycle.githubRemovalAfter)
        let ended = "mission terminée le \(end.frenchText)"
        switch phase {
        case .active:
            return AccountStanding(provider: .github, reason: "membre de l'organisation GitHub : \(ongoing)",
                                   next: Next(what: "retrait de l'organisation si la mission n'est pas prolongée", on: removal))
        case .departed(let days) where days < lifecycle.githubRemovalAfter:
            return AccountStanding(provider: .github,
                                   reason: "encore membre de l'organisation GitHub : \(ended), retrait \(lifecycle.githubRemovalAfter) jours après",
                                   next: Next(what: "retrait de l'organisation", on: removal))
        default:
            return AccountStanding(provider: .github,
                                   reason: "retiré de l'organisation GitHub : \(ended), retrait \(lifecycle.githubRemovalAfter) jours après ; prolonge ta mission pour y être invité de nouveau")
        }
    }
}
