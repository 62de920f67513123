import Foundation

/// Europe/Paris wall-clock time, computed from the EU rule (summer time from the last Sunday
/// of March, 01:00 UTC, to the last Sunday of October, 01:00 UTC; the law since 1996), with no
/// time-zone database and no clock.
///
/// Why rules rather than `TimeZone(identifier:)`: cron's `next` and the reminders' working
/// time are pure cores (DESIGN.md) whose answers across both changes must not depend on the
/// tzdata a machine has, and the two edge cases (a skipped and a repeated hour) need to be
/// told apart, which `Calendar` hides. The Scheduler and the PR bot's `ParisCalendar` share it.
public enum ParisTime {
    /// Where a Paris wall-clock time falls.
    public enum Showing: Sendable, Equatable {
        /// Shown once (almost always).
        case once(Date)
        /// Shown twice, in the autumn hour repeated: summer time's showing, then winter's.
        case twice(first: Date, second: Date)
        /// Skipped by the spring change: `firstAfter` is the first instant after the gap
        /// (03:00 summer time).
        case skipped(firstAfter: Date)
    }

    /// The last Sunday of `month` in `year`.
    public static func lastSunday(_ year: Int, _ month: Int) -> FicheDate {
        let next = month == 12 ? FicheDate(year: year + 1, month: 1, day: 1) : FicheDate(year: year, month: month + 1, day: 1)
        let last = (next ?? FicheDate(dayNumber: 0)).adding(days: -1)
        return last.adding(days: -(weekday(last) % 7))
    }

    /// 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
    public static func weekday(_ day: FicheDate) -> Int { ((day.dayNumber % 7 + 7) % 7 + 3) % 7 + 1 }

    /// The summer-time period of `year`, in seconds since 1970: [start, end).
    static func summer(_ year: Int) -> (start: Int, end: Int) {
        (lastSunday(year, 3).dayNumber * 86_400 + 3_600, lastSunday(year, 10).dayNumber * 86_400 + 3_600)
    }

    /// Paris's offset from UTC at `instant`, in seconds (3600 in winter, 7200 in summer).
    public static func offset(at instant: Date) -> Int {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        let year = FicheDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down))).year
        let (start, end) = summer(year)
        return seconds >= start && seconds < end ? 7_200 : 3_600
    }

    /// The Paris day and minute of the day (0–1439) at `instant`.
    public static func local(_ instant: Date) -> (day: FicheDate, minute: Int) {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offset(at: instant)
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        return (FicheDate(dayNumber: days), (seconds - days * 86_400) / 60)
    }

    /// Where Paris clocks show `minute` (0–1439) on `day`.
    public static func showing(_ day: FicheDate, minute: Int) -> Showing {
        let wall = day.dayNumber * 86_400 + minute * 60
        let summer = Date(timeIntervalSince1970: TimeInterval(wall - 7_200))
        let winter = Date(timeIntervalSince1970: TimeInterval(wall - 3_600))
        switch (offset(at: summer) == 7_200, offset(at: winter) == 3_600) {
        case (true, true): return .twice(first: summer, second: winter)
        case (true, false): return .once(summer)
        case (false, true): return .once(winter)
        case (false, false):
            // The gap: clocks jumped from 02:00 to 03:00 at the start of summer time.
            return .skipped(firstAfter: Date(timeIntervalSince1970: TimeInterval(Self.summer(day.year).start)))
        }
    }

    /// The instant Paris clocks show `minute` on `day`. A time skipped by the spring change
    /// (02:00–03:00) is the instant the clocks jumped over it, an hour later on the new clock;
    /// a time shown twice in autumn is its first showing.
    public static func instant(_ day: FicheDate, minute: Int) -> Date {
        switch showing(day, minute: minute) {
        case .once(let instant), .twice(let instant, _): instant
        // Read with winter's offset, the skipped wall time lands as far after the change.
        case .skipped: Date(timeIntervalSince1970: TimeInterval(day.dayNumber * 86_400 + minute * 60 - 3_600))
        }
    }

    /// `2026-03-29 03:00 +02:00`: an instant as Paris clocks showed it, with the offset, so
    /// the repeated autumn hour reads unambiguously.
    public static func format(_ instant: Date) -> String {
        let (day, minute) = local(instant)
        let hours = offset(at: instant) / 3_600
        return "\(day) \(pad(minute / 60)):\(pad(minute % 60)) +0\(hours):00"
    }

    static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
