/// One problem found in a fiche, reported like a compiler does:
/// `content/_authors/jean.dupont.md:12:9: error: … [date-order]`.
public struct Diagnostic: Hashable, Sendable, Codable, Comparable {
    public enum Severity: String, Hashable, Sendable, Codable {
        /// The content repository's CI refuses this: fichesync refuses it too.
        case error
        /// Worth a reviewer's look; never blocks a sync.
        case warning
    }

    /// Path relative to the repository root, with `/` separators.
    public var path: String
    public var position: SourcePosition
    public var severity: Severity
    public var rule: Rule
    public var message: String

    public init(path: String, position: SourcePosition, severity: Severity, rule: Rule, message: String) {
        self.path = path
        self.position = position
        self.severity = severity
        self.rule = rule
        self.message = message
    }

    public var line: Int { position.line }
    public var column: Int { position.column }

    /// Diagnostics sort by file, then position, then rule, so every output is stable.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.path != rhs.path { return lhs.path < rhs.path }
        if lhs.position != rhs.position { return lhs.position < rhs.position }
        if lhs.rule != rhs.rule { return lhs.rule.rawValue < rhs.rule.rawValue }
        return lhs.message < rhs.message
    }

    /// `path:line:col: error: message [rule]`
    public var formatted: String {
        "\(path):\(position.line):\(position.column): \(severity.rawValue): \(message) [\(rule.rawValue)]"
    }
}
