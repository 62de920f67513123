import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Sandbox
import TestKit
import Testing
@testable import FicheSyncServer

@Suite struct MemberPagesTests {
    @Test func prsAndTheMemberPageShowAnOpenedPullRequest() async throws {
        try await ServerHarness.with { harness, client in
            try await client.execute(uri: "/prs", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Aucune pull request ouverte"))
            }
            let url = try await client.execute(uri: "/api/submissions", method: .post, headers: ServerHarness.jsonHeaders,
                                               body: ByteBuffer(string: ServerHarness.submission)) { response in
                #expect(response.status == .created)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return try #require(json?["url"] as? String)
            }
            let number = try #require(try await harness.openPullRequests().first?.number)
            try await harness.database.client.query("""
                INSERT INTO reminders_sent (key, repository, number, audience, step, recipient, outcome, decided_at)
                VALUES (\("test-\(number)"), \(FakeSandbox.upstream), \(number), 'referent', 'day-1', 'ulysse.bernier@beta.gouv.fr',
                        'queued', now())
                """, logger: TestDatabase.logger)
            try await client.execute(uri: "/prs", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("referent (ulysse.bernier@beta.gouv.fr), étape day-1"), "who was reminded")
                #expect(html.contains("href=\"\(url)\""), "\(html)")
                #expect(html.contains("<a href=\"/members/lea.martin\">lea.martin</a>"))
                #expect(html.contains("<a href=\"/members/ulysse.bernier\">ulysse.bernier</a>"), "the referent")
                #expect(html.contains("0 jour"))
            }
            var accept = HTTPFields()
            accept[.accept] = "application/json"
            try await client.execute(uri: "/prs", method: .get, headers: accept) { response in
                let list = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]
                #expect(list?.count == 1)
                #expect(list?.first?["url"] as? String == url)
                #expect(list?.first?["members"] as? [String] == ["lea.martin"])
                #expect(((list?.first?["reminders"] as? [[String: Any]])?.first?["step"]) as? String == "day-1")
            }
            try await client.execute(uri: "/members/ulysse.bernier", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("<h1>Ulysse Bernier</h1>"))
                #expect(html.contains("du 2026-01-15 au 2040-01-01"))
                #expect(html.contains("Aucune opération n'a encore été faite"))
            }
        }
    }

    /// The page gives each account's reason from the fiche and today: an ongoing mission,
    /// and one that ended years ago (every step of the lifecycle is past).
    @Test func theMemberPageGivesEachAccountsReason() async throws {
        try await ServerHarness.with { _, client in
            try await client.execute(uri: "/members/ulysse.bernier", method: .get) { response in
                let html = String(buffer: response.body)
                // The templates escape every value: `'` is `&#39;`.
                #expect(html.contains("Email — adresse active : mission en cours jusqu&#39;au 01/01/2040"), "\(html)")
                #expect(html.contains("Prochaine étape : suspension si la mission n&#39;est pas prolongée le 06/01/2040"))
            }
            try await client.execute(uri: "/members/herve.perrot", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Email — adresse supprimée 30 jours après la fin de mission (mission terminée le 25/06/2021)"), "\(html)")
                #expect(html.contains("GitHub — retiré de l&#39;organisation GitHub"))
                #expect(html.contains("Mattermost — Mattermost, équipe alumni"))
            }
        }
    }

    @Test func memberIdsAreValidatedBeforeAnyQuery() async throws {
        try await ServerHarness.with { _, client in
            for bad in ["Robert'%3B%20DROP%20TABLE%20authors", "%3Cscript%3E", "sans-point", "UPPER.case"] {
                try await client.execute(uri: "/members/\(bad)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    #expect(!String(buffer: response.body).contains("<script>"))
                }
            }
            try await client.execute(uri: "/members/personne.inconnue", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func theExtensionFormIsPrefilledAndOpensTheUpdatePullRequest() async throws {
        try await ServerHarness.with { harness, client in
            let page = try await client.execute(uri: "/members/adrien.gerard/prolonger", method: .get) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            #expect(page.contains("name=\"end\" value=\"2027-05-23\""), "\(page)")
            let token = try ServerHarness.token(from: page)
            try await client.execute(uri: "/members/adrien.gerard/prolonger", method: .post, headers: ServerHarness.formHeaders,
                                     body: ServerHarness.form([("end", "31/12/2028"), ("jeton", token)])) { response in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(html.contains("id=\"champ-end-erreur\""))
                #expect(html.contains("aria-describedby=\"champ-end-aide champ-end-erreur\""))
            }
            #expect(try await harness.openPullRequests().isEmpty)
            try await client.execute(uri: "/members/adrien.gerard/prolonger", method: .post, headers: ServerHarness.formHeaders,
                                     body: ServerHarness.form([("end", "2028-06-30")])) { response in
                #expect(response.status == .forbidden, "no token")
            }
            let done = try await client.execute(uri: "/members/adrien.gerard/prolonger", method: .post, headers: ServerHarness.formHeaders,
                                                body: ServerHarness.form([("end", "2028-06-30"), ("jeton", token)])) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .created, "\(html.split(separator: "<main id=\"contenu\">").last ?? "")")
                return html
            }
            let open = try await harness.openPullRequests()
            #expect(open.count == 1)
            #expect(done.contains("href=\"\(try #require(open.first?.url))\""))
            #expect(open.first?.title.contains("Adrien Gérard") == true || open.first?.title.contains("adrien.gerard") == true,
                    "\(open.first?.title ?? "")")
        }
    }
}
