import Foundation
import Testing
@testable import FicheSyncServer

@Suite struct SecurityPartsTests {
    @Test func aTokenVerifiesUnderItsKeyWithinItsLifetimeOnly() {
        let key = FormToken(secret: "s3cret")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let token = key.issue(now: now)
        #expect(key.verifies(token, now: now))
        #expect(key.verifies(token, now: now.addingTimeInterval(FormToken.lifetime - 1)))
        #expect(!key.verifies(token, now: now.addingTimeInterval(FormToken.lifetime + 1)), "expired")
        #expect(!key.verifies(token, now: now.addingTimeInterval(-120)), "from the future")
        #expect(!FormToken(secret: "other").verifies(token, now: now), "another key")
        let parts = token.split(separator: ".")
        #expect(!key.verifies("\(Int(parts[0])! + 1).\(parts[1])", now: now), "a changed time breaks the code")
        #expect(!key.verifies(nil, now: now))
        #expect(!key.verifies("garbage", now: now))
    }

    @Test func theLimiterCountsPerAddressWithinTheWindow() {
        let limiter = RateLimiter(.init(limit: 3, window: 60))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for second in 0..<3 { #expect(limiter.allow("10.0.0.1", now: start.addingTimeInterval(Double(second)))) }
        #expect(!limiter.allow("10.0.0.1", now: start.addingTimeInterval(5)))
        #expect(limiter.allow("10.0.0.2", now: start.addingTimeInterval(5)), "another address has its own count")
        #expect(!limiter.allow("10.0.0.1", now: start.addingTimeInterval(59)))
        #expect(limiter.allow("10.0.0.1", now: start.addingTimeInterval(61)), "the first attempt left the window")
    }

    @Test func theClientBehindTrustedProxiesIsTheAddressTheNearestOneSaw() throws {
        let proxies = try TrustedProxies("127.0.0.1, 10.0.0.0/24,fd00::/8")
        #expect(proxies.trusts("10.0.0.200") && !proxies.trusts("10.0.1.1") && proxies.trusts("fd12::1") && !proxies.trusts("fe80::1"))
        #expect(proxies.trusts("::ffff:127.0.0.1"), "an IPv4-mapped peer is its IPv4")
        // nginx appends the address it was reached from; anything left of it is the client's word.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.7, 203.0.113.5"]) == "203.0.113.5")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.7", "203.0.113.5, 10.0.0.3"]) == "203.0.113.5",
                "trusted hops are skipped, over several header fields")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["[2001:db8::1]"]) == "2001:db8::1")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1", "no header: the proxy itself")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["10.0.0.3"]) == "10.0.0.3", "only trusted hops: the farthest")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, garbage"]) == "127.0.0.1", "a broken chain is not believed")
        #expect(proxies.client(peer: "198.51.100.9", forwardedFor: ["203.0.113.5"]) == "198.51.100.9",
                "a peer that is not a trusted proxy is the client, whatever it writes")
        #expect(TrustedProxies.none.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.5"]) == "127.0.0.1")
        for bad in ["localhost", "10.0.0.0/33", "::1/129", "10.0.0/8", "1.2.3.4/x"] {
            #expect(throws: TrustedProxies.Invalid.self) { try TrustedProxies(bad) }
        }
        #expect(try TrustedProxies("0.0.0.0/0").trusts("192.0.2.1"))
    }

    @Test func formBodiesDecodePlusPercentAndBrokenEscapes() {
        let body = FormBody(Array("a=L%C3%A9a+Martin&b=100%25&c=%zz&d&e=%E2%82".utf8))
        #expect(body["a"] == "Léa Martin")
        #expect(body["b"] == "100%")
        #expect(body["c"] == "%zz")
        #expect(body["d"] == "")
        #expect(body["e"]?.contains("\u{FFFD}") == true)
    }

    @Test func problemsGoOnTheInputThatCausedThem() {
        #expect(OnboardingForm.input(for: "fullname") == "firstname")
        #expect(OnboardingForm.input(for: "missions[0].end") == "mission_end")
        #expect(OnboardingForm.input(for: "missions[0].startups[2]") == "mission_startups")
        #expect(OnboardingForm.input(for: "missions") == "mission_start")
        #expect(OnboardingForm.input(for: "competences[3]") == "competences")
        #expect(OnboardingForm.input(for: "(formulaire)") == nil)
    }
}
