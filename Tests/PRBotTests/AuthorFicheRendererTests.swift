import FicheSync
import Foundation
import TestKit
import Testing
@testable import PRBot

@Suite struct AuthorFicheRendererTests {
    @Test func looksLikeTheRepositorysFiches() throws {
        let checked = try submission(validJSON).check(against: directory, today: today)
        #expect(try AuthorFicheRenderer.render(checked.fiche) == """
        ---
        fullname: Léa Martin
        role: Développeuse
        domaine: Développement
        github: lea-martin
        link: https://lea.example.fr
        competences:
          - Swift
          - Postgres
        missions:
          - start: 2026-12-07
            end: 2027-06-30
            status: independent
            employer: Octo
            startups:
              - aides-jeunes
              - e-inspé
        memberType: beta
        ---
        Je code.

        """)
    }

    /// Every hostile string in every text field: the file passes `fichesync check` inside the
    /// fixture repository and reads back to exactly the submission.
    @Test(arguments: ScalarWriterTests.hostile.filter { text in
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return !trimmed.isEmpty && !text.unicodeScalars.contains(where: MemberSubmission.isForbidden) && trimmed == text
    })
    func anyTextReadsBackAndPassesTheChecks(_ text: String) throws {
        let fiche = NewAuthorFiche(
            id: "lea.martin", fullname: "Léa \(text)", role: text, domaine: .design, github: nil, link: nil,
            competences: [text], missions: [NewMission(start: FicheDate(year: 2026, month: 12, day: 7)!, end: FicheDate(year: 2027, month: 6, day: 30)!,
                                                       status: .service, employer: text, startups: ["aides-jeunes"])],
            memberType: .dinum, body: "&lt;b> \(text)")
        let rendered = try AuthorFicheRenderer.render(fiche)
        var files = validTree
        files[fiche.path] = rendered
        let found = diagnostics(of: files, today: today).filter { $0.severity == .error }
        #expect(found.isEmpty, "\(found.map(\.formatted))\n\(rendered)")
        let author = try #require(catalog(of: files).authors.first { $0.id == "lea.martin" })
        #expect(author.fullname.value == "Léa \(text)")
        #expect(author.role == text)
        #expect(author.competences.map(\.value) == [text])
        #expect(author.missions.first?.employer == text)
        #expect(author.missions.first?.end == FicheDate(year: 2027, month: 6, day: 30))
        #expect(author.memberType == .dinum)
        #expect(author.extra.isEmpty, "no key added: \(author.extra)")
    }

    @Test func theFixtureRepositoryAcceptsARenderedFiche() throws {
        let checked = try submission(replacing("missions", with: #"[{"start": "2026-12-07", "end": "2027-06-30", "status": "admin", "startups": ["auxAJ", "e-inspé"]}]"#,
                                       in: replacing("referent", with: "\"marius.tellier\"")))
            .check(against: SubmissionCatalog(try CatalogReader.read(directory: Package.fixtures).0), today: today)
        let folder = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: Package.fixtures, toPath: folder.sub("repo"))
        try Data(try AuthorFicheRenderer.render(checked.fiche).utf8).write(to: URL(fileURLWithPath: folder.sub("repo/\(checked.fiche.path)")))
        let (catalog, _) = try CatalogReader.read(directory: folder.sub("repo"))
        let errors = Validator(today: today).validate(catalog).filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(\.formatted))")
        #expect(catalog.authors.contains { $0.id == "lea.martin" })
    }
}

/// The content repository reads fiches with PyYAML: every rendered hostile text must read back
/// there too, not only in fichesync's own parser.
@Suite struct PyYAMLReadBackTests {
    @Test func pyYAMLReadsEveryRenderedTextBack() async throws {
        let folder = try TemporaryDirectory()
        var expected: [String: String] = [:]
        for (index, text) in ScalarWriterTests.hostile.enumerated() where !text.unicodeScalars.contains(where: MemberSubmission.isForbidden) {
            let fiche = NewAuthorFiche(id: "a.b", fullname: text, role: text, domaine: .autre, github: text, link: text, competences: [text],
                                       missions: [NewMission(start: FicheDate(year: 2026, month: 1, day: 1)!, end: FicheDate(year: 2027, month: 1, day: 1)!,
                                                             status: .admin, employer: text, startups: [text])])
            try Data(try AuthorFicheRenderer.render(fiche).utf8).write(to: URL(fileURLWithPath: folder.sub("\(index).md")))
            expected["\(index).md"] = text
        }
        let script = Package.root.appendingPathComponent("scripts/official-clients/read_front_matter.py").path
        let child = try await ChildProcess(executable: "/usr/bin/env", ["python3", script, folder.path])
        let status = try await child.wait()
        try #require(status == 0, "python3 with PyYAML (scripts/official-clients/requirements.txt): \(child.stderr)")
        let read = try #require(try JSONSerialization.jsonObject(with: Data(child.stdout.utf8)) as? [String: [String: Any]])
        #expect(read.count == expected.count)
        for (file, text) in expected {
            let fields = try #require(read[file])
            for key in ["fullname", "role", "github", "link"] {
                #expect(fields[key] as? String == text, "\(key) of \(text.debugDescription): \(String(describing: fields[key]))")
            }
            #expect(fields["competences"] as? [String] == [text])
            let mission = (fields["missions"] as? [[String: Any]])?.first
            #expect(mission?["employer"] as? String == text)
            #expect(mission?["startups"] as? [String] == [text])
            #expect(mission?["end"] as? String == "2027-01-01", "a date, unquoted")
            #expect(Set(fields.keys) == ["fullname", "role", "domaine", "github", "link", "competences", "missions"])
        }
    }
}
