import Crypto
import Foundation
import HTTPTypes

/// `FICHESYNC_ADMIN_TOKEN`: what an operator's request must carry as
/// `Authorization: Bearer <token>`. Compared in constant time (HMAC of both sides, then a
/// constant-time comparison of equal-length codes), so the time a wrong token takes tells
/// nothing of the right one, not even its length.
struct AdminToken: Sendable {
    private let key = SymmetricKey(size: .bits256)
    private let expected: HashedAuthenticationCode<SHA256>

    /// `nil` for an unset or empty token: admin is off.
    init?(_ token: String?) {
        guard let token, !token.isEmpty else { return nil }
        expected = HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: key)
    }

    /// Whether the request's `Authorization` header carries this token.
    func authorizes(_ headers: HTTPFields) -> Bool {
        guard let header = headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let given = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: Data(given.utf8), using: key)
    }
}
