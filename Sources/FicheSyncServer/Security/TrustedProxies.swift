import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The proxies whose `X-Forwarded-For` is believed (`FICHESYNC_TRUSTED_PROXIES`), and the
/// client address a request comes from through them, which the rate limit counts by.
///
/// Behind nginx every connection's peer is nginx, so counting peers would make every
/// visitor one client. But anybody can write `X-Forwarded-For`: only the entries appended
/// by a proxy we trust say something. So the header is read from the right (each proxy
/// appends the address it was reached from), trusted hops are skipped, and the first
/// address that is not a trusted proxy is the client. A peer that is not a trusted proxy is
/// the client itself, whatever its header says.
public struct TrustedProxies: Sendable, Equatable {
    /// One address or network, as bytes (4 for IPv4, 16 for IPv6) and a prefix length.
    struct Network: Sendable, Equatable {
        var bytes: [UInt8]
        var prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var left = prefix
            for (mine, theirs) in zip(bytes, address) where left > 0 {
                let bits = min(8, left)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                guard mine & mask == theirs & mask else { return false }
                left -= bits
            }
            return true
        }
    }

    /// Why `FICHESYNC_TRUSTED_PROXIES` was refused: the entry, and what it should look like.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var entry: String
        public var description: String {
            "FICHESYNC_TRUSTED_PROXIES: \"\(entry)\" is not an address or a network (write 127.0.0.1, 10.0.0.0/24 or ::1, comma-separated)"
        }
    }

    let networks: [Network]

    /// No proxy trusted: every client is its connection's peer.
    public static let none = TrustedProxies(networks: [])

    init(networks: [Network]) {
        self.networks = networks
    }

    /// Parses a comma-separated list of addresses and CIDR networks (IPv4 or IPv6).
    public init(_ list: String) throws {
        var networks: [Network] = []
        for entry in list.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(of: parts[0]) else { throw Invalid(entry: entry) }
            let width = bytes.count * 8
            var prefix = width
            if parts.count == 2 {
                guard let value = Int(parts[1]), (0...width).contains(value) else { throw Invalid(entry: entry) }
                prefix = value
            }
            networks.append(Network(bytes: bytes, prefix: prefix))
        }
        self.networks = networks
    }

    public var isEmpty: Bool { networks.isEmpty }

    public func trusts(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The client a request comes from: its peer, or through trusted proxies the address
    /// the nearest of them was reached from.
    /// - Parameter forwardedFor: every `X-Forwarded-For` field of the request, in order.
    public func client(peer: String, forwardedFor: [String]) -> String {
        guard trusts(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { Self.trimmed($0) }
        var client = peer
        for hop in hops.reversed() {
            // A broken chain: what is left of it was written by someone we do not trust.
            guard Self.bytes(of: hop) != nil else { break }
            client = hop
            guard trusts(hop) else { break }
        }
        return client
    }

    /// An entry as proxies write it: spaces around it, IPv6 perhaps in brackets.
    static func trimmed(_ entry: Substring) -> String {
        var text = entry.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            text = String(text[text.index(after: text.startIndex)..<end])
        }
        return text
    }

    /// The address's bytes; an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as its IPv4.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes.prefix(10).allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes.suffix(4))
        }
        return bytes
    }
}
