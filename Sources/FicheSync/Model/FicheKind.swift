/// The five kinds of fiche, each a folder of `content/`.
public enum FicheKind: String, CaseIterable, Sendable, Codable, Comparable {
    case author, startup, incubator, organisation, team

    /// `content/_authors`, …
    public var directory: String { "content/_\(rawValue)s" }

    /// Whether the content repository's CI checks this kind. Problems in the others are only
    /// ever warnings (beyond "does not parse").
    public var isCheckedByRepositoryCI: Bool { self == .author || self == .startup }

    /// Order of output: authors first, as the repository lists them.
    private var rank: Int {
        switch self {
        case .author: 0
        case .startup: 1
        case .incubator: 2
        case .organisation: 3
        case .team: 4
        }
    }

    public static func < (lhs: FicheKind, rhs: FicheKind) -> Bool { lhs.rank < rhs.rank }
}

/// Where a fiche lives: `content/_authors/jean.dupont.md` is the author `jean.dupont`.
public struct FicheLocation: Hashable, Sendable, Codable, Comparable {
    public var kind: FicheKind
    public var id: String

    public init(kind: FicheKind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// Recognises `content/_<kind>s/<id>.md` (directly in the folder); anything else is not a fiche.
    public init?(path: String) {
        guard path.hasPrefix("content/_"), path.hasSuffix(".md") else { return nil }
        let rest = path.utf8.dropFirst("content/_".utf8.count)
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let folder = String(decoding: rest[..<slash], as: UTF8.self)
        let file = rest[rest.index(after: slash)...]
        guard !file.contains(UInt8(ascii: "/")), file.count > 3,
              folder.hasSuffix("s"), let kind = FicheKind(rawValue: String(folder.dropLast()))
        else { return nil }
        self.kind = kind
        self.id = String(decoding: file.dropLast(3), as: UTF8.self)
    }

    public var path: String { "\(kind.directory)/\(id).md" }

    public static func < (lhs: FicheLocation, rhs: FicheLocation) -> Bool {
        (lhs.kind, lhs.id) < (rhs.kind, rhs.id)
    }
}
