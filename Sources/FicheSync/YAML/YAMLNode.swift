/// A node of a front-matter document, with the position where it starts.
///
/// Built from libyaml's event stream (see ``YAMLParser``); small on purpose: fiches are
/// mappings of scalars and lists, and every decoding diagnostic needs a position.
public struct YAMLNode: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var position: SourcePosition

    public init(_ content: Content, at position: SourcePosition) {
        self.content = content
        self.position = position
    }

    public var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    /// A short name for messages: "a list", "a date", "text"…
    public var kindDescription: String {
        switch content {
        case .scalar(let s): s.value.kindDescription
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The node as a plain value, for keys fichesync keeps without understanding them.
    ///
    /// Recursive, which is safe because ``YAMLParser`` refuses trees nested past
    /// ``YAMLLimits/maxDepth`` (aliases included) and aliases expanding past its budget.
    public var value: YAMLValue {
        switch content {
        case .scalar(let s): s.value.yamlValue
        case .sequence(let items): .list(items.map(\.value))
        case .mapping(let pairs): .mapping(pairs.map { ($0.key.scalar?.text ?? "", $0.value.value) })
        }
    }
}

public struct YAMLPair: Sendable, Equatable {
    public var key: YAMLNode
    public var value: YAMLNode
}

/// A scalar: its source text and what it resolves to under YAML 1.1 (as Jekyll/Psych and
/// PyYAML read the real files).
public struct YAMLScalar: Sendable, Equatable {
    public var text: String
    public var value: ScalarValue
}

public enum ScalarValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// An integer past `Int`'s range, as its exact decimal text (PyYAML's integers have no bound).
    case bigInt(String)
    case float(Double)
    case date(FicheDate)
    /// A date-time (`2023-01-15 10:00:00`); kept as written.
    case timestamp(String)
    case string(String)

    public var kindDescription: String {
        switch self {
        case .null: "empty"
        case .bool: "a boolean"
        case .int, .bigInt, .float: "a number"
        case .date: "a date"
        case .timestamp: "a date-time"
        case .string: "text"
        }
    }

    var yamlValue: YAMLValue {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .bigInt(let digits): .bigInt(digits)
        case .float(let d): .float(d)
        case .date(let d): .string(d.description)
        case .timestamp(let t): .string(t)
        case .string(let s): .string(s)
        }
    }
}

/// A front-matter value fichesync keeps as is (unknown keys, kept rather than rejected,
/// since the repository evolves). Dates become their ISO text, so it maps onto JSON.
public indirect enum YAMLValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    /// Exact decimal text of an integer past `Int` (stored as a JSON number: jsonb keeps it exact).
    case bigInt(String)
    case float(Double)
    case string(String)
    case list([YAMLValue])
    case mapping([(String, YAMLValue)])

    public static func == (lhs: YAMLValue, rhs: YAMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.bigInt(let a), .bigInt(let b)): a == b
        case (.float(let a), .float(let b)): a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.mapping(let a), .mapping(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(i)
        case .bigInt(let digits): hasher.combine(digits)
        case .float(let d): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .list(let l): hasher.combine(l)
        case .mapping(let m):
            hasher.combine(m.count)
            for (k, v) in m { hasher.combine(k); hasher.combine(v) }
        }
    }
}
