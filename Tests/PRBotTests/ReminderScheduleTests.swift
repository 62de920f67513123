import FicheSync
import Foundation
import Testing
@testable import PRBot

/// A civil day, for the tests' literals.
func Day(_ y: Int, _ m: Int, _ d: Int) -> FicheDate { FicheDate(year: y, month: m, day: d)! }

/// The Paris instant at `hour:minute` on a day.
func paris(_ y: Int, _ m: Int, _ d: Int, _ hour: Int, _ minute: Int = 0) -> Date {
    ParisTime.instant(Day(y, m, d), minute: hour * 60 + minute)
}

func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

@Suite struct ParisCalendarTests {
    @Test func offsetsChangeOnTheLastSundaysOfMarchAndOctober() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        #expect(ParisTime.offset(at: utc("2026-03-29T00:59:59Z")) == 3600)
        #expect(ParisTime.offset(at: utc("2026-03-29T01:00:00Z")) == 7200)
        #expect(ParisTime.offset(at: utc("2026-10-25T00:59:59Z")) == 7200)
        #expect(ParisTime.offset(at: utc("2026-10-25T01:00:00Z")) == 3600)
        #expect(ParisTime.offset(at: utc("2027-03-28T01:00:00Z")) == 7200)
        #expect(paris(2026, 7, 1, 9) == utc("2026-07-01T07:00:00Z"))
        #expect(paris(2026, 12, 1, 9) == utc("2026-12-01T08:00:00Z"))
        // 02:30 does not exist on 29 March 2026: it is 03:30 summer time.
        #expect(paris(2026, 3, 29, 2, 30) == utc("2026-03-29T01:30:00Z"))
        // 02:30 happens twice on 25 October 2026: the first one.
        #expect(paris(2026, 10, 25, 2, 30) == utc("2026-10-25T00:30:00Z"))
    }

    /// Twenty years hour by hour: Paris wall time → instant → wall time again, but for the
    /// hour skipped each spring; and the offset agrees with Foundation's time-zone database.
    @Test func wallTimeRoundTripsForTwentyYears() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Paris"))
        for ordinal in Day(2020, 1, 1).dayNumber..<Day(2040, 1, 1).dayNumber {
            let day = FicheDate(dayNumber: ordinal)
            for hour in [0, 2, 3, 9, 12, 17, 23] {
                let instant = ParisTime.instant(day, minute: hour * 60 + 30)
                #expect(ParisTime.offset(at: instant) == zone.secondsFromGMT(for: instant), "\(day) \(hour)")
                let back = ParisTime.local(instant)
                let skipped = hour == 2 && day == ParisTime.lastSunday(day.year, 3)
                #expect(back.day == day && back.minute == (skipped ? 3 * 60 + 30 : hour * 60 + 30), "\(day) \(hour):30")
            }
        }
    }

    @Test func daysAndWeekdays() {
        #expect(ParisTime.weekday(Day(1970, 1, 1)) == 4)
        #expect(ParisTime.weekday(Day(2026, 12, 2)) == 3)
        #expect(FicheDate(dayNumber: Day(2028, 2, 29).dayNumber) == Day(2028, 2, 29))
        #expect(Day(2026, 2, 28).adding(days: 1) == Day(2026, 3, 1))
        #expect(ParisTime.lastSunday(2026, 3) == Day(2026, 3, 29))
        #expect(ParisTime.lastSunday(2026, 10) == Day(2026, 10, 25))
    }

    @Test func easterAndTheHolidaysThatFollowIt() {
        #expect(ParisCalendar.easter(2024) == Day(2024, 3, 31))
        #expect(ParisCalendar.easter(2025) == Day(2025, 4, 20))
        #expect(ParisCalendar.easter(2026) == Day(2026, 4, 5))
        #expect(ParisCalendar.easter(2027) == Day(2027, 3, 28))
        #expect(ParisCalendar.easter(2038) == Day(2038, 4, 25))
        let holidays = ParisCalendar.holidays(2026)
        #expect(holidays.count == 11)
        for day in [Day(2026, 4, 6), Day(2026, 5, 14), Day(2026, 5, 25), Day(2026, 7, 14), Day(2026, 11, 11), Day(2026, 1, 1)] {
            #expect(holidays.contains(day), "\(day)")
        }
        #expect(!holidays.contains(Day(2026, 4, 3)))  // Good Friday: only in Alsace-Moselle
    }

    @Test func workingTime() {
        let calendar = ParisCalendar()
        #expect(calendar.isWorkingTime(paris(2026, 12, 2, 9)))
        #expect(!calendar.isWorkingTime(paris(2026, 12, 2, 8, 59)))
        #expect(!calendar.isWorkingTime(paris(2026, 12, 2, 18)))
        #expect(!calendar.isWorkingTime(paris(2026, 12, 5, 11)))  // Saturday
        #expect(!calendar.isWorkingTime(paris(2026, 12, 25, 11)))  // Christmas, a Friday
        #expect(calendar.firstWorkingMoment(atOrAfter: paris(2026, 12, 24, 18, 30)) == paris(2026, 12, 28, 9))
        #expect(calendar.firstWorkingMoment(atOrAfter: paris(2026, 12, 2, 7)) == paris(2026, 12, 2, 9))
        #expect(calendar.firstWorkingMoment(atOrAfter: paris(2026, 12, 2, 10)) == paris(2026, 12, 2, 10))
        // Easter weekend then Easter Monday: Tuesday.
        #expect(calendar.firstWorkingMoment(atOrAfter: paris(2026, 4, 3, 19)) == paris(2026, 4, 7, 9))
    }
}

@Suite struct ReminderScheduleTests {
    let schedule = ReminderSchedule.standard

    func pr(openedAt: Date, state: RemindablePullRequest.State = .open, referent: String? = "marius.tellier",
            author: String? = "camille@example.org", startups: [String] = ["auxAJ", "e-inspé"],
            incubator: String? = "contact@incubateur.example") -> RemindablePullRequest {
        RemindablePullRequest(repository: "betagouv/beta.gouv.fr", number: 42, url: "https://github.com/betagouv/beta.gouv.fr/pull/42",
                            openedAt: openedAt, state: state, kind: .onboarding, memberID: "camille.dupont", referentID: referent,
                            authorEmail: author, startupIDs: startups, incubatorContact: incubator)
    }

    @Test func theReferentIsToldAtOnceWhateverTheHour() {
        let opened = paris(2026, 12, 5, 23, 10)  // a Saturday night
        let due = schedule.due(pr(openedAt: opened), now: opened)
        #expect(due.map(\.key) == ["betagouv/beta.gouv.fr#42/member:marius.tellier/referent-d0"])
        #expect(schedule.due(pr(openedAt: opened), now: opened.addingTimeInterval(-1)).isEmpty)
    }

    @Test func laterStepsWaitForWorkingTimeAcrossTheSpringChange() {
        // Friday 27 March 2026, 17:30 winter time; day 1 is Saturday: Monday 9:00 summer time.
        let opened = paris(2026, 3, 27, 17, 30)
        let author = ReminderStep(.author, day: 1)
        #expect(schedule.sendableAt(author, openedAt: opened) == utc("2026-03-30T07:00:00Z"))
        // Day 3 is Monday 30 March 17:30 summer time: that very moment (15:30 UTC).
        #expect(schedule.sendableAt(ReminderStep(.team, day: 3), openedAt: opened) == utc("2026-03-30T15:30:00Z"))
        let sunday = paris(2026, 3, 29, 12)
        #expect(schedule.due(pr(openedAt: opened), now: sunday).map(\.step.name) == ["referent-d0"])
    }

    @Test func daysAreParisDaysAcrossTheAutumnChange() {
        // Friday 23 October 2026 10:00 summer time (08:00 UTC); day 3 is Monday 26, 10:00 winter time (09:00 UTC).
        let opened = paris(2026, 10, 23, 10)
        #expect(opened == utc("2026-10-23T08:00:00Z"))
        #expect(schedule.sendableAt(ReminderStep(.team, day: 3), openedAt: opened) == utc("2026-10-26T09:00:00Z"))
        let early = utc("2026-10-26T08:30:00Z")  // 9:30 Paris, before the PR's hour
        #expect(!schedule.due(pr(openedAt: opened), now: early).contains { $0.step.audience == .team })
        #expect(schedule.due(pr(openedAt: opened), now: utc("2026-10-26T09:00:00Z")).contains { $0.step.name == "team-d3" })
    }

    @Test func holidaysMoveReminders() {
        // Wednesday 13 May 2026; day 1 is Ascension Thursday: Friday 9:00.
        let opened = paris(2026, 5, 13, 10)
        #expect(schedule.sendableAt(ReminderStep(.author, day: 1), openedAt: opened) == paris(2026, 5, 15, 9))
        // Friday 22 May 2026 15:00; day 3 is Whit Monday 25: Tuesday 9:00.
        #expect(schedule.sendableAt(ReminderStep(.team, day: 3), openedAt: paris(2026, 5, 22, 15)) == paris(2026, 5, 26, 9))
    }

    @Test func mergedClosedAndDraftPullRequestsGetNothing() {
        let opened = paris(2026, 12, 1, 10)
        for state in [RemindablePullRequest.State.merged, .closed, .draft] {
            #expect(schedule.due(pr(openedAt: opened, state: state), now: paris(2026, 12, 4, 11)).isEmpty)
            #expect(schedule.next(pr(openedAt: opened, state: state), after: opened) == nil)
        }
    }

    @Test func everyStartupTeamIsReminded() {
        let opened = paris(2026, 12, 1, 10)
        let due = schedule.due(pr(openedAt: opened), now: paris(2026, 12, 4, 11))
        let teams = due.filter { $0.step.audience == .team }.map(\.recipient)
        #expect(teams == [.startup(id: "auxAJ"), .startup(id: "e-inspé")])
    }

    @Test func anUnreachableRecipientIsListedAndTheRestGoOn() {
        let opened = paris(2026, 12, 1, 10)
        let due = schedule.due(pr(openedAt: opened, referent: nil, author: nil, startups: [], incubator: nil), now: paris(2026, 12, 11, 11))
        #expect(due.map(\.step.name) == ["referent-d5", "author-d7", "team-d7", "incubator-d10"])
        #expect(due.allSatisfy { !$0.recipient.isReachable })
        #expect(Set(due.map(\.key)).count == 4)
    }

    @Test func aRunnerThatWasDownSendsOnlyTheLatestStepOfEachAudience() {
        let opened = paris(2026, 12, 1, 10)
        let due = schedule.due(pr(openedAt: opened), now: paris(2026, 12, 9, 11))
        #expect(due.map(\.step.name) == ["referent-d5", "author-d7", "team-d7", "team-d7"])
    }

    /// 45 days ticked every 5 minutes, a record of what was sent: each step once, in working
    /// time (but the first notice), in order. Opened on a Friday evening, the author's day 1
    /// (Saturday) and day 2 (Sunday) both wait for Monday 9:00: one reminder then, day 2's.
    @Test func aFortyFiveDayTimelineSendsEachStepOnce() {
        let opened = paris(2026, 3, 20, 19, 45)  // a Friday evening, DST change 9 days later
        let followed = pr(openedAt: opened)
        var sent: [String: Date] = [:]
        var order: [String] = []
        var now = opened
        while now < opened.addingTimeInterval(45 * 86_400) {
            for reminder in schedule.due(followed, now: now) where sent[reminder.key] == nil {
                sent[reminder.key] = now
                order.append(reminder.step.name + (reminder.recipient == .startup(id: "e-inspé") ? "+" : ""))
            }
            now += 300
        }
        #expect(order == ["referent-d0", "referent-d2", "author-d2", "author-d3", "team-d3", "team-d3+",
                          "referent-d5", "author-d5", "author-d7", "team-d7", "team-d7+", "incubator-d10"])
        let calendar = ParisCalendar()
        for (key, at) in sent where !key.hasSuffix("referent-d0") { #expect(calendar.isWorkingTime(at), "\(key) at \(at)") }
        #expect(sent["betagouv/beta.gouv.fr#42/member:marius.tellier/referent-d0"] == opened)
        #expect(sent["betagouv/beta.gouv.fr#42/address:camille@example.org/author-d2"] == paris(2026, 3, 23, 9))
        #expect(sent["betagouv/beta.gouv.fr#42/address:camille@example.org/author-d1"] == nil)
        // Day 7 is 27 March, day 10 is Monday 30 March, after the change to summer time: 19:45 Paris is after hours, so 9:00 the next day.
        #expect(sent["betagouv/beta.gouv.fr#42/startup:auxAJ/team-d7"] == paris(2026, 3, 30, 9))
        #expect(sent["betagouv/beta.gouv.fr#42/incubator:contact@incubateur.example/incubator-d10"] == paris(2026, 3, 31, 9))
        #expect(schedule.next(followed, after: now) == nil)
        #expect(schedule.next(followed, after: opened)?.step.name == "author-d1")
    }
}
