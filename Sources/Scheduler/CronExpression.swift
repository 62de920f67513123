import FicheSync
import Foundation

/// A 5-field cron expression (minute hour day-of-month month day-of-week), evaluated on
/// Europe/Paris wall-clock time.
///
/// Fields take `*`, numbers, ranges `a-b`, steps (`*/5`, `1-10/2`, `5/15` = `5-max/15`), lists
/// of those, month names (`jan`…`dec`) and weekday names (`mon`…`sun`; 0 and 7 are Sunday).
/// As in Vixie cron, when both day fields are restricted (neither starts with `*`) a day
/// matches if either does: `0 9 1 * mon` is the 1st of each month and every Monday.
///
/// Daylight saving, decided here once so that every job behaves the same:
/// - a time the spring change skips (02:30 on 29 March 2026) runs once, at the first instant
///   after the gap (03:00 summer time), together with anything due at 03:00;
/// - a time the autumn change shows twice (02:30 on 25 October 2026) runs once, at its first
///   showing — unless the hour field is `*` (every hour), where the repeated hour is real time
///   that passes: `*/15 * * * *` keeps running every 15 minutes through it.
///
/// Pure: `next(after:)` takes the instant; there is no clock inside.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written.
    public let source: String
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    /// Bits 0 (Sunday) to 6 (Saturday).
    let daysOfWeek: UInt64
    /// Vixie's DOM_STAR / DOW_STAR: the field starts with `*`.
    let daysOfMonthStar: Bool
    let daysOfWeekStar: Bool

    public var description: String { source }

    enum Field: Int, CaseIterable {
        case minute, hour, dayOfMonth, month, dayOfWeek

        var name: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day of month"
            case .month: "month"
            case .dayOfWeek: "day of week"
            }
        }

        var range: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        var names: [String] {
            switch self {
            case .month: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            case .dayOfWeek: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
            default: []
            }
        }

        /// The number a name stands for (`jan` is 1, `sun` is 0).
        func value(ofName name: String) -> Int? {
            guard let index = names.firstIndex(of: name.lowercased()) else { return nil }
            return self == .month ? index + 1 : index
        }
    }

    public init(_ text: String) throws(CronError) {
        // Fields and the column each starts at (1-based, in characters).
        var fields: [(text: Substring, column: Int)] = []
        var index = text.startIndex
        var column = 1
        while index < text.endIndex {
            if text[index] == " " || text[index] == "\t" {
                index = text.index(after: index)
                column += 1
                continue
            }
            let start = index, startColumn = column
            while index < text.endIndex, text[index] != " ", text[index] != "\t" {
                index = text.index(after: index)
                column += 1
            }
            fields.append((text[start..<index], startColumn))
        }
        guard fields.count == 5 else {
            let where_ = fields.count > 5 ? fields[5].column : max(1, column)
            throw CronError(.fieldCount, column: where_,
                            "a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has \(fields.count)")
        }
        var sets: [UInt64] = []
        for field in Field.allCases {
            let (text, column) = fields[field.rawValue]
            sets.append(try Self.parse(text, field, column: column))
        }
        var dow = sets[4]
        if dow & (1 << 7) != 0 { dow = (dow & ~(1 << 7)) | 1 }
        source = fields.map { String($0.text) }.joined(separator: " ")
        minutes = sets[0]
        hours = sets[1]
        daysOfMonth = sets[2]
        months = sets[3]
        daysOfWeek = dow
        daysOfMonthStar = fields[2].text.hasPrefix("*")
        daysOfWeekStar = fields[4].text.hasPrefix("*")
        // With a day-of-week `*`, only the days of the month choose: they must exist in a month chosen.
        if daysOfMonthStar || daysOfWeekStar {
            let possible = (1...12).contains { month in
                months & (1 << month) != 0 && (1...Self.longest(month)).contains { daysOfMonth & (1 << $0) != 0 }
            }
            if !possible {
                throw CronError(.neverMatches, column: fields[2].column,
                                "day of month \(fields[2].text) never comes in month \(fields[3].text): the job would never run")
            }
        }
    }

    /// The most days `month` ever has (29 for February).
    static func longest(_ month: Int) -> Int {
        month == 2 ? 29 : FicheDate.daysIn(month: month, year: 2001)
    }

    /// One field's set of values, as bits.
    static func parse(_ text: Substring, _ field: Field, column: Int) throws(CronError) -> UInt64 {
        var set: UInt64 = 0
        var offset = 0
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            let elementColumn = column + offset
            offset += element.count + 1
            guard !element.isEmpty else {
                throw CronError(.emptyElement, column: elementColumn, "\(field.name) has an empty element in the list \"\(text)\"")
            }
            set |= try parseElement(element, field, column: elementColumn)
        }
        return set
    }

    /// `*`, `a`, `a-b`, each optionally `/step`.
    static func parseElement(_ element: Substring, _ field: Field, column: Int) throws(CronError) -> UInt64 {
        let parts = element.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let body = parts[0]
        var step = 1
        if parts.count == 2 {
            let stepColumn = column + body.count + 1
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(parts[1]), value > 0 else {
                throw CronError(.invalidStep, column: stepColumn, "\(field.name) step \"\(parts[1])\" is not a positive number")
            }
            step = value
        }
        let low: Int, high: Int
        if body == "*" {
            (low, high) = (field.range.lowerBound, field == .dayOfWeek ? 6 : field.range.upperBound)
        } else {
            let bounds = body.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            low = try value(bounds[0], field, column: column)
            if bounds.count == 2 {
                high = try value(bounds[1], field, column: column + bounds[0].count + 1)
                guard low <= high else {
                    throw CronError(.reversedRange, column: column, "\(field.name) range \(body) ends before it starts")
                }
            } else {
                // `5/15`: from 5 to the field's end.
                high = parts.count == 2 ? (field == .dayOfWeek ? 6 : field.range.upperBound) : low
            }
        }
        var set: UInt64 = 0
        for value in stride(from: low, through: high, by: step) { set |= 1 << UInt64(value) }
        return set
    }

    /// A number or a name of `field`, in its range.
    static func value(_ text: Substring, _ field: Field, column: Int) throws(CronError) -> Int {
        guard !text.isEmpty else { throw CronError(.invalidValue, column: column, "\(field.name) has a range with a missing bound") }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text) {
            guard field.range.contains(number) else {
                let range = field.range
                throw CronError(.outOfRange, column: column, "\(field.name) \(number) is out of range \(range.lowerBound)–\(range.upperBound)")
            }
            return number
        }
        if let named = field.value(ofName: String(text)) { return named }
        let known = field.names.isEmpty ? "a number \(field.range.lowerBound)–\(field.range.upperBound)"
            : "a number \(field.range.lowerBound)–\(field.range.upperBound) or a name (\(field.names.first ?? "")…\(field.names.last ?? ""))"
        throw CronError(.invalidValue, column: column, "\(field.name) \"\(text)\" is not \(known)")
    }

    // MARK: Matching

    /// Whether the job runs on Paris calendar day `day` (month, then the days rule).
    public func runs(on day: FicheDate) -> Bool {
        guard months & (1 << UInt64(day.month)) != 0 else { return false }
        let byDate = daysOfMonth & (1 << UInt64(day.day)) != 0
        let byWeekday = daysOfWeek & (1 << UInt64(ParisTime.weekday(day) % 7)) != 0
        return daysOfMonthStar || daysOfWeekStar ? byDate && byWeekday : byDate || byWeekday
    }

    /// Whether the hour field is every hour: then the repeated autumn hour runs twice.
    var everyHour: Bool { hours == (1 << 24) - 1 }

    /// The first instant strictly after `instant` when the job runs; `nil` only if it never
    /// would, which the parser refuses (`neverMatches`), so callers may treat `nil` as "off".
    public func next(after instant: Date) -> Date? {
        let start = ParisTime.local(instant).day
        // 400 years: the Gregorian calendar's whole cycle, so any day rule that can match has.
        for offset in 0..<146_097 {
            let day = start.adding(days: offset)
            guard runs(on: day) else { continue }
            var best: Date?
            for hour in 0..<24 where hours & (1 << UInt64(hour)) != 0 {
                for minute in 0..<60 where minutes & (1 << UInt64(minute)) != 0 {
                    let candidates: [Date]
                    switch ParisTime.showing(day, minute: hour * 60 + minute) {
                    case .once(let at): candidates = [at]
                    case .twice(let first, let second): candidates = everyHour ? [first, second] : [first]
                    case .skipped(let firstAfter): candidates = [firstAfter]
                    }
                    for candidate in candidates where candidate > instant && candidate < (best ?? .distantFuture) {
                        best = candidate
                    }
                }
            }
            if let best { return best }
        }
        return nil
    }
}
