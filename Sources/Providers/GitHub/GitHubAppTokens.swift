import AsyncHTTPClient
import Foundation
import JWTKit

/// A GitHub App installation's token, the least-privilege way to act on the repositories
/// (check runs need it: a personal token cannot write them).
///
/// The app signs a JWT with its private key — RS256, `iat` 60 s in the past (clock drift),
/// `exp` 9 minutes ahead (GitHub refuses more than 10), `iss` the app id — and trades it at
/// `POST /app/installations/{id}/access_tokens` for a token valid one hour. That token is
/// kept and renewed 5 minutes before it ends, or at once after GitHub refused it (401).
/// Token formats change: nothing here assumes a token's length or prefix.
public actor GitHubAppTokens: TokenSource {
    public struct Settings: Sendable, Equatable {
        public var appID: String
        public var installationID: Int
        public var privateKeyPEM: String
        public var apiURL: String

        public init(appID: String, installationID: Int, privateKeyPEM: String, apiURL: String = "https://api.github.com") {
            self.appID = appID
            self.installationID = installationID
            self.privateKeyPEM = privateKeyPEM
            self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        }
    }

    /// The JWT's claims, as GitHub documents them.
    struct AppClaims: JWTPayload {
        var iat: IssuedAtClaim
        var exp: ExpirationClaim
        var iss: IssuerClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    struct InstallationToken: Decodable, Sendable {
        var token: String
        var expiresAt: String
        enum CodingKeys: String, CodingKey { case token, expiresAt = "expires_at" }
    }

    /// The JWT is sent as the bearer token of the one call that mints installation tokens.
    struct AppJWT: TokenSource {
        let keys: JWTKeyCollection
        let appID: String
        let now: @Sendable () -> Date

        func token() async throws -> String {
            let issued = now().addingTimeInterval(-60)
            return try await keys.sign(AppClaims(iat: IssuedAtClaim(value: issued), exp: ExpirationClaim(value: issued.addingTimeInterval(60 + 9 * 60)),
                                                 iss: IssuerClaim(value: appID)))
        }
    }

    private let settings: Settings
    private let transport: ProviderTransport
    private let now: @Sendable () -> Date
    private var current: (token: String, expiresAt: Date)?
    /// Renewed this long before GitHub says it ends.
    static let margin: TimeInterval = 5 * 60

    /// - Parameter now: the clock (tests move it past the hour).
    public init(_ settings: Settings, http: HTTPClient, policy: HTTPPolicy = HTTPPolicy(),
                now: @escaping @Sendable () -> Date = { Date() }) throws {
        let key: Insecure.RSA.PrivateKey
        do {
            key = try Insecure.RSA.PrivateKey(pem: settings.privateKeyPEM)
        } catch {
            // Never the key's text: only that it is not one.
            throw ProviderError(.invalidRequest, provider: "github", method: "-", path: "-", status: nil,
                                message: "GITHUB_APP_PRIVATE_KEY is not an RSA private key in PEM form (2048 bits or more)")
        }
        let keys = JWTKeyCollection()
        self.settings = settings
        self.now = now
        transport = ProviderTransport(
            provider: "github", baseURL: settings.apiURL, setting: GitHubCredentials.apiURLVariable, http: http, policy: policy,
            authenticator: BearerAuthenticator(AppJWT(keys: keys, appID: settings.appID, now: now)), errorBody: GitHubErrorBody.self,
            headers: ["Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "fichesync"])
        self.keys = keys
        self.key = key
    }

    private let keys: JWTKeyCollection
    private let key: Insecure.RSA.PrivateKey
    private var keyAdded = false

    public func token() async throws -> String {
        if let current, current.expiresAt.timeIntervalSince(now()) > Self.margin { return current.token }
        if !keyAdded {
            await keys.add(rsa: key, digestAlgorithm: .sha256)
            keyAdded = true
        }
        // Making a token twice only makes two tokens: safe to resend.
        let route = ProviderRoute(.POST, "/app/installations/\(settings.installationID)/access_tokens").repeatable()
        let minted = try await transport.send(route, as: InstallationToken.self).value
        guard let expiresAt = ISO8601DateFormatter().date(from: minted.expiresAt) else {
            throw ProviderError(.unexpectedAnswer, provider: "github", method: "POST", path: route.pathWithoutQuery, status: 201,
                                message: "the installation token's expires_at is not an ISO 8601 time")
        }
        current = (minted.token, expiresAt)
        return minted.token
    }

    public func refused(_ token: String) async -> Bool {
        guard current?.token == token else { return true }
        current = nil
        return true
    }
}
