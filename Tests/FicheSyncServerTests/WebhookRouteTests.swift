import AsyncHTTPClient
import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import PRBot
import PostgresNIO
import Sandbox
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

    /// The sandbox GitHub's REST API, as GitHub's own webhook payloads are built from it.
    static func call(_ harness: ServerHarness, _ method: HTTPMethod, _ path: String, token: String? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: "\(harness.sandbox.base)/github\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token ?? harness.sandbox.github.token)")
        request.headers.add(name: "Accept", value: "application/vnd.github+json")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
        #expect((200..<300).contains(Int(response.status.code)), "\(method) \(path): \(response.status) \(text.prefix(300))")
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    @Test func aMergeDeliverySyncsAndReconcilesTheMergedMember() async throws {
        try await ServerHarness.with { harness, client in
            let number = try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders,
                                                  body: ByteBuffer(string: ServerHarness.submission)) { response in
                #expect(response.status == .created)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return try #require(json?["number"] as? Int)
            }
            let upstream = FakeSandbox.upstream
            _ = try await Self.call(harness, .PUT, "/repos/\(upstream)/pulls/\(number)/merge", token: harness.sandbox.github.maintainerToken)
            let pull = try await Self.call(harness, .GET, "/repos/\(upstream)/pulls/\(number)")
            let repository = try await Self.call(harness, .GET, "/repos/\(upstream)")
            let payload: [String: Any] = ["action": "closed", "number": number, "pull_request": pull, "repository": repository,
                                          "sender": pull["user"] ?? [:]]
            let body = Array(try JSONSerialization.data(withJSONObject: payload))
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            if let name = HTTPField.Name("X-GitHub-Event") { headers[name] = "pull_request" }
            if let name = HTTPField.Name("X-GitHub-Delivery") { headers[name] = UUID().uuidString }
            if let name = HTTPField.Name("X-Hub-Signature-256") {
                headers[name] = try #require(WebhookSecret(ServerHarness.webhookSecret)).signature(of: body)
            }
            try await client.execute(uri: "/webhooks/github", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("#\(number)"), "\(String(buffer: response.body))")
            }
            var operations = 0
            let rows = try await harness.database.client.query(
                "SELECT count(*)::int8 FROM account_operations WHERE member = \("lea.martin")", logger: TestDatabase.logger)
            for try await count in rows.decode(Int64.self) { operations = Int(count) }
            #expect(operations > 0, "the merged member's accounts were planned and applied")
            var followed = false
            let state = try await harness.database.client.query(
                "SELECT state = 'merged' AND accounts_followed_at IS NOT NULL FROM pull_requests WHERE number = \(number)",
                logger: TestDatabase.logger)
            for try await done in state.decode(Bool.self) { followed = done }
            #expect(followed, "the PR is merged and its accounts followed")

            // What the reconcile left shows on the member's page and in the status.
            try await client.execute(uri: "/members/lea.martin", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains("<th scope=\"row\">Email</th><td>EMAIL_"), "\(html)")
                #expect(html.contains("ovh create lea.martin"), "the journal's operations")
            }
            var accept = HTTPFields()
            accept[.accept] = "application/json"
            try await client.execute(uri: "/status", method: .get, headers: accept) { response in
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let journal = json?["journal"] as? [String: Any]
                #expect(((journal?["operations"] as? [String: Int])?["done"] ?? 0) > 0, "\(json ?? [:])")
                #expect(journal?["lastFinishedAt"] is String)
            }
        }
    }
}
