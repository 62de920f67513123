import Foundation
import Testing
@testable import PRBot

/// Webhook deliveries shaped as GitHub sends them, against the sandbox GitHub and a real Postgres.
@Suite struct WebhookHandlerTests {
    static let lea = ["content/_authors/lea.martin.md": WatchedRepository.fiche("Léa Martin")]

    @Test func aBadOrMissingSignatureIsRefusedAndChangesNothing() async throws {
        try await WatchedRepository.with { repo in
            let number = try await repo.open(Self.lea, branch: "patch-1")
            let handler = repo.handler()
            var forged = try await repo.pullRequestDelivery("opened", number, secret: try #require(WebhookSecret("not-the-secret")))
            var response = await handler.handle(forged, now: Date())
            #expect(response.status == 401)
            if case .refused = response.outcome {} else { Issue.record("\(response.outcome)") }
            forged.headers.removeAll { $0.name == "X-Hub-Signature-256" }
            response = await handler.handle(forged, now: Date())
            #expect(response.status == 401)
            // A genuine delivery whose body was changed after signing.
            var tampered = try await repo.pullRequestDelivery("opened", number)
            tampered.body += Array(" ".utf8)
            #expect(await handler.handle(tampered, now: Date()).status == 401)
            #expect(try await repo.count("pull_requests") == 0)
            #expect(try await repo.count("webhook_deliveries") == 0)
        }
    }

    @Test func aDeliveryIsProcessedOnceAndARedeliveryIsANoOp() async throws {
        try await WatchedRepository.with { repo in
            let number = try await repo.open(Self.lea, branch: "patch-1")
            let handler = repo.handler()
            let delivery = try await repo.pullRequestDelivery("opened", number, id: "72d3162e-cc78-11e3-81ab-4c9367dc0958")
            let first = await handler.handle(delivery, now: Date())
            #expect(first.status == 200)
            #expect(first.outcome == .observed(number: number, changes: [.opened]))
            let row = try await repo.followed()
            #expect(row.count == 1 && row.first?.members == ["lea.martin"] && row.first?.kind == .handMade)
            // Closed meanwhile; the old "opened" delivery redelivered (same id) must not touch the row.
            try await repo.setState(number, "closed")
            let closed = await handler.handle(try await repo.pullRequestDelivery("closed", number), now: Date())
            #expect(closed.outcome == .observed(number: number, changes: [.closed]))
            let again = await handler.handle(delivery, now: Date())
            #expect(again.status == 200 && again.outcome == .redelivery)
            #expect(try await repo.followed().first?.state == .closed)
            #expect(try await repo.count("webhook_deliveries") == 2)
        }
    }

    @Test func webhooksAndThePollMakeTheSameTransitions() async throws {
        try await WatchedRepository.with { repo in
            let number = try await repo.open(Self.lea, branch: "patch-1", draft: true)
            let handler = repo.handler()
            #expect(await handler.handle(try await repo.pullRequestDelivery("opened", number), now: Date()).outcome
                == .observed(number: number, changes: [.opened]))
            let viaWebhook = try #require(try await repo.followed().first)
            #expect(viaWebhook.draft)
            // The poll sees the same PR the same way: no change to report.
            #expect(try await repo.pass().changed.isEmpty)
            let afterPoll = try #require(try await repo.followed().first)
            #expect(afterPoll.state == viaWebhook.state && afterPoll.members == viaWebhook.members
                && afterPoll.headSHA == viaWebhook.headSHA && afterPoll.draft == viaWebhook.draft)
            // Merged: the "closed" delivery (merged: true) gives the merged end state.
            try await repo.merge(number)
            let merged = await handler.handle(try await repo.pullRequestDelivery("closed", number), now: Date())
            #expect(merged.outcome == .observed(number: number, changes: [.merged]))
            #expect(try await repo.followed().first?.state == .merged)
            #expect(try await repo.pass().changed.isEmpty)
        }
    }

    @Test func aPullRequestWithoutAuthorFichesIsIgnoredAndOtherEventsToo() async throws {
        try await WatchedRepository.with { repo in
            let number = try await repo.open(["README.md": "bonjour\n"], branch: "readme")
            let handler = repo.handler()
            let response = await handler.handle(try await repo.pullRequestDelivery("opened", number), now: Date())
            #expect(response.status == 200)
            if case .ignored = response.outcome {} else { Issue.record("\(response.outcome)") }
            let ping = try WatchedRepository.delivery("ping", ["zen": "Keep it logically awesome.", "hook_id": 1], id: "ping-1", secret: WatchedRepository.secret)
            if case .ignored = await handler.handle(ping, now: Date()).outcome {} else { Issue.record("ping") }
            var broken = try WatchedRepository.delivery("pull_request", ["action": "opened"], id: "broken-1", secret: WatchedRepository.secret)
            #expect(await handler.handle(broken, now: Date()).status == 400)
            broken.headers.removeAll { $0.name == "X-GitHub-Delivery" }
            #expect(await handler.handle(broken, now: Date()).status == 400)
            #expect(try await repo.count("pull_requests") == 0)
        }
    }
}
