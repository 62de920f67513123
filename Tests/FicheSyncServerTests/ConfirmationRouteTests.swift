import FicheSync
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PRBot
import TestKit
import Testing
@testable import FicheSyncServer

/// The referent's link end to end: a submission through the API records its PR with the
/// referent's notice (carrying the link) in the outbox; the link's page shows one button; the
/// button confirms once (a comment on the PR), never without the form's token, never twice;
/// a forged link is refused.
@Suite struct ConfirmationRouteTests {
    static let link = ConfirmationLink(secret: "server-test-link-secret-0123456")!

    @Test func theReferentsLinkConfirmsOnceFromItsPage() async throws {
        try await ServerHarness.with(parts: { database, bot in
            let messages = ReminderMessages(texts: try await ReminderTexts.load(), confirmation: (Self.link, "http://localhost:8080"))
            return ServiceParts(
                reminders: ReminderPass(messages: messages, domain: "beta.gouv.fr", logger: TestDatabase.logger),
                confirmation: ReferentConfirmation(link: Self.link, database: database, github: bot.opener.github, upstream: bot.opener.upstream,
                                                   merging: nil, logger: TestDatabase.logger))
        }) { harness, client in
            let number = try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders,
                                                  body: ByteBuffer(string: ServerHarness.submission)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return try #require((json?["url"] as? String)?.split(separator: "/").last.flatMap { Int($0) })
            }
            // The notice was written with the record: by email and by Mattermost, to the referent.
            var texts: [(String, String)] = []
            for try await row in try await harness.database.client.query(
                "SELECT recipient, text FROM outbox WHERE channel = 'email'", logger: TestDatabase.logger).decode((String, String).self) {
                texts.append(row)
            }
            #expect(texts.map(\.0) == ["ulysse.bernier@beta.gouv.fr"])
            #expect(try await harness.count("outbox") == 2)
            let text = try #require(texts.first?.1)
            let url = try #require(text.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("http://localhost:8080/confirm/") })
            let path = String(url.dropFirst("http://localhost:8080".count))

            let page = try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            #expect(page.contains("Je confirme") && page.contains("n°\(number)"), "\(page)")
            #expect(try await harness.count("referent_confirmations") == 0, "opening the page confirms nothing")
            let token = try ServerHarness.token(from: page)

            try await client.execute(uri: path, method: .post, headers: ServerHarness.formHeaders, body: ServerHarness.form([])) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: path, method: .post, headers: ServerHarness.formHeaders,
                                     body: ServerHarness.form([("jeton", token)])) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Confirmation enregistrée"), "\(String(buffer: response.body))")
            }
            try await client.execute(uri: path, method: .post, headers: ServerHarness.formHeaders,
                                     body: ServerHarness.form([("jeton", token)])) { response in
                #expect(String(buffer: response.body).contains("Déjà confirmée"))
            }
            #expect(try await harness.count("referent_confirmations") == 1)
            let comments = try await harness.server.bot.opener.github.comments(harness.server.bot.opener.upstream, issue: number)
            #expect(comments.filter { $0.body?.contains("Ulysse Bernier") == true }.count == 1, "\(comments.map(\.body))")

            let other = try #require(ConfirmationLink(secret: "another-secret-entirely-xyz"))
            let forged = other.token(repository: harness.server.bot.opener.upstream.description, number: number, referent: "ulysse.bernier",
                                     now: Date(), nonce: "n")
            try await client.execute(uri: "/confirm/\(forged)", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("pas été émis par fichesync"))
            }
        }
    }
}
