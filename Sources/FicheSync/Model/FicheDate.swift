import Foundation

/// A calendar date as fiches write it (`2024-03-31`): no time, no time zone.
///
/// Every lifecycle rule compares calendar dates in Europe/Paris; keeping the date a plain
/// value (and passing `today` into the core) makes every rule testable on any day.
public struct FicheDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    // Four bytes, not three Ints: every mission and phase holds two dates, and the catalog of
    // a 50,000-member repository must stay small.
    private let storedYear: UInt16
    private let storedMonth: UInt8
    private let storedDay: UInt8

    public var year: Int { Int(storedYear) }
    public var month: Int { Int(storedMonth) }
    public var day: Int { Int(storedDay) }

    /// A date, or `nil` when the triple is not a day of the proleptic Gregorian calendar.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...FicheDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        storedYear = UInt16(year)
        storedMonth = UInt8(month)
        storedDay = UInt8(day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(u[i]) else { return nil }
                n = n * 10 + Int(u[i] - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The day of a YAML date-time (`2023-1-5 10:00:00`, `2023-01-05T10:00:00Z`).
    init?(timestampPrefix text: String) {
        let day = text.prefix { $0 != "T" && $0 != "t" && $0 != " " && $0 != "\t" }
        let parts = day.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (lhs: FicheDate, rhs: FicheDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        let y = String(year), m = String(month), d = String(day)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-"
            + (m.count == 1 ? "0" : "") + m + "-" + (d.count == 1 ? "0" : "") + d
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = FicheDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a YYYY-MM-DD date: \(text)")
        }
        self = date
    }

    /// Days since 1970-01-01 (negative before), for day arithmetic without a calendar object.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The inverse of ``dayNumber``.
    public init(dayNumber z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        // Clamped to the supported years, so the stored fields always fit.
        storedYear = UInt16(clamping: min(max(yoe + era * 400 + (m <= 2 ? 1 : 0), 1), 9999))
        storedMonth = UInt8(m)
        storedDay = UInt8(d)
    }

    public func adding(days: Int) -> FicheDate { FicheDate(dayNumber: dayNumber + days) }

    /// The same day `years` later (29 February becomes 28 February when needed).
    public func adding(years: Int) -> FicheDate {
        let y = year + years
        return FicheDate(year: y, month: month, day: min(day, FicheDate.daysIn(month: month, year: y)))
            ?? FicheDate(dayNumber: dayNumber + 365 * years)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The calendar date in `timeZone` at `instant`: fichesync's "today" is Paris's today,
    /// so a run at 00:30 in Paris on the day after a mission ends sees it ended.
    public static func today(at instant: Date = Date(), in timeZone: TimeZone = .europeParis) -> FicheDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return FicheDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? FicheDate(dayNumber: 0)
    }
}

extension TimeZone {
    /// The community's time zone; every date rule is evaluated there.
    public static var europeParis: TimeZone { TimeZone(identifier: "Europe/Paris") ?? .gmt }
}
