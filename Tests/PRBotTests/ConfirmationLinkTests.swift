import Foundation
import Testing
@testable import PRBot

/// The referent's link: signed, bound to one PR and one referent, valid 14 days.
@Suite struct ConfirmationLinkTests {
    static let link = ConfirmationLink(secret: "a-secret-of-the-deployment-0123")!
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    @Test func aTokenSaysWhatItWasMadeFor() throws {
        let token = Self.link.token(repository: "betagouv/beta.gouv.fr", number: 42, referent: "ulysse.bernier", now: Self.now, nonce: "k/1")
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }, "URL-safe: \(token)")
        let claim = try Self.link.verify(token, now: Self.now.addingTimeInterval(13 * 86_400))
        #expect(claim.repository == "betagouv/beta.gouv.fr" && claim.number == 42 && claim.referent == "ulysse.bernier")
        #expect(claim.expiresAt == Self.now.addingTimeInterval(14 * 86_400))
        let other = Self.link.token(repository: "betagouv/beta.gouv.fr", number: 42, referent: "ulysse.bernier", now: Self.now, nonce: "k/2")
        #expect(try Self.link.verify(other, now: Self.now).nonce != claim.nonce)
    }

    @Test func expiredForgedAndDamagedTokensAreRefused() throws {
        let token = Self.link.token(repository: "betagouv/beta.gouv.fr", number: 42, referent: "ulysse.bernier", now: Self.now, nonce: "k")
        #expect(throws: ConfirmationLink.Refused(code: .expired)) { try Self.link.verify(token, now: Self.now.addingTimeInterval(14 * 86_400)) }
        let stranger = try #require(ConfirmationLink(secret: "another-deployment-secret-xyz"))
        #expect(throws: ConfirmationLink.Refused(code: .badSignature)) { try stranger.verify(token, now: Self.now) }
        // The payload changed to another PR number, the signature kept: refused.
        let parts = token.split(separator: ".")
        let payload = try #require(ConfirmationLink.bytes(base64URL: parts[0]))
        let altered = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "|42|", with: "|43|")
        let forged = ConfirmationLink.base64URL(Array(altered.utf8)) + "." + parts[1]
        #expect(throws: ConfirmationLink.Refused(code: .badSignature)) { try Self.link.verify(forged, now: Self.now) }
        for damaged in ["", ".", "abc", "abc.def.ghi", "%%%.%%%", String(repeating: "a", count: 500), String(token.dropLast(3))] {
            #expect(throws: ConfirmationLink.Refused.self, "\(damaged.prefix(20))") { try Self.link.verify(damaged, now: Self.now) }
        }
    }

    @Test func aShortSecretIsNoKey() {
        #expect(ConfirmationLink(secret: "") == nil)
        #expect(ConfirmationLink(secret: "fifteen-bytes!!") == nil)
        #expect(ConfirmationLink(secret: "sixteen-bytes!!!") != nil)
    }
}
