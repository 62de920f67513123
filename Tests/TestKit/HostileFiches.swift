/// Front matters that exhausted memory or the stack before `YAMLLimits`, for the parser's
/// tests and the CLI's.
public enum HostileFiches {
    /// A valid author front matter (without its `---` lines) to add hostile keys to.
    public static let validAuthor = "fullname: Marc Petit\nrole: Coach\ndomaine: Coaching\nmissions:\n  - start: 2024-01-01\n    end: 2025-01-01\n    status: admin\n"

    /// `levels` anchors, each a list of nine aliases of the one before: 9^levels values once expanded.
    public static func aliasBomb(levels: Int) -> String {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<levels {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        return text
    }

    public static func deep(_ levels: Int) -> String {
        "deep: " + String(repeating: "[", count: levels) + "1" + String(repeating: "]", count: levels) + "\n"
    }
}
