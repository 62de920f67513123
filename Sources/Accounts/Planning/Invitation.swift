import FicheSync

/// A pending invitation to a provider (a GitHub organisation invitation, a Mattermost team
/// invitation by email). Invitations are a third state between "absent" and "present": a
/// pending one counts as present (no second notification), an expired or failed one is sent
/// again, and one that never gets accepted ends up in front of a human.
public struct Invitation: Hashable, Sendable {
    /// The provider's id for it, when it has one (GitHub): what cancelling it needs.
    public var id: Int?
    /// When the current invitation was sent (a Europe/Paris calendar date).
    public var sentOn: FicheDate
    /// When the first invitation of this series was sent: the person has been waiting since.
    public var firstSentOn: FicheDate
    /// Invitations sent in this series, the current one included.
    public var sends: Int
    /// The provider says it failed (GitHub's `failed_invitations`: expired, refused, bounced),
    /// or it vanished (cancelled by someone) before being accepted.
    public var failed: Bool
    /// fichesync sent it (it is in its memory): only those are cancelled when no fiche wants
    /// them any more — the others are a human's business.
    public var byFichesync: Bool

    public init(id: Int? = nil, sentOn: FicheDate, firstSentOn: FicheDate? = nil, sends: Int = 1, failed: Bool = false,
                byFichesync: Bool = true) {
        self.byFichesync = byFichesync
        self.id = id
        self.sentOn = sentOn
        self.firstSentOn = min(firstSentOn ?? sentOn, sentOn)
        self.sends = max(sends, 1)
        self.failed = failed
    }

    /// The next invitation of a series (or the first, after none) sent on `day`: what
    /// `AccountMemory.rememberInvitation` records.
    public init(sentAgainOn day: FicheDate, after earlier: Invitation?) {
        self.init(sentOn: day, firstSentOn: earlier?.firstSentOn, sends: (earlier?.sends ?? 0) + 1)
    }

    public enum Standing: Hashable, Sendable {
        /// Still valid: wait for the person to accept.
        case pending
        /// Expired or failed, and may be sent again.
        case expired
        /// Expired or failed after as many sends as allowed: a human must look at it.
        case exhausted
    }

    /// Where the invitation stands on `today`, for a provider whose invitations expire
    /// `expiresAfter` days after they are sent. Dates are days, so only the day after the
    /// last valid one counts as expired: never cancelled hours before the provider would.
    public func standing(today: FicheDate, expiresAfter: Int, maxSends: Int) -> Standing {
        guard failed || today.dayNumber - sentOn.dayNumber > expiresAfter else { return .pending }
        return sends >= maxSends ? .exhausted : .expired
    }
}

/// An invitation listed for a human: sent long ago (or too many times) and never accepted —
/// often a login or address that is wrong in the fiche.
public struct WaitingInvitation: Hashable, Sendable, Comparable {
    public var provider: AccountOperation.Provider
    public var target: String
    public var member: String
    public var since: FicheDate
    public var sends: Int
    /// Whether fichesync stopped sending it again.
    public var gaveUp: Bool

    public init(provider: AccountOperation.Provider, target: String, member: String, since: FicheDate, sends: Int, gaveUp: Bool) {
        self.provider = provider
        self.target = target
        self.member = member
        self.since = since
        self.sends = sends
        self.gaveUp = gaveUp
    }

    public static func < (lhs: WaitingInvitation, rhs: WaitingInvitation) -> Bool {
        (lhs.provider, lhs.target) < (rhs.provider, rhs.target)
    }
}
