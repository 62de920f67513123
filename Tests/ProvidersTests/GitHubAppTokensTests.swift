import AsyncHTTPClient
import CryptoExtras
import Foundation
import JWTKit
import Sandbox
import Synchronization
import Testing
import TestKit
@testable import Providers

/// The GitHub App flow against the fake, which verifies the JWT with the app's public key as
/// GitHub does: app JWT → installation token → API calls; renewed before its hour is up, and
/// after a 401; an expired JWT or another key is refused.
@Suite struct GitHubAppTokensTests {
    /// The client's clock, which the tests move.
    final class Clock: Sendable {
        private let date = Mutex(Date())
        func withLock<T: Sendable>(_ body: (inout Date) -> T) -> T { date.withLock { body(&$0) } }
    }

    struct App {
        let github: FakeGitHubServer
        let pem: String
        let clock: Clock

        static func start() async throws -> App {
            let github = try await FakeGitHubServer.start()
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            try github.app.trust(publicKeyPEM: key.publicKey.pemRepresentation)
            return App(github: github, pem: key.pemRepresentation, clock: Clock())
        }

        func tokens(pem: String? = nil) throws -> GitHubAppTokens {
            let clock = self.clock
            return try GitHubAppTokens(.init(appID: github.app.appID, installationID: github.app.installationID, privateKeyPEM: pem ?? self.pem,
                                             apiURL: github.apiURL), http: .shared, policy: .fastRetries(), now: { clock.withLock { $0 } })
        }

        func client(_ tokens: GitHubAppTokens) -> GitHubClient {
            GitHubClient(http: .shared, apiURL: github.apiURL, organization: github.organization, tokens: tokens, policy: .fastRetries())
        }
    }

    @Test func anInstallationTokenIsMintedOnceAndRenewedBeforeItsHour() async throws {
        let app = try await App.start()
        let tokens = try app.tokens()
        let client = app.client(tokens)
        _ = try await client.members()
        _ = try await client.members()
        #expect(app.github.app.mintedTokens == 1, "one token for both calls")
        let first = try await tokens.token()
        // 56 minutes later: less than 5 minutes left, so a new one before GitHub refuses it.
        app.clock.withLock { $0 = $0.addingTimeInterval(56 * 60) }
        app.github.setClock(Date().addingTimeInterval(56 * 60))
        _ = try await client.members()
        #expect(app.github.app.mintedTokens == 2)
        #expect(try await tokens.token() != first)
    }

    @Test func aTokenGitHubNoLongerTakesIsRenewedAfterThe401() async throws {
        let app = try await App.start()
        let tokens = try app.tokens()
        let client = app.client(tokens)
        _ = try await client.members()
        // GitHub revokes it while we think it has most of its hour left: the 401 makes us
        // renew, once, and the call succeeds.
        app.github.app.revokeTokens()
        _ = try await client.members()
        #expect(app.github.app.mintedTokens == 2)
    }

    @Test func anExpiredJWTOrAnotherKeyIsRefused() async throws {
        let app = try await App.start()
        // Our clock 20 minutes behind GitHub's: the JWT's exp (9 minutes) is already past there.
        app.clock.withLock { $0 = $0.addingTimeInterval(-20 * 60) }
        let late = try app.tokens()
        await #expect { try await late.token() } throws: { error in
            guard let error = error as? ProviderError else { return false }
            return error.status == 401 && error.message.contains("'Expiration time' claim ('exp')")
        }
        app.clock.withLock { $0 = Date() }
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let stranger = try app.tokens(pem: other.pemRepresentation)
        await #expect { try await stranger.token() } throws: { ($0 as? ProviderError)?.status == 401 }
        #expect(app.github.app.mintedTokens == 0)
        #expect(throws: ProviderError.self) { try app.tokens(pem: "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----") }
    }

    @Test func theJWTIsWhatGitHubAsks() async throws {
        let app = try await App.start()
        let clock = app.clock
        let keys = JWTKeyCollection()
        await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: app.pem), digestAlgorithm: .sha256)
        let jwt = try await GitHubAppTokens.AppJWT(keys: keys, appID: "424242", now: { clock.withLock { $0 } }).token()
        let parts = jwt.split(separator: ".")
        #expect(parts.count == 3)
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let data = try #require(Data(base64Encoded: payload))
        let claims = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let now = clock.withLock { $0 }.timeIntervalSince1970
        let iat = try #require(claims["iat"] as? Double), exp = try #require(claims["exp"] as? Double)
        #expect(abs(iat - (now - 60)) < 2, "iat 60 s in the past")
        #expect(exp - iat <= 600 && exp > now, "exp at most 10 minutes after iat")
        #expect(claims["iss"] as? String == "424242")
    }
}
