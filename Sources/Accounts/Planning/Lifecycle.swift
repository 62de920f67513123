import FicheSync

/// The lifecycle table of LIFECYCLE.md as numbers of days after a member's end date D.
/// Pure: every rule is a function of D and `today`, so it is testable on any day.
public struct Lifecycle: Sendable, Hashable {
    /// Mattermost: moved from the community team to the alumni team at D + 3.
    public var mattermostAlumniAfter = 3
    /// GitHub: removed from the organisation at D + 3.
    public var githubRemovalAfter = 3
    /// Email: suspended (password changed to a random one) at D + 5.
    public var emailSuspensionAfter = 5
    /// Email: deleted at D + 30, and only if suspended first.
    public var emailDeletionAfter = 30
    /// GitHub organisation invitations expire 7 days after they are sent.
    public var githubInvitationExpiry = 7
    /// Mattermost email invitations are valid 48 hours.
    public var mattermostInvitationExpiry = 2
    /// An expired invitation is sent again until this many were sent; then a human decides.
    public var invitationSends = 3
    /// An invitation waiting this many days since the first one is listed for a human.
    public var invitationWaitingAfter = 14

    public init() {}

    /// Where a member's accounts should stand on `today`.
    public func phase(endDate: FicheDate?, today: FicheDate) -> Phase {
        guard let end = endDate else { return .neverActive }
        let daysAfter = today.dayNumber - end.dayNumber
        return daysAfter <= 0 ? .active : .departed(daysAfter: daysAfter)
    }

    /// Whether `member` should have accounts on `today`.
    public func isActive(_ member: MemberRecord, today: FicheDate) -> Bool {
        phase(endDate: member.endDate, today: today) == .active
    }

    public enum Phase: Hashable, Sendable {
        /// Some mission ends today or later (arriving recruits included).
        case active
        /// The last mission ended `daysAfter` days ago (1 = the day after D).
        case departed(daysAfter: Int)
        /// No mission at all: no account is made for them.
        case neverActive
    }
}
