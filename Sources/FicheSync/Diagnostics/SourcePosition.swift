/// A place in a fiche file, 1-based like a compiler's `path:line:col`.
///
/// Columns count Unicode scalars, as libyaml does, so they match what an editor and
/// GitHub's annotations show for accented text.
public struct SourcePosition: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    // 32-bit storage: positions are kept on many catalog values (references, dates).
    private var storedLine: Int32
    private var storedColumn: Int32

    public var line: Int { Int(storedLine) }
    public var column: Int { Int(storedColumn) }

    public init(line: Int, column: Int) {
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }

    enum CodingKeys: String, CodingKey { case line, column }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(line: try container.decode(Int.self, forKey: .line), column: try container.decode(Int.self, forKey: .column))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
    }

    /// The start of a file: where problems about the file as a whole are reported.
    public static let fileStart = SourcePosition(line: 1, column: 1)

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A value read from a fiche together with where it was written, so that a rule checked
/// later (a reference, a duplicate) can point at the exact line.
public struct Located<Value> {
    public var value: Value
    public var position: SourcePosition

    public init(_ value: Value, at position: SourcePosition) {
        self.value = value
        self.position = position
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}
extension Located: Sendable where Value: Sendable {}
