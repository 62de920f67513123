import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PRBot
import TestKit
import Testing
@testable import FicheSyncServer

@Suite struct WebhookRouteTests {
    static let body = Array(#"{"zen": "Keep it logically awesome.", "hook_id": 1}"#.utf8)

    static func headers(signature: String?, delivery: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let name = HTTPField.Name("X-GitHub-Event") { headers[name] = "ping" }
        if let name = HTTPField.Name("X-GitHub-Delivery") { headers[name] = delivery }
        if let signature, let name = HTTPField.Name("X-Hub-Signature-256") { headers[name] = signature }
        return headers
    }

    @Test func aSignedDeliveryIsRecordedOnceAndABadOrMissingSignatureChangesNothing() async throws {
        try await ServerHarness.with { harness, client in
            let secret = try #require(WebhookSecret(ServerHarness.webhookSecret))
            let delivery = UUID().uuidString
            let good = secret.signature(of: Self.body)

            try await client.execute(uri: "/webhooks/github", method: .post, headers: Self.headers(signature: "sha256=" + String(repeating: "0", count: 64), delivery: UUID().uuidString),
                                     body: ByteBuffer(bytes: Self.body)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/webhooks/github", method: .post, headers: Self.headers(signature: nil, delivery: UUID().uuidString),
                                     body: ByteBuffer(bytes: Self.body)) { response in
                #expect(response.status == .unauthorized)
            }
            let wrongKey = try #require(WebhookSecret("another-secret")).signature(of: Self.body)
            try await client.execute(uri: "/webhooks/github", method: .post, headers: Self.headers(signature: wrongKey, delivery: delivery),
                                     body: ByteBuffer(bytes: Self.body)) { response in
                #expect(response.status == .unauthorized)
            }
            #expect(try await harness.count("webhook_deliveries") == 0, "a refused delivery writes nothing")

            try await client.execute(uri: "/webhooks/github", method: .post, headers: Self.headers(signature: good, delivery: delivery),
                                     body: ByteBuffer(bytes: Self.body)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasPrefix("ignored"))
            }
            #expect(try await harness.count("webhook_deliveries") == 1)
            try await client.execute(uri: "/webhooks/github", method: .post, headers: Self.headers(signature: good, delivery: delivery),
                                     body: ByteBuffer(bytes: Self.body)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasPrefix("redelivery"))
            }
            #expect(try await harness.count("webhook_deliveries") == 1, "a redelivery is a no-op")
        }
    }
}
