import Foundation
import Testing
import TestKit
@testable import FicheSync

/// `generate` into a folder that holds something, and CSV cells a spreadsheet would run.
@Suite struct OutputSafetyTests {
    @Test func generateRefusesANonEmptyFolderUnlessForced() async throws {
        let tmp = try TemporaryDirectory()
        let fiche = "content/_authors/jeanne.dupont.md"
        try tmp.write(["tree/" + fiche: "my own fiche"])
        let refused = try await CLI.run(["generate", tmp.sub("tree"), "--authors", "20"])
        refused.expectOneErrorLine(containing: "\(tmp.sub("tree")) is not empty: generate would overwrite the fiches of that folder — give a new or empty one, or --force")
        #expect(try String(contentsOfFile: tmp.sub("tree/" + fiche), encoding: .utf8) == "my own fiche")

        let forced = try await CLI.run(["generate", tmp.sub("tree"), "--authors", "20", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try await CLI.run(["generate", tmp.sub("new"), "--authors", "20"]).status == 0)
    }

    /// Fullnames and roles are anyone's text: in CSV, a cell starting with `=`, `+`, `-`, `@`,
    /// a tab or a carriage return gets a `'` in front (OWASP), and is quoted when it needs it.
    @Test func csvCellsThatLookLikeFormulasAreNeutralised() async throws {
        let home = try TemporaryDirectory()
        let tree = try TemporaryDirectory()
        var files = validTree
        files["content/_authors/jeanne.dupont.md"] = files["content/_authors/jeanne.dupont.md"]?
            .replacingOccurrences(of: "fullname: Jeanne Dupont", with: "fullname: '=HYPERLINK(\"http://x.example\",\"clic\")'")
            .replacingOccurrences(of: "role: Développeuse", with: "role: '@SUM(1+1)'")
        try tree.write(files)
        let environment: [String: String?] = ["DATABASE_URL": nil]
        let sync = try await CLI.run(["sync", tree.path], home: home, environment: environment)
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        let csv = try await CLI.run(["members", "--format", "csv"], home: home, environment: environment)
        #expect(csv.status == 0)
        let row = try #require(csv.stdoutLines.first { $0.hasPrefix("jeanne.dupont,") })
        #expect(row.hasPrefix("jeanne.dupont,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"clic\"\")\",'@SUM(1+1),Développement,"), "\(row)")
    }
}
