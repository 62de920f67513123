import CGit2

/// A git object id (SHA-1), as a value.
public struct GitOID: Hashable, Sendable, Comparable, CustomStringConvertible {
    fileprivate var raw: git_oid

    init(_ raw: git_oid) { self.raw = raw }

    public init?(hex: String) {
        var oid = git_oid()
        guard hex.utf8.count == 40, git_oid_fromstr(&oid, hex) == 0 else { return nil }
        raw = oid
    }

    public var description: String {
        var copy = raw
        return git_oid_tostr_s(&copy).map { String(cString: $0) } ?? ""
    }

    var bytes: [UInt8] { withUnsafeBytes(of: raw.id) { Array($0) } }

    public static func == (lhs: GitOID, rhs: GitOID) -> Bool { lhs.bytes == rhs.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
    public static func < (lhs: GitOID, rhs: GitOID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    func withPointer<R, E: Error>(_ body: (UnsafePointer<git_oid>) throws(E) -> R) throws(E) -> R {
        var copy = raw
        return try body(&copy)
    }
}

