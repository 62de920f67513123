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

@Suite struct OnboardingRouteTests {
    @Test func theAPIRefusesEachBadFieldAndOpensThePullRequestOfAGoodSubmission() async throws {
        try await ServerHarness.with { harness, client in
            let bad = #"{"fullname": "Léa", "role": "", "domaine": "Cuisine", "missions": [{"start": "2026-12-07", "end": "2026-01-01", "status": "salarié"}], "referent": "personne.inconnue", "email": "pas une adresse", "mision": 1}"#
            let problems = try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders,
                                                    body: ByteBuffer(string: bad)) { response in
                #expect(response.status == .badRequest)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let list = json?["problems"] as? [[String: String]] ?? []
                return Dictionary(list.map { ($0["field"] ?? "", $0["message"] ?? "") }) { first, _ in first }
            }
            for field in ["fullname", "role", "domaine", "missions[0].end", "missions[0].status", "referent", "email", "mision"] {
                #expect(problems[field] != nil, "no problem on \(field): \(problems)")
            }
            #expect(problems["referent"]?.contains("personne.inconnue") == true)
            #expect(try await harness.openPullRequests().isEmpty, "a refused submission opens nothing")

            try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.formHeaders,
                                     body: ByteBuffer(string: ServerHarness.submission)) { response in
                #expect(response.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders,
                                     body: ByteBuffer(string: "[1, 2")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("(formulaire)"))
            }

            let url = try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders,
                                               body: ByteBuffer(string: ServerHarness.submission)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(json?["id"] as? String == "lea.martin")
                return try #require(json?["url"] as? String)
            }
            let open = try await harness.openPullRequests()
            #expect(open.count == 1)
            #expect(open.first?.url == url)
            #expect(open.first?.title.contains("Léa Martin") == true)
            #expect(try await harness.count("pull_requests") == 1, "the PR is recorded for the watcher")

            try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders,
                                     body: ByteBuffer(string: ServerHarness.submission)) { response in
                #expect(response.status == .ok, "the same submission again gets the open PR back")
                #expect(String(buffer: response.body).contains(url))
            }
            #expect(try await harness.openPullRequests().count == 1)

            // Another Léa Martin (another address) before the first one's fiche is merged: not
            // handed the first one's pull request, nor recorded over it; told to choose another id.
            let other = ServerHarness.submission.replacingOccurrences(of: "lea@example.org", with: "autre.lea@example.org")
            try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders,
                                     body: ByteBuffer(string: other)) { response in
                #expect(response.status == .conflict)
                let text = String(buffer: response.body)
                #expect(text.contains("est déjà demandé pour une autre personne") && text.contains("lea_x.martin") && text.contains(url), "\(text)")
            }
            #expect(try await harness.openPullRequests().count == 1)
            let recorded = try await harness.database.withConnection { connection in
                try await PullRequestStore(connection: connection, logger: TestDatabase.logger).all()
            }
            #expect(recorded.map(\.recruitEmail) == ["lea@example.org"], "the first one's address is kept")
        }
    }

    @Test func theFormShowsEachProblemOnItsFieldAndOpensThePullRequestWhenRight() async throws {
        try await ServerHarness.with { harness, client in
            let page = try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            #expect(page.contains("<html lang=\"fr\">"))
            #expect(page.contains("<label for=\"champ-email\">"))
            #expect(page.contains("id=\"champ-email\""))
            let token = try ServerHarness.token(from: page)

            var wrong = ServerHarness.goodForm.filter { $0.0 != "email" && $0.0 != "mission_end" }
            wrong += [("email", "pas une adresse"), ("mission_end", "2020-01-01"), ("jeton", token)]
            let refused = try await client.execute(uri: "/", method: .post, headers: ServerHarness.formHeaders,
                                                   body: ServerHarness.form(wrong)) { response in
                #expect(response.status == .unprocessableContent)
                return String(buffer: response.body)
            }
            #expect(refused.contains("aria-describedby=\"champ-email-aide champ-email-erreur\""), "\(refused)")
            #expect(refused.contains("id=\"champ-email-erreur\""))
            #expect(refused.contains("n&#39;est pas une adresse email"))
            #expect(refused.contains("aria-describedby=\"champ-mission_end-aide champ-mission_end-erreur\""))
            #expect(refused.contains("value=\"Léa\""), "what was typed is kept")
            #expect(refused.contains("<a href=\"#champ-email\">"), "the summary links to the field")
            #expect(try await harness.openPullRequests().isEmpty)

            let done = try await client.execute(uri: "/", method: .post, headers: ServerHarness.formHeaders,
                                                body: ServerHarness.form(ServerHarness.goodForm + [("jeton", token)])) { response in
                #expect(response.status == .created)
                return String(buffer: response.body)
            }
            let open = try await harness.openPullRequests()
            #expect(open.count == 1)
            #expect(done.contains("href=\"\(try #require(open.first?.url))\""), "\(done)")
            #expect(done.contains("Et maintenant"))
        }
    }

    /// `GET /` is served from the page rendered once at start, with a fresh token each time:
    /// the same bytes the template gives for that token, and a token the form then accepts.
    @Test func theBlankFormIsRenderedOnceAndCarriesAFreshTokenEachTime() async throws {
        try await ServerHarness.with { harness, client in
            let server = harness.server
            #expect(server.blankForm != nil, "the onboarding template holds its token exactly once")
            let page = try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                return String(buffer: response.body)
            }
            let token = try ServerHarness.token(from: page)
            #expect(server.token.verifies(token))
            #expect(!page.contains(TokenPage.placeholder))
            let rendered = server.pages.html(OnboardingPage.template, title: OnboardingPage.title, sandbox: server.bot.isSandbox,
                                             OnboardingPage.values(OnboardingForm(), token: token))
            #expect(page == rendered)
        }
        #expect(TokenPage(html: "no token here") == nil)
        #expect(TokenPage(html: "\(TokenPage.placeholder) twice \(TokenPage.placeholder)") == nil)
        let page = try #require(TokenPage(html: "<input value=\"\(TokenPage.placeholder)\">"))
        #expect(String(buffer: page.body(token: "12.ab")) == "<input value=\"12.ab\">")
    }

    @Test func aFormWithoutAValidTokenIsRefusedAndOpensNothing() async throws {
        try await ServerHarness.with { harness, client in
            for token in [nil, "", "1700000000.00", FormToken(secret: "not the server's").issue(),
                          FormToken.random().issue(now: Date().addingTimeInterval(-3 * 3600))] as [String?] {
                let fields = ServerHarness.goodForm + (token.map { [("jeton", $0)] } ?? [])
                try await client.execute(uri: "/", method: .post, headers: ServerHarness.formHeaders,
                                         body: ServerHarness.form(fields)) { response in
                    #expect(response.status == .forbidden, "token \(token ?? "nil")")
                    #expect(String(buffer: response.body).contains("Ce formulaire a expiré"))
                }
            }
            #expect(try await harness.openPullRequests().isEmpty)
            #expect(try await harness.count("pull_requests") == 0)
        }
    }

    @Test func submissionsOverTheLimitPerAddressAreRefused() async throws {
        try await ServerHarness.with(submissions: .init(limit: 2, window: 3600)) { harness, client in
            for _ in 0..<2 {
                try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders,
                                         body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .badRequest)
                }
            }
            try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders,
                                     body: ByteBuffer(string: ServerHarness.submission)) { response in
                #expect(response.status == .tooManyRequests)
            }
            try await client.execute(uri: "/", method: .post, headers: ServerHarness.formHeaders,
                                     body: ServerHarness.form(ServerHarness.goodForm)) { response in
                #expect(response.status == .tooManyRequests)
                #expect(String(buffer: response.body).contains("Trop de demandes"))
            }
            #expect(try await harness.openPullRequests().isEmpty)
        }
    }

    /// Behind a trusted proxy each client has its own count, told by `X-Forwarded-For`;
    /// without the trust, the header changes nothing.
    static func submit(_ client: any TestClientProtocol, from address: String) async throws -> HTTPResponse.Status {
        var headers = ServerHarness.jsonHeaders
        headers[HTTPField.Name("X-Forwarded-For")!] = "\(address), 10.9.9.9"
        return try await client.execute(uri: "/api/submissions", method: .post, headers: headers,
                                        body: ByteBuffer(string: "{}")) { $0.status }
    }

    @Test func behindATrustedProxyEachForwardedClientIsCountedOnItsOwn() async throws {
        let proxies = ["FICHESYNC_TRUSTED_PROXIES": "127.0.0.1,::1,10.9.9.0/24"]
        try await ServerHarness.with(submissions: .init(limit: 2, window: 3600), environment: proxies) { _, client in
            let s1 = try await Self.submit(client, from: "203.0.113.5")
            #expect(s1 == .badRequest)
            let s2 = try await Self.submit(client, from: "203.0.113.5")
            #expect(s2 == .badRequest)
            let s3 = try await Self.submit(client, from: "203.0.113.5")
            #expect(s3 == .tooManyRequests)
            let s4 = try await Self.submit(client, from: "203.0.113.6")
            #expect(s4 == .badRequest, "another client behind the same proxy")
        }
        try await ServerHarness.with(submissions: .init(limit: 2, window: 3600)) { _, client in
            let s5 = try await Self.submit(client, from: "203.0.113.5")
            #expect(s5 == .badRequest)
            let s6 = try await Self.submit(client, from: "203.0.113.6")
            #expect(s6 == .badRequest)
            let s7 = try await Self.submit(client, from: "203.0.113.7")
            #expect(s7 == .tooManyRequests, "an untrusted header is not believed")
        }
    }

    @Test func hostileInputIsShownAsTextNeverAsMarkup() async throws {
        try await ServerHarness.with { _, client in
            let page = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            let token = try ServerHarness.token(from: page)
            let hostile = "\"><script>alert(1)</script>"
            var fields = ServerHarness.goodForm.filter { !["role", "referent", "description"].contains($0.0) }
            fields += [("role", hostile), ("referent", hostile), ("description", "</textarea><img src=x onerror=alert(2)>"), ("jeton", token)]
            let html = try await client.execute(uri: "/", method: .post, headers: ServerHarness.formHeaders,
                                                body: ServerHarness.form(fields)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                return String(buffer: response.body)
            }
            #expect(!html.contains("<script>"), "\(html)")
            #expect(!html.contains("<img"))
            #expect(html.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""), "the attribute stays closed")
            #expect(html.contains("&lt;/textarea&gt;&lt;img src=x onerror=alert(2)&gt;</textarea>"))
        }
    }

    @Test func aBodyOverTheLimitIsRefused() async throws {
        try await ServerHarness.with { _, client in
            let huge = ByteBuffer(string: "{\"description\": \"" + String(repeating: "a", count: MemberSubmission.maxJSONBytes + 10) + "\"}")
            try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders, body: huge) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }
}
