import Crypto
import FicheSync
import Foundation

/// The anti-forgery token of the service's forms: stateless, `<unix time>.<hex HMAC-SHA256
/// of "form|<time>">`, valid for ``lifetime``. A page that posts to us must first have been
/// served by us (a form on another site cannot read our page to copy the token), and no
/// session is stored for it. The key comes from `FICHESYNC_FORM_SECRET`, or is random per
/// process in zero-config mode (a restart then asks people to submit the page again).
public struct FormToken: Sendable {
    private let key: SymmetricKey
    /// Long enough to fill the form slowly, short enough that a leaked token soon expires.
    public static let lifetime: TimeInterval = 2 * 3600

    public init(secret: String) {
        key = SymmetricKey(data: Array(secret.utf8))
    }

    /// A random key for this process only.
    public static func random() -> FormToken {
        FormToken(key: SymmetricKey(size: .bits256))
    }

    private init(key: SymmetricKey) {
        self.key = key
    }

    public func issue(now: Date = Date()) -> String {
        let time = String(Int(now.timeIntervalSince1970))
        return "\(time).\(Hex.string(code(time)))"
    }

    /// Whether `token` was issued by this key, less than ``lifetime`` ago (and not from the
    /// future beyond a minute of clock skew). The comparison is constant-time.
    public func verifies(_ token: String?, now: Date = Date()) -> Bool {
        guard let token, token.count <= 100 else { return false }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let issued = Int(parts[0]), let mac = Hex.bytes(parts[1]), mac.count == SHA256.byteCount
        else { return false }
        let age = now.timeIntervalSince1970 - TimeInterval(issued)
        guard age >= -60, age <= Self.lifetime else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array("form|\(parts[0])".utf8), using: key)
    }

    private func code(_ time: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array("form|\(time)".utf8), using: key))
    }
}
