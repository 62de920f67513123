import FicheSync

/// The notices of a member's lifecycle (LIFECYCLE.md), D being the member's end date.
public enum MemberNoticeKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// "Ton contrat se termine dans 30 jours", with the link to extend the mission.
    case ending30 = "ending-30"
    case ending15 = "ending-15"
    case ending2 = "ending-2"
    /// The day after D: what happens to the accounts now.
    case departure1 = "departure-1"
    /// D+30: the mailbox is deleted.
    case departure30 = "departure-30"

    /// Days from D to the notice's day.
    public var offset: Int {
        switch self {
        case .ending30: -30
        case .ending15: -15
        case .ending2: -2
        case .departure1: 1
        case .departure30: 30
        }
    }

    /// Whether it announces the end (and carries the extension link) rather than the departure.
    public var isEnding: Bool { offset < 0 }
}

/// A notice due today for one member.
public struct DueMemberNotice: Sendable, Hashable {
    public var member: String
    public var kind: MemberNoticeKind
    public var endDate: FicheDate

    /// `member/kind/end`: unique, as `member_notices`' key is.
    public var key: String { "member-notice/\(member)/\(kind.rawValue)/\(endDate)" }
}

/// Which notices are due for a member, as a pure function of the end date and `today` (both
/// calendar dates in Europe/Paris).
///
/// Why windows rather than exact days: the replaced system matched the exact day, so a day
/// without a run lost the notice. Here a notice is due from its day until the next notice of
/// its family (D-30 until D-16, D-15 until D-3, D-2 until D; J+1 and J+30 for a week each):
/// a runner down for a day sends it the next, the ledger's unique key stops a second sending,
/// and when a whole window was missed only the current notice goes, not a burst of stale ones.
/// A week's grace and no more, so that the first run over a catalogue of former members does
/// not write to every person who left in past years.
public struct MemberNoticeSchedule: Sendable, Equatable {
    /// How many days after its day a departure notice may still go.
    public var departureGrace: Int

    public init(departureGrace: Int = 7) {
        self.departureGrace = departureGrace
    }

    public static let standard = MemberNoticeSchedule()

    /// The days (from D) a notice is due on: [first, last].
    public func window(_ kind: MemberNoticeKind) -> ClosedRange<Int> {
        switch kind {
        case .ending30: -30 ... -16
        case .ending15: -15 ... -3
        case .ending2: -2 ... 0
        case .departure1: 1 ... departureGrace
        case .departure30: 30 ... 30 + departureGrace - 1
        }
    }

    /// The notices due `today` for a member whose end date is `endDate` (at most one: the
    /// windows do not overlap). Keys already recorded are the caller's to skip.
    public func due(member: String, endDate: FicheDate, today: FicheDate) -> [DueMemberNotice] {
        let day = today.dayNumber - endDate.dayNumber
        return MemberNoticeKind.allCases.filter { window($0).contains(day) }
            .map { DueMemberNotice(member: member, kind: $0, endDate: endDate) }
    }

    /// The end dates for which something may be due `today`: what the pass reads from the catalog.
    public func endDates(around today: FicheDate) -> ClosedRange<FicheDate> {
        let latest = MemberNoticeKind.allCases.map { window($0).upperBound }.max() ?? 0
        let earliest = MemberNoticeKind.allCases.map { window($0).lowerBound }.min() ?? 0
        return today.adding(days: -latest) ... today.adding(days: -earliest)
    }
}
