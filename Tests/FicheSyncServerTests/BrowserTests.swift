import Foundation
@testable import FicheSync
import HummingbirdTesting
import TestKit
import Testing
@testable import FicheSyncServer

/// The forms in a real browser (headless Chromium, Debian's `chromium`), without JavaScript
/// involved: the DOM Chromium builds has every label tied to its input; a person fills the
/// form field by field (found by its label), submits it and sees the pull request's link.
/// Screenshots are kept under `.build/` for a person to look at.
@Suite struct BrowserTests {
    static let chromium = "/usr/bin/chromium"
    /// Playwright drives the same Chromium for the filling (scripts/test installs it).
    static func playwright() async -> Bool {
        guard FileManager.default.isExecutableFile(atPath: chromium) else { return false }
        return await Tool.pythonImports("playwright.sync_api")
    }

    /// What the browser came back with after submitting the form at `url` filled with `fields`.
    static func submit(_ url: String, _ fields: [(String, String)], screenshots: String) async throws -> (status: Int, html: String) {
        let script = Package.root.appendingPathComponent("scripts/browser/fill_form.py").path
        let json = String(decoding: try JSONSerialization.data(withJSONObject: fields.map { [$0.0, $0.1] }), as: UTF8.self)
        let prefix = Package.root.appendingPathComponent(".build/\(screenshots)").path
        let child = try await ChildProcess(executable: "/usr/bin/env", ["python3", script, url, json, prefix])
        #expect(try await child.wait(timeout: .seconds(120)) == 0, "\(child.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(child.stdout.utf8)) as? [String: Any], "\(child.stdout)")
        return (answer["status"] as? Int ?? 0, answer["html"] as? String ?? "")
    }

    @Test(.enabled("chromium and python3's playwright") { await playwright() }, .timeLimit(.minutes(5)))
    func aRecruitFillsTheFormInChromiumAndGetsThePullRequestLink() async throws {
        try await ServerHarness.with { harness, client in
            let port = try #require(client.port)
            let answer = try await Self.submit("http://localhost:\(port)/", ServerHarness.goodForm, screenshots: "onboarding")
            #expect(answer.status == 201)
            let open = try await harness.openPullRequests()
            #expect(open.count == 1)
            let url = try #require(open.first?.url)
            #expect(answer.html.contains("href=\"\(url)\""), "the page links the pull request")
            #expect(answer.html.contains("Ta fiche est proposée"))
        }
    }

    @Test(.enabled("chromium and python3's playwright") { await playwright() }, .timeLimit(.minutes(5)))
    func aMemberExtendsTheirMissionInChromium() async throws {
        try await ServerHarness.with { harness, client in
            let port = try #require(client.port)
            let answer = try await Self.submit("http://localhost:\(port)/members/adrien.gerard/prolonger", [("end", "2028-06-30")],
                                               screenshots: "extension")
            #expect(answer.status == 201, "\(answer.html.suffix(1500))")
            let open = try await harness.openPullRequests()
            #expect(open.count == 1)
            #expect(answer.html.contains("href=\"\(try #require(open.first?.url))\""), "the page links the pull request")
        }
    }

    static func run(_ arguments: [String], profile: TemporaryDirectory) async throws -> ChildProcess {
        let child = try await ChildProcess(executable: chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                                            "--user-data-dir=\(profile.path)"] + arguments)
        #expect(try await child.wait(timeout: .seconds(120)) == 0, "\(child.stderr)")
        return child
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: chromium)), .timeLimit(.minutes(5)))
    func chromiumRendersTheFormWithEveryLabelTiedToItsInput() async throws {
        try await ServerHarness.with { _, client in
            let port = try #require(client.port)
            let url = "http://localhost:\(port)/"
            let profile = try TemporaryDirectory()
            let dom = try await Self.run(["--dump-dom", url], profile: profile).stdout
            #expect(dom.contains("<h1>Créer ta fiche de membre</h1>"), "\(dom.prefix(500))")
            for field in OnboardingForm.fields.map(\.name) {
                #expect(dom.contains("<label for=\"champ-\(field)\">"), "label of \(field)")
                #expect(dom.contains("id=\"champ-\(field)\""), "input of \(field)")
            }
            #expect(dom.contains("<button type=\"submit\">Proposer ma fiche</button>"))

            let shot = Package.root.appendingPathComponent(".build/onboarding-form.png").path
            try? FileManager.default.removeItem(atPath: shot)
            _ = try await Self.run(["--screenshot=\(shot)", "--window-size=1280,2600", "--hide-scrollbars", url], profile: profile)
            let png = try Data(contentsOf: URL(fileURLWithPath: shot))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
            #expect(png.count > 10_000, "a page, not a blank")
        }
    }
}
