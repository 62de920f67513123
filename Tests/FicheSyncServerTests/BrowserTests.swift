import Foundation
import HummingbirdTesting
import TestKit
import Testing
@testable import FicheSyncServer

/// The form in a real browser (headless Chromium, Debian's `chromium`), without JavaScript
/// involved: the DOM Chromium builds has every label tied to its input, and a screenshot is
/// kept under `.build/` for a person to look at.
@Suite struct BrowserTests {
    static let chromium = "/usr/bin/chromium"

    static func run(_ arguments: [String], profile: TemporaryDirectory) async throws -> ChildProcess {
        let child = try ChildProcess(executable: chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
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
