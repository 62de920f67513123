import Crypto
import Foundation

/// The secret GitHub signs each delivery with, and the check of `X-Hub-Signature-256`:
/// `sha256=<hex HMAC-SHA256 of the raw body>`. The comparison is constant-time (swift-crypto's
/// `isValidAuthenticationCode`), so timing tells an attacker nothing about the right code.
/// The secret is never logged or described.
public struct WebhookSecret: Sendable, CustomStringConvertible {
    private let key: SymmetricKey

    /// `nil` for an empty secret: a webhook endpoint without one would accept anyone.
    public init?(_ secret: String) {
        guard !secret.isEmpty else { return nil }
        key = SymmetricKey(data: Array(secret.utf8))
    }

    public var description: String { "<secret>" }

    /// Whether `header` is the signature of `body` under this secret.
    public func verifies(_ header: String?, body: [UInt8]) -> Bool {
        guard let header, header.hasPrefix("sha256="), let code = Self.bytes(hex: header.dropFirst("sha256=".count)),
              code.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: body, using: key)
    }

    /// `sha256=<hex>` for `body`: what GitHub sends (tests sign their deliveries with it).
    public func signature(of body: [UInt8]) -> String {
        "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: key).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
