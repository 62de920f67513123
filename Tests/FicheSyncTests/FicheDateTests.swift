import Foundation
import Testing
@testable import FicheSync

@Suite struct FicheDateTests {
    @Test func parsesAndPrintsISO() {
        #expect(FicheDate(iso: "2024-02-29")?.description == "2024-02-29")
        #expect(FicheDate(iso: "2023-02-29") == nil)
        #expect(FicheDate(iso: "2023-1-5") == nil)
    }

    @Test func dayArithmeticRoundTrips() throws {
        let epoch = try #require(FicheDate(year: 1970, month: 1, day: 1))
        #expect(epoch.dayNumber == 0)
        var day = try #require(FicheDate(year: 1999, month: 12, day: 25))
        for _ in 0..<2_000 {
            let next = day.adding(days: 1)
            #expect(next.dayNumber == day.dayNumber + 1)
            #expect(FicheDate(dayNumber: next.dayNumber) == next)
            #expect(next > day)
            day = next
        }
        #expect(FicheDate(year: 2024, month: 2, day: 29)?.adding(years: 1) == FicheDate(year: 2025, month: 2, day: 28))
    }

    /// 00:30 in Paris is still the previous day in UTC: fichesync must see Paris's day.
    @Test func todayIsTheDayInParis() throws {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let winter = try #require(utc.date(from: DateComponents(year: 2026, month: 1, day: 14, hour: 23, minute: 30)))
        #expect(FicheDate.today(at: winter) == FicheDate(year: 2026, month: 1, day: 15))
        let summer = try #require(utc.date(from: DateComponents(year: 2026, month: 7, day: 14, hour: 22, minute: 30)))
        #expect(FicheDate.today(at: summer) == FicheDate(year: 2026, month: 7, day: 15))
        let beforeMidnight = try #require(utc.date(from: DateComponents(year: 2026, month: 7, day: 14, hour: 21, minute: 59)))
        #expect(FicheDate.today(at: beforeMidnight) == FicheDate(year: 2026, month: 7, day: 14))
    }
}
