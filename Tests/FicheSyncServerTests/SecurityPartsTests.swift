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
