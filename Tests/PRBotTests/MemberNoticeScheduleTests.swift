import FicheSync
import Testing
@testable import PRBot

@Suite struct MemberNoticeScheduleTests {
    let end = FicheDate(year: 2026, month: 4, day: 5) ?? FicheDate(dayNumber: 0)

    /// What is due on each day from D-40 to D+45, as (offset from D, kind).
    func timeline(_ schedule: MemberNoticeSchedule = .standard) -> [(Int, MemberNoticeKind)] {
        (-40...45).flatMap { offset in
            schedule.due(member: "lea.martin", endDate: end, today: end.adding(days: offset)).map { (offset, $0.kind) }
        }
    }

    @Test func eachNoticeIsDueFromItsDayUntilTheNextOne() {
        let due = timeline()
        func days(_ kind: MemberNoticeKind) -> [Int] { due.filter { $0.1 == kind }.map(\.0) }
        #expect(days(.ending30) == Array(-30 ... -16))
        #expect(days(.ending15) == Array(-15 ... -3))
        #expect(days(.ending2) == Array(-2 ... 0))
        #expect(days(.departure1) == Array(1...7))
        #expect(days(.departure30) == Array(30...36))
        // Never two at once, nothing before D-30, between J+8 and J+29, or after J+36.
        #expect(Set(due.map(\.0)).count == due.count)
        #expect(due.allSatisfy { (-30...7).contains($0.0) || (30...36).contains($0.0) })
    }

    @Test func theKeyHoldsMemberKindAndEndDate() {
        let notice = MemberNoticeSchedule.standard.due(member: "lea.martin", endDate: end, today: end.adding(days: -30))
        #expect(notice.map(\.key) == ["member-notice/lea.martin/ending-30/2026-04-05"])
        // An extension moves the end date: the same kind has a new key, so it is due again.
        let later = end.adding(days: 60)
        let again = MemberNoticeSchedule.standard.due(member: "lea.martin", endDate: later, today: later.adding(days: -30))
        #expect(again.map(\.key) == ["member-notice/lea.martin/ending-30/2026-06-04"])
    }

    @Test func formerMembersOfPastYearsGetNothing() {
        #expect(MemberNoticeSchedule.standard.due(member: "x.y", endDate: end, today: end.adding(days: 400)).isEmpty)
        #expect(MemberNoticeSchedule.standard.due(member: "x.y", endDate: end, today: end.adding(days: 37)).isEmpty)
    }

    @Test func theEndDatesToReadCoverEveryWindow() {
        let today = end
        let range = MemberNoticeSchedule.standard.endDates(around: today)
        #expect(range.lowerBound == today.adding(days: -36))
        #expect(range.upperBound == today.adding(days: 30))
    }

    @Test func frenchDates() {
        #expect(MemberNoticeTexts.frenchDate(end) == "5 avril 2026")
        #expect(MemberNoticeTexts.frenchDate(FicheDate(year: 2026, month: 8, day: 1) ?? end) == "1er août 2026")
        #expect(MemberNoticeTexts.frenchDate(FicheDate(year: 2026, month: 2, day: 28) ?? end) == "28 février 2026")
    }
}
