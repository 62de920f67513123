import FicheSync
import Foundation

/// Working time in Europe/Paris, computed from rules (``ParisTime``), with no time-zone
/// database and no clock: reminders after the first one leave only Monday to Friday, 9:00 to
/// 18:00 Paris time, on days that are not French public holidays.
public struct ParisCalendar: Sendable, Equatable {
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

    // MARK: Holidays

    /// Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
    public static func easter(_ year: Int) -> FicheDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        // Always a real day (March 22 to April 25).
        return FicheDate(year: year, month: month, day: day) ?? FicheDate(dayNumber: 0)
    }

    /// The eleven French public holidays of `year` (metropolitan France: Alsace-Moselle's
    /// Good Friday and 26 December are not among them).
    public static func holidays(_ year: Int) -> Set<FicheDate> {
        let easter = easter(year)
        // Fixed days that every year has.
        func civil(_ month: Int, _ day: Int) -> FicheDate { FicheDate(year: year, month: month, day: day) ?? FicheDate(dayNumber: 0) }
        return [
            civil(1, 1), easter.adding(days: 1), civil(5, 1), civil(5, 8), easter.adding(days: 39),
            easter.adding(days: 50), civil(7, 14), civil(8, 15), civil(11, 1), civil(11, 11), civil(12, 25),
        ]
    }

    // MARK: Working time

    public func isWorkingDay(_ day: FicheDate) -> Bool {
        ParisTime.weekday(day) <= 5 && !(observesHolidays && Self.holidays(day.year).contains(day))
    }

    /// Whether `instant` falls within working hours of a working day, Paris time.
    public func isWorkingTime(_ instant: Date) -> Bool {
        let (day, minute) = ParisTime.local(instant)
        return isWorkingDay(day) && minute >= openingMinute && minute < closingMinute
    }

    /// `instant` itself when it is working time, else the next opening.
    public func firstWorkingMoment(atOrAfter instant: Date) -> Date {
        if isWorkingTime(instant) { return instant }
        var (day, minute) = ParisTime.local(instant)
        if minute >= openingMinute || !isWorkingDay(day) { day = day.adding(days: 1) }
        // Bounded: at most a couple of weeks go by without a working day.
        for _ in 0..<30 where !isWorkingDay(day) { day = day.adding(days: 1) }
        return ParisTime.instant(day, minute: openingMinute)
    }

    /// The instant Paris clocks show the same time as at `instant`, `days` days later: a
    /// reminder "2 days after" a PR opened at 10:00 is due at 10:00, summer time or not.
    public static func sameTime(_ start: Date, daysLater days: Int) -> Date {
        let (day, minute) = ParisTime.local(start)
        let seconds = start.timeIntervalSince1970 - (start.timeIntervalSince1970 / 60).rounded(.down) * 60
        return ParisTime.instant(day.adding(days: days), minute: minute).addingTimeInterval(seconds)
    }
}
