import FicheSync
import Foundation
import Testing
@testable import Scheduler

/// An instant written in UTC, the unambiguous way to state what a Paris schedule should give.
func utc(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: -1)
}

/// The `count` runs after `start`, in UTC, for comparing whole sequences.
func runs(_ expression: String, after start: String, count: Int) throws -> [String] {
    let cron = try CronExpression(expression)
    var at = utc(start)
    var out: [String] = []
    let format = ISO8601DateFormatter()
    for _ in 0..<count {
        guard let next = cron.next(after: at) else { break }
        out.append(format.string(from: next))
        at = next
    }
    return out
}

@Suite struct CronExpressionTests {
    // MARK: Daylight saving, 2026 (spring 29 March at 01:00 UTC, autumn 25 October at 01:00 UTC)

    @Test func everyQuarterHourThroughTheSpringGapRunsOnceAtThree() throws {
        // 01:45 winter time (00:45Z); 02:00–02:59 does not exist; 03:00 summer time is 01:00Z.
        #expect(try runs("*/15 * * * *", after: "2026-03-29T00:30:00Z", count: 4) == [
            "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z", "2026-03-29T01:30:00Z",
        ])
    }

    @Test func everyQuarterHourKeepsRunningThroughTheRepeatedAutumnHour() throws {
        // 02:45 summer time (00:45Z), then 02:00–02:45 winter time again (01:00Z–01:45Z), then 03:00 (02:00Z).
        #expect(try runs("*/15 * * * *", after: "2026-10-25T00:30:00Z", count: 7) == [
            "2026-10-25T00:45:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z", "2026-10-25T01:30:00Z",
            "2026-10-25T01:45:00Z", "2026-10-25T02:00:00Z", "2026-10-25T02:15:00Z",
        ])
    }

    @Test func halfPastTwoSkippedInSpringRunsOnceAfterTheGap() throws {
        // 28 March 02:30 winter (01:30Z); 29 March: skipped, so 03:00 summer (01:00Z); 30 March 02:30 summer (00:30Z).
        #expect(try runs("30 2 * * *", after: "2026-03-27T12:00:00Z", count: 3) == [
            "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z",
        ])
    }

    @Test func halfPastTwoShownTwiceInAutumnRunsOnceAtTheFirst() throws {
        // 25 October: 02:30 summer time (00:30Z) only, not 02:30 winter time (01:30Z); then 26 October 01:30Z.
        #expect(try runs("30 2 * * *", after: "2026-10-24T12:00:00Z", count: 3) == [
            "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", "2026-10-27T01:30:00Z",
        ])
        // Asked from inside the repeated hour, after the first showing: tomorrow, not the second showing.
        #expect(try runs("30 2 * * *", after: "2026-10-25T01:10:00Z", count: 1) == ["2026-10-26T01:30:00Z"])
    }

    @Test func hourlyRunsTwiceInTheRepeatedHourWhereRealTimePasses() throws {
        #expect(try runs("0 * * * *", after: "2026-10-24T23:30:00Z", count: 4) == [
            "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z",
        ])
        // Every two hours is a restricted hour field: 02:00 once.
        #expect(try runs("0 */2 * * *", after: "2026-10-24T21:30:00Z", count: 3) == [
            "2026-10-24T22:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T03:00:00Z",
        ])
    }

    @Test func weekdaysAtTenAcrossTheSpringChange() throws {
        // Friday 27 March 10:00 winter (09:00Z), Monday 30 March 10:00 summer (08:00Z), Tuesday…
        #expect(try runs("0 10 * * mon-fri", after: "2026-03-27T08:00:00Z", count: 3) == [
            "2026-03-27T09:00:00Z", "2026-03-30T08:00:00Z", "2026-03-31T08:00:00Z",
        ])
        // Friday 23 October 10:00 summer (08:00Z), Monday 26 October 10:00 winter (09:00Z).
        #expect(try runs("0 10 * * mon-fri", after: "2026-10-23T07:00:00Z", count: 2) == [
            "2026-10-23T08:00:00Z", "2026-10-26T09:00:00Z",
        ])
    }

    // MARK: Fields

    @Test func listsRangesStepsAndNames() throws {
        // Minutes 1, 3, 5, 7, 9 and 30 of 9:00 and 13:00, July only, Paris summer time (UTC+2).
        #expect(try runs("1-10/2,30 9-13/4 * jul *", after: "2026-06-30T22:00:00Z", count: 7) == [
            "2026-07-01T07:01:00Z", "2026-07-01T07:03:00Z", "2026-07-01T07:05:00Z", "2026-07-01T07:07:00Z",
            "2026-07-01T07:09:00Z", "2026-07-01T07:30:00Z", "2026-07-01T11:01:00Z",
        ])
        // `5/20`: from 5 to the end by 20. Names are case-insensitive. 1 January 00:05 (23:05Z the day
        // before) has passed: 1 July, midnight summer time.
        #expect(try runs("5/20 0 1 JAN,Jul *", after: "2026-01-01T00:00:00Z", count: 3) == [
            "2026-06-30T22:05:00Z", "2026-06-30T22:25:00Z", "2026-06-30T22:45:00Z",
        ])
    }

    @Test func sundayIsZeroSevenOrSun() throws {
        let zero = try runs("0 12 * * 0", after: "2026-05-01T00:00:00Z", count: 3)
        #expect(zero == ["2026-05-03T10:00:00Z", "2026-05-10T10:00:00Z", "2026-05-17T10:00:00Z"])
        #expect(try runs("0 12 * * 7", after: "2026-05-01T00:00:00Z", count: 3) == zero)
        #expect(try runs("0 12 * * sun", after: "2026-05-01T00:00:00Z", count: 3) == zero)
        // Saturday to Sunday as 6-7.
        #expect(try runs("0 12 * * 6-7", after: "2026-05-01T00:00:00Z", count: 2) == ["2026-05-02T10:00:00Z", "2026-05-03T10:00:00Z"])
    }

    @Test func bothDayFieldsRestrictedMatchEither() throws {
        // The 1st of the month or a Monday (Vixie): Saturday 1 August, then Monday 3 and 10 August.
        #expect(try runs("0 9 1 * mon", after: "2026-07-31T12:00:00Z", count: 3) == [
            "2026-08-01T07:00:00Z", "2026-08-03T07:00:00Z", "2026-08-10T07:00:00Z",
        ])
        // A day-of-month starting with `*` is unrestricted: both must match (odd days that are Mondays).
        #expect(try runs("0 9 */2 * mon", after: "2026-07-31T12:00:00Z", count: 2) == [
            "2026-08-03T07:00:00Z", "2026-08-17T07:00:00Z",
        ])
    }

    @Test func leapDayComesEveryFourYears() throws {
        #expect(try runs("0 0 29 feb *", after: "2026-01-01T00:00:00Z", count: 2) == ["2028-02-28T23:00:00Z", "2032-02-28T23:00:00Z"])
    }

    @Test func theSourceIsKeptAsWrittenModuloSpaces() throws {
        #expect(try CronExpression("  */4\t* *  * *").source == "*/4 * * * *")
    }

    // MARK: Errors: a code, the column, words for people

    @Test func hourOutOfRangeNamesTheColumn() {
        #expect(throws: CronError(.outOfRange, column: 7, "hour 25 is out of range 0–23")) { try CronExpression("*/5 0,25 * * *") }
        let error = #expect(throws: CronError.self) { try CronExpression("*/5 0,25 * * *") }
        #expect(error?.description == "column 7: hour 25 is out of range 0–23")
    }

    @Test(arguments: [
        ("* * * *", CronError.Code.fieldCount, 8),
        ("* * * * * *", .fieldCount, 11),
        ("", .fieldCount, 1),
        ("60 * * * *", .outOfRange, 1),
        ("* * 0 * *", .outOfRange, 5),
        ("* * 32 * *", .outOfRange, 5),
        ("* * * 13 *", .outOfRange, 7),
        ("* * * * 8", .outOfRange, 9),
        ("1,,2 * * * *", .emptyElement, 3),
        ("1, * * * *", .emptyElement, 3),
        ("x * * * *", .invalidValue, 1),
        ("0 mon * * *", .invalidValue, 3),
        ("0 0 * * monday", .invalidValue, 9),
        ("-5 * * * *", .invalidValue, 1),
        ("+5 * * * *", .invalidValue, 1),
        ("0 0 * * fri-mon", .reversedRange, 9),
        ("10-5 * * * *", .reversedRange, 1),
        ("*/0 * * * *", .invalidStep, 3),
        ("0 */x * * *", .invalidStep, 5),
        ("1-/2 * * * *", .invalidValue, 3),
        ("0 0 30 feb *", .neverMatches, 5),
        ("0 0 31 apr,jun *", .neverMatches, 5),
    ])
    func everyError(expression: String, code: CronError.Code, column: Int) {
        let error = #expect(throws: CronError.self) { try CronExpression(expression) }
        #expect(error?.code == code, "\(expression): \(String(describing: error))")
        #expect(error?.column == column, "\(expression): \(String(describing: error))")
        #expect(error?.description.hasPrefix("column \(column): ") == true)
    }

    @Test func messagesSayWhatIsWrong() {
        func message(_ text: String) -> String? { (#expect(throws: CronError.self) { try CronExpression(text) })?.description }
        #expect(message("0 0 * * fri-mon") == "column 9: day of week range fri-mon ends before it starts")
        #expect(message("*/0 * * * *") == "column 3: minute step \"0\" is not a positive number")
        #expect(message("0 0 30 feb *") == "column 5: day of month 30 never comes in month feb: the job would never run")
        #expect(message("0 mon * * *") == "column 3: hour \"mon\" is not a number 0–23")
        #expect(message("* * * *") == "column 8: a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has 4")
    }
}
