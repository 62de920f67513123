import Foundation

/// Working time in Europe/Paris, computed from rules, with no time-zone database and no clock:
/// reminders after the first one leave only Monday to Friday, 9:00 to 18:00 Paris time, on days
/// that are not French public holidays.
///
/// Why rules rather than `TimeZone(identifier:)`: the schedule is a pure core (DESIGN.md), its
/// tests cross both DST changes, and the EU rule (summer time from the last Sunday of March,
/// 01:00 UTC, to the last Sunday of October, 01:00 UTC) has been the law since 1996.
public struct ParisCalendar: Sendable, Equatable {
    /// A day of the civil calendar.
    public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var year: Int
        public var month: Int
        public var day: Int

        public init(_ year: Int, _ month: Int, _ day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }

        /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
        public var ordinal: Int {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let mp = (month + 9) % 12
            let doy = (153 * mp + 2) / 5 + day - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            return era * 146_097 + doe - 719_468
        }

        public init(ordinal: Int) {
            let z = ordinal + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            day = doy - (153 * mp + 2) / 5 + 1
            month = mp < 10 ? mp + 3 : mp - 9
            year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        }

        public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

        /// 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
        public var weekday: Int { ((ordinal % 7 + 7) % 7 + 3) % 7 + 1 }

        public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

        public var description: String {
            "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        }
    }

    /// Working hours, Paris wall clock, in minutes after midnight: [start, end).
    public var openingMinute: Int
    public var closingMinute: Int
    /// Whether French public holidays are days off (they are, by default).
    public var observesHolidays: Bool

    public init(opening: Int = 9 * 60, closing: Int = 18 * 60, observesHolidays: Bool = true) {
        openingMinute = opening
        closingMinute = closing
        self.observesHolidays = observesHolidays
    }

    // MARK: Paris time

    /// The last Sunday of `month` in `year`.
    static func lastSunday(_ year: Int, _ month: Int) -> Day {
        let last = Day(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1).adding(days: -1)
        return last.adding(days: -(last.weekday % 7))
    }

    /// Paris's offset from UTC at `instant`, in seconds (3600 in winter, 7200 in summer).
    public static func offset(at instant: Date) -> Int {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        let year = Day(ordinal: Int((Double(seconds) / 86_400).rounded(.down))).year
        let start = lastSunday(year, 3).ordinal * 86_400 + 3_600
        let end = lastSunday(year, 10).ordinal * 86_400 + 3_600
        return seconds >= start && seconds < end ? 7_200 : 3_600
    }

    /// The Paris day and minute of the day at `instant`.
    public static func local(_ instant: Date) -> (day: Day, minute: Int) {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offset(at: instant)
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        return (Day(ordinal: days), (seconds - days * 86_400) / 60)
    }

    /// The instant Paris clocks show `minute` on `day`. A time skipped by the spring change
    /// (02:00–03:00) is the instant the clocks jumped over it, an hour later on the new clock;
    /// a time shown twice in autumn is its first showing.
    public static func instant(_ day: Day, minute: Int) -> Date {
        let wall = day.ordinal * 86_400 + minute * 60
        for offset in [7_200, 3_600] {
            let candidate = Date(timeIntervalSince1970: TimeInterval(wall - offset))
            if Self.offset(at: candidate) == offset { return candidate }
        }
        // Skipped in spring: the wall time read with winter's offset lands after the change.
        return Date(timeIntervalSince1970: TimeInterval(wall - 3_600))
    }

    // MARK: Holidays

    /// Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
    public static func easter(_ year: Int) -> Day {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return Day(year, month, day)
    }

    /// The eleven French public holidays of `year` (metropolitan France: Alsace-Moselle's
    /// Good Friday and 26 December are not among them).
    public static func holidays(_ year: Int) -> Set<Day> {
        let easter = easter(year)
        return [
            Day(year, 1, 1), easter.adding(days: 1), Day(year, 5, 1), Day(year, 5, 8), easter.adding(days: 39),
            easter.adding(days: 50), Day(year, 7, 14), Day(year, 8, 15), Day(year, 11, 1), Day(year, 11, 11), Day(year, 12, 25),
        ]
    }

    // MARK: Working time

    public func isWorkingDay(_ day: Day) -> Bool {
        day.weekday <= 5 && !(observesHolidays && Self.holidays(day.year).contains(day))
    }

    /// Whether `instant` falls within working hours of a working day, Paris time.
    public func isWorkingTime(_ instant: Date) -> Bool {
        let (day, minute) = Self.local(instant)
        return isWorkingDay(day) && minute >= openingMinute && minute < closingMinute
    }

    /// `instant` itself when it is working time, else the next opening.
    public func firstWorkingMoment(atOrAfter instant: Date) -> Date {
        if isWorkingTime(instant) { return instant }
        var (day, minute) = Self.local(instant)
        if minute >= openingMinute || !isWorkingDay(day) { day = day.adding(days: 1) }
        // Bounded: at most a couple of weeks go by without a working day.
        for _ in 0..<30 where !isWorkingDay(day) { day = day.adding(days: 1) }
        return Self.instant(day, minute: openingMinute)
    }

    /// The instant Paris clocks show the same time as at `instant`, `days` days later: a
    /// reminder "2 days after" a PR opened at 10:00 is due at 10:00, summer time or not.
    public static func sameTime(_ start: Date, daysLater days: Int) -> Date {
        let (day, minute) = local(start)
        let seconds = start.timeIntervalSince1970 - (start.timeIntervalSince1970 / 60).rounded(.down) * 60
        return instant(day.adding(days: days), minute: minute).addingTimeInterval(seconds)
    }
}
