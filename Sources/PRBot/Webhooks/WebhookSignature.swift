import Crypto
import FicheSync
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
        guard let header, header.hasPrefix("sha256="), let code = Hex.bytes(header.dropFirst("sha256=".count)),
              code.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: body, using: key)
    }

    /// `sha256=<hex>` for `body`: what GitHub sends (tests sign their deliveries with it).
    public func signature(of body: [UInt8]) -> String {
        "sha256=" + Hex.string(HMAC<SHA256>.authenticationCode(for: body, using: key))
    }
}
