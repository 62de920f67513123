import Testing
@testable import PRBot

@Suite struct WebhookSignatureTests {
    /// GitHub's documented test vector ("Validating webhook deliveries"): secret "It's a
    /// Secret to Everybody", payload "Hello, World!".
    @Test func gitHubsExample() throws {
        let secret = try #require(WebhookSecret("It's a Secret to Everybody"))
        let body = Array("Hello, World!".utf8)
        let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(secret.signature(of: body) == expected)
        #expect(secret.verifies(expected, body: body))
    }

    @Test func anythingElseIsRefused() throws {
        let secret = try #require(WebhookSecret("s3cret"))
        let body = Array("{}".utf8)
        let good = secret.signature(of: body)
        #expect(secret.verifies(good, body: body))
        #expect(!secret.verifies(nil, body: body))
        #expect(!secret.verifies("", body: body))
        #expect(!secret.verifies(String(good.dropFirst(7)), body: body), "without sha256=")
        #expect(!secret.verifies("sha1=" + good.dropFirst(7), body: body))
        #expect(!secret.verifies(String(good.dropLast()), body: body))
        #expect(!secret.verifies(String(good.dropLast()) + (good.hasSuffix("0") ? "1" : "0"), body: body))
        #expect(!secret.verifies(good, body: Array("{ }".utf8)))
        #expect(!(try #require(WebhookSecret("other"))).verifies(good, body: body))
        #expect(WebhookSecret("") == nil)
        #expect("\(secret)" == "<secret>")
    }
}
