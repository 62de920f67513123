import Crypto
import FicheSync
import Foundation

/// The referent's one-click confirmation: a token that names one pull request, one referent
/// and an expiry, signed with HMAC-SHA256 under a secret from the environment
/// (`FICHESYNC_LINK_SECRET`). Forging one needs the secret; changing any part of it breaks the
/// signature; it expires 14 days after it was made. Single use is the store's part: its nonce
/// is recorded once (`referent_confirmations`).
///
/// The token is URL-safe (`base64url(payload).base64url(mac)`), so it sits in a path segment
/// (`/confirm/<token>`) without escaping, and short enough for an email line.
public struct ConfirmationLink: Sendable {
    /// What a valid token says.
    public struct Claim: Sendable, Equatable {
        public var repository: String
        public var number: Int
        public var referent: String
        public var expiresAt: Date
        public var nonce: String
    }

    public struct Refused: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable, Equatable {
            case malformed, badSignature, expired
        }
        public var code: Code
        public var description: String {
            switch code {
            case .malformed: "ce lien de confirmation est incomplet ou abîmé"
            case .badSignature: "ce lien de confirmation n'a pas été émis par fichesync"
            case .expired: "ce lien de confirmation a expiré (il vaut 14 jours) : un nouveau part avec le prochain rappel"
            }
        }
    }

    public static let lifetime: TimeInterval = 14 * 86_400
    private let key: SymmetricKey

    /// `nil` for a secret shorter than 16 bytes: a guessable key would make links forgeable.
    public init?(secret: String) {
        guard secret.utf8.count >= 16 else { return nil }
        key = SymmetricKey(data: Array(secret.utf8))
    }

    /// A token for `referent` to confirm PR `number` of `repository`, valid 14 days from `now`.
    /// `nonce` tells two links apart (the reminder's key, hashed, makes it stable per message).
    public func token(repository: String, number: Int, referent: String, now: Date, nonce: String) -> String {
        let expires = Int64((now.timeIntervalSince1970 + Self.lifetime).rounded(.down))
        let payload = ["v1", repository, String(number), referent, String(expires), Self.shortNonce(nonce)].joined(separator: "|")
        let mac = HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: key)
        return Self.base64URL(Array(payload.utf8)) + "." + Self.base64URL(Array(mac))
    }

    /// The claim of a token this secret signed and that has not expired at `now`.
    public func verify(_ token: String, now: Date) throws(Refused) -> Claim {
        guard token.utf8.count <= 400 else { throw Refused(code: .malformed) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.bytes(base64URL: parts[0]), let mac = Self.bytes(base64URL: parts[1]) else {
            throw Refused(code: .malformed)
        }
        // The signature first, in constant time: nothing of an unsigned payload is read.
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key) else { throw Refused(code: .badSignature) }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == "v1", let number = Int(fields[2]), number > 0, let expires = Int64(fields[4]),
              !fields[1].isEmpty, !fields[3].isEmpty, !fields[5].isEmpty else {
            throw Refused(code: .malformed)
        }
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(expires))
        guard now < expiresAt else { throw Refused(code: .expired) }
        return Claim(repository: fields[1], number: number, referent: fields[3], expiresAt: expiresAt, nonce: fields[5])
    }

    /// 16 hex digits of SHA-256 of `text`: the nonce's size, whatever it is made from.
    static func shortNonce(_ text: String) -> String {
        Hex.string(SHA256.hash(data: Array(text.utf8)).prefix(8))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func bytes(base64URL text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
