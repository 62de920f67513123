import Crypto
import CryptoExtras
import Foundation
import NIOHTTP1
import Synchronization

/// The GitHub App the fake knows: its id, one installation, the public key it verifies app
/// JWTs with, and the installation tokens it minted (each valid one hour of the fake's clock).
///
/// The JWT is checked the way GitHub documents it, independently of the client's library:
/// RS256 over `header.payload` with the app's public key, `iss` the app id, `exp` in the
/// future and at most 10 minutes after `iat`, `iat` not in the future (60 s of drift allowed).
public final class FakeGitHubApp: Sendable {
    public let appID = "424242"
    public let installationID = 31_337
    private let publicKey = Mutex<_RSA.Signing.PublicKey?>(nil)
    /// Minted token → when it expires.
    private let tokens = Mutex<[String: Date]>([:])
    private let minted = Atomic<Int>(0)

    init() {}

    /// Trusts the app whose private key is `pem`'s pair (tests make one; GitHub shows the
    /// public half in the app's settings).
    public func trust(publicKeyPEM pem: String) throws {
        let key = try _RSA.Signing.PublicKey(pemRepresentation: pem)
        publicKey.withLock { $0 = key }
    }

    /// Revokes every token minted (as `DELETE /installation/token` or a key rotation does):
    /// the next call with one gets a 401.
    public func revokeTokens() {
        tokens.withLock { $0.removeAll() }
    }

    /// Installation tokens minted so far.
    public var mintedTokens: Int { minted.load(ordering: .relaxed) }

    /// Whether `token` is an installation token still valid at `now`.
    func isValidInstallationToken(_ token: String, at now: Date) -> Bool {
        tokens.withLock { $0[token].map { $0 > now } ?? false }
    }

    /// `POST /app/installations/{installation_id}/access_tokens`, bearer = the app's JWT.
    func mintToken(_ request: FakeRequest, installation: String, now: Date, objects: GitHubObjects) -> FakeReply {
        let documentation = "\(GitHubRoute.documentationRoot)/apps/apps#create-an-installation-access-token-for-an-app"
        func refuse(_ message: String) -> FakeReply { GitHubCall.error(.unauthorized, message, documentation: documentation) }
        guard let header = request.headers.first(name: "Authorization"), header.hasPrefix("Bearer ") else {
            return refuse("A JSON web token could not be decoded")
        }
        switch verify(String(header.dropFirst("Bearer ".count)), now: now) {
        case .failure(let problem): return refuse(problem.message)
        case .success: break
        }
        guard installation == String(installationID) else {
            return GitHubCall.error(.notFound, "Not Found", documentation: documentation)
        }
        let token = "ghs_" + (0..<36).map { _ in String("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement() ?? "a") }.joined()
        let expires = now.addingTimeInterval(3600)
        tokens.withLock { $0[token] = expires }
        minted.add(1, ordering: .relaxed)
        return FakeReply(status: .created, encoding: GitHubObjects.InstallationToken(
            token: token, expires_at: FakeGitHubServer.iso(expires),
            permissions: ["checks": "write", "pull_requests": "write", "contents": "write", "metadata": "read"],
            repository_selection: "selected"))
    }

    struct Problem: Error { var message: String }

    private struct Header: Decodable { var alg: String }
    private struct Claims: Decodable {
        var iat: Double
        var exp: Double
        var iss: Issuer
    }

    /// `iss` may be the app id as a number or as text (or the app's client id).
    private enum Issuer: Decodable {
        case text(String)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) { self = .text(String(number)) } else { self = .text(try container.decode(String.self)) }
        }
        var value: String { if case .text(let text) = self { text } else { "" } }
    }

    func verify(_ jwt: String, now: Date) -> Result<Void, Problem> {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Self.base64URL(parts[0]), let claimsData = Self.base64URL(parts[1]),
              let signature = Self.base64URL(parts[2]),
              let header = try? JSONDecoder().decode(Header.self, from: headerData),
              let claims = try? JSONDecoder().decode(Claims.self, from: claimsData)
        else { return .failure(Problem(message: "A JSON web token could not be decoded")) }
        guard header.alg == "RS256", let key = publicKey.withLock({ $0 }) else {
            return .failure(Problem(message: "A JSON web token could not be decoded"))
        }
        let signed = Data("\(parts[0]).\(parts[1])".utf8)
        guard key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: signed),
                                   padding: .insecurePKCS1v1_5) else {
            return .failure(Problem(message: "A JSON web token could not be decoded"))
        }
        guard claims.iss.value == appID else {
            return .failure(Problem(message: "'Issuer' claim ('iss') must be an Integer"))
        }
        let time = now.timeIntervalSince1970
        guard claims.exp > time else {
            return .failure(Problem(message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"))
        }
        guard claims.exp - claims.iat <= 600 else {
            return .failure(Problem(message: "'Expiration time' claim ('exp') is too far in the future"))
        }
        guard claims.iat <= time + 60 else {
            return .failure(Problem(message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"))
        }
        return .success(())
    }

    static func base64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

extension GitHubObjects {
    /// `installation-token`, as `POST /app/installations/{id}/access_tokens` answers.
    struct InstallationToken: Encodable, Sendable {
        var token: String
        var expires_at: String
        var permissions: [String: String]
        var repository_selection: String
    }
}
