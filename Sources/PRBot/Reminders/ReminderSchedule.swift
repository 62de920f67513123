import Foundation

/// What the schedule needs to know of a followed pull request: values, read by the caller
/// from `pull_requests` and the catalog (the schedule reads nothing itself).
public struct RemindablePullRequest: Sendable, Equatable {
    public enum State: String, Sendable, Equatable, Codable {
        case open, draft, merged, closed
    }

    public enum Kind: String, Sendable, Equatable, Codable {
        case onboarding, update, handMade = "hand-made"
    }

    /// `owner/name` of the content repository.
    public var repository: String
    public var number: Int
    public var url: String
    public var openedAt: Date
    public var state: State
    public var kind: Kind
    /// The member the PR adds or changes.
    public var memberID: String
    /// The referent's member id (their address is `<id>@SECRETARIAT_DOMAIN`); `nil` when the
    /// fiche names none.
    public var referentID: String?
    /// The author's own address, from the submission; `nil` for a hand-made PR.
    public var authorEmail: String?
    /// Every startup of the member's missions.
    public var startupIDs: [String]
    /// The incubator's contact address, when the member's incubator has one.
    public var incubatorContact: String?

    public init(repository: String, number: Int, url: String, openedAt: Date, state: State, kind: Kind, memberID: String,
                referentID: String?, authorEmail: String?, startupIDs: [String], incubatorContact: String?) {
        self.repository = repository
        self.number = number
        self.url = url
        self.openedAt = openedAt
        self.state = state
        self.kind = kind
        self.memberID = memberID
        self.referentID = referentID
        self.authorEmail = authorEmail
        self.startupIDs = startupIDs
        self.incubatorContact = incubatorContact
    }
}

/// Who a reminder is for.
public enum ReminderAudience: String, Sendable, Equatable, Codable, CaseIterable {
    case referent, author, team, incubator
}

/// Who receives one reminder, as far as the schedule can tell.
public enum ReminderRecipient: Sendable, Hashable, Codable {
    /// A member, reached at their community address (and Mattermost).
    case member(id: String)
    /// An address given by the person (the author's own).
    case address(String)
    /// A startup's team, reached at the startup's contact.
    case startup(id: String)
    /// The incubator's contact address.
    case incubatorContact(String)
    /// Nobody can be reached for this audience: listed, never a reason to stop.
    case unreachable(reason: String)

    /// The recipient's part of the reminder key.
    public var keyPart: String {
        switch self {
        case .member(let id): "member:\(id)"
        case .address(let address): "address:\(address.lowercased())"
        case .startup(let id): "startup:\(id)"
        case .incubatorContact(let address): "incubator:\(address.lowercased())"
        case .unreachable: "unreachable"
        }
    }

    public var isReachable: Bool {
        if case .unreachable = self { return false }
        return true
    }
}

/// One step of the schedule's table.
public struct ReminderStep: Sendable, Equatable {
    public var audience: ReminderAudience
    /// Days after the PR was opened, Paris wall clock (0: at once).
    public var day: Int
    /// Whether it waits for working time (Europe/Paris); only the first notice does not.
    public var workingTimeOnly: Bool

    public init(_ audience: ReminderAudience, day: Int, workingTimeOnly: Bool = true) {
        self.audience = audience
        self.day = day
        self.workingTimeOnly = workingTimeOnly
    }

    /// `referent-d0`, `author-d3`: the step's part of the reminder key.
    public var name: String { "\(audience.rawValue)-d\(day)" }
}

/// A reminder that is due now.
public struct DueReminder: Sendable, Equatable {
    public var step: ReminderStep
    public var recipient: ReminderRecipient
    /// When it fell due (the step's moment, before waiting for working time).
    public var dueAt: Date
    /// Unique for a PR, recipient and step: recorded in `reminders_sent`, so that it is sent once.
    public var key: String
}

/// The reminder schedule of issue 11, in one table, as a pure function of a PR's facts and `now`.
///
/// Why a table: the replaced system's watcher matched one-hour windows N days ago with no
/// record of what was sent (a missed hour lost the reminder, two instances sent it twice).
/// Here a step is due from its moment on until it is recorded as sent: a runner that was down
/// sends it at its next pass, the unique key stops a second one. When several steps of one
/// audience have come due (a runner down for days, or a weekend: a PR opened on Friday evening
/// has its author's day 1 and day 2 both waiting for Monday 9:00), only the latest is due: one
/// reminder, not a burst of stale ones.
public struct ReminderSchedule: Sendable, Equatable {
    public var steps: [ReminderStep]
    public var calendar: ParisCalendar

    /// The referent at once, whatever the hour (a new PR is news); then, in working time, the
    /// referent at 2 and 5 days, the author at 1, 2, 3, 5 and 7, every startup team of the
    /// member at 3 and 7, the incubator's contact at 10.
    public static let standard = ReminderSchedule(steps: [
        ReminderStep(.referent, day: 0, workingTimeOnly: false),
        ReminderStep(.author, day: 1),
        ReminderStep(.referent, day: 2), ReminderStep(.author, day: 2),
        ReminderStep(.author, day: 3), ReminderStep(.team, day: 3),
        ReminderStep(.referent, day: 5), ReminderStep(.author, day: 5),
        ReminderStep(.author, day: 7), ReminderStep(.team, day: 7),
        ReminderStep(.incubator, day: 10),
    ])

    public init(steps: [ReminderStep], calendar: ParisCalendar = ParisCalendar()) {
        self.steps = steps
        self.calendar = calendar
    }

    /// The key of a reminder: PR (repository and number), recipient, step.
    public static func key(_ pr: RemindablePullRequest, _ recipient: ReminderRecipient, _ step: ReminderStep) -> String {
        "\(pr.repository)#\(pr.number)/\(recipient.keyPart)/\(step.name)"
    }

    /// The moment a step falls due, before waiting for working time.
    public func moment(of step: ReminderStep, openedAt: Date) -> Date {
        step.day == 0 ? openedAt : ParisCalendar.sameTime(openedAt, daysLater: step.day)
    }

    /// The moment a step may be sent: its moment, moved to the next working time when it must wait.
    public func sendableAt(_ step: ReminderStep, openedAt: Date) -> Date {
        let moment = moment(of: step, openedAt: openedAt)
        return step.workingTimeOnly ? calendar.firstWorkingMoment(atOrAfter: moment) : moment
    }

    /// The recipients of a step for this PR.
    public static func recipients(of audience: ReminderAudience, _ pr: RemindablePullRequest) -> [ReminderRecipient] {
        switch audience {
        case .referent:
            guard let id = pr.referentID, !id.isEmpty else { return [.unreachable(reason: "the fiche names no referent")] }
            return [.member(id: id)]
        case .author:
            guard let address = pr.authorEmail, !address.isEmpty else { return [.unreachable(reason: "no address for the author (a PR made by hand)")] }
            return [.address(address)]
        case .team:
            var seen = Set<String>()
            let ids = pr.startupIDs.filter { !$0.isEmpty && seen.insert($0).inserted }
            guard !ids.isEmpty else { return [.unreachable(reason: "the member has no startup")] }
            return ids.map { .startup(id: $0) }
        case .incubator:
            guard let contact = pr.incubatorContact, !contact.isEmpty else { return [.unreachable(reason: "the incubator has no contact")] }
            return [.incubatorContact(contact)]
        }
    }

    /// The reminders due at `now`: for each audience, its latest step whose moment has come
    /// (and, after the first notice, only in working time), for each of its recipients.
    /// A merged or closed PR gets nothing, nor does a draft. Keys already sent are the caller's
    /// to skip (`reminders_sent`).
    public func due(_ pr: RemindablePullRequest, now: Date) -> [DueReminder] {
        guard pr.state == .open else { return [] }
        var latest: [ReminderAudience: ReminderStep] = [:]
        for step in steps where sendableAt(step, openedAt: pr.openedAt) <= now {
            if step.workingTimeOnly && !calendar.isWorkingTime(now) { continue }
            if let current = latest[step.audience], current.day >= step.day { continue }
            latest[step.audience] = step
        }
        var due: [DueReminder] = []
        for audience in ReminderAudience.allCases {
            guard let step = latest[audience] else { continue }
            for recipient in Self.recipients(of: audience, pr) {
                due.append(DueReminder(step: step, recipient: recipient, dueAt: moment(of: step, openedAt: pr.openedAt),
                                       key: Self.key(pr, recipient, step)))
            }
        }
        return due
    }

    /// When the next step after `now` may be sent (for `fichesync prs`), or `nil` when none is left.
    public func next(_ pr: RemindablePullRequest, after now: Date) -> (step: ReminderStep, at: Date)? {
        guard pr.state == .open else { return nil }
        return steps.map { ($0, sendableAt($0, openedAt: pr.openedAt)) }.filter { $0.1 > now }.min { $0.1 < $1.1 }
    }
}
