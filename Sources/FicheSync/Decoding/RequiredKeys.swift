/// Which of a mapping's required keys were written, one bit per key (the key's place in the
/// decoder's list of required names).
///
/// Bits rather than a `Set<String>`: every key of every mapping of every fiche went through
/// the set — hashing, and an allocation per mapping — only to learn the few that are missing.
struct RequiredKeys {
    private var bits: UInt64 = 0

    mutating func insert(_ bit: Int) { bits |= 1 << UInt64(bit) }

    func contains(_ bit: Int) -> Bool { bits & (1 << UInt64(bit)) != 0 }

    /// Whether bits `0..<count` are all set: the usual case, checked before listing names.
    func containsAll(_ count: Int) -> Bool { bits & ((1 << UInt64(count)) - 1) == (1 << UInt64(count)) - 1 }
}
