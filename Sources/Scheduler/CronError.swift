/// Why a cron expression was refused: a code to decide on, the 1-based column (in
/// characters) where the offending part starts, and a message for people that says both
/// (`column 7: hour 25 is out of range 0–23`).
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// Not five fields (minute hour day-of-month month day-of-week).
        case fieldCount
        /// An empty element in a list (`1,,2`, a trailing comma).
        case emptyElement
        /// Neither a number nor a name the field knows (`mon` in the hour field, `1x`).
        case invalidValue
        /// A number outside the field's range.
        case outOfRange
        /// A range whose end comes before its start (`fri-mon`, `10-5`).
        case reversedRange
        /// A step that is not a positive number (`*/0`, `*/x`).
        case invalidStep
        /// Days of the month that none of the chosen months has (`30 feb`): it would never run.
        case neverMatches
    }

    public var code: Code
    /// 1-based, in characters, where the offending field or element starts.
    public var column: Int
    /// What is wrong, without the column.
    public var reason: String

    public init(_ code: Code, column: Int, _ reason: String) {
        self.code = code
        self.column = column
        self.reason = reason
    }

    public var description: String { "column \(column): \(reason)" }
}
