import FicheSync
import Foundation
import TestKit
import Testing
@testable import PRBot

/// The lines a reviewer sees change: removed from `before`, added in `after` (a minimal diff).
func changedLines(_ before: [UInt8], _ after: [UInt8]) -> (removed: [String], added: [String]) {
    // Bytes, not Characters: Swift reads "\r\n" as one Character, which a split on "\n" misses.
    func lines(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
    var removed: [(Int, String)] = [], added: [(Int, String)] = []
    for change in lines(after).difference(from: lines(before)) {
        switch change {
        case .remove(let offset, let line, _): removed.append((offset, line))
        case .insert(let offset, let line, _): added.append((offset, line))
        }
    }
    return (removed.sorted { $0.0 < $1.0 }.map(\.1), added.sorted { $0.0 < $1.0 }.map(\.1))
}

func fixture(_ id: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: "\(Package.fixtures)/content/_authors/\(id).md")))
}

let newEnd = FicheDate(year: 2027, month: 12, day: 31)!

@Suite struct ProposedChangeTests {
    @Test func anExtensionChangesOnlyTheEndLine() throws {
        let before = try fixture("anatole.garrigue")
        let after = try ProposedChange(lastMissionEnd: newEnd).apply(to: before, id: "anatole.garrigue")
        #expect(changedLines(before, after) == (["    end: 2023-12-18"], ["    end: 2027-12-31"]))
    }

    @Test func crlfFilesStayCRLF() throws {
        let before = try fixture("gustave.noiret")
        let change = ProposedChange(lastMissionEnd: newEnd, newMissions: [NewMission(start: FicheDate(year: 2028, month: 1, day: 1)!, end: FicheDate(year: 2028, month: 6, day: 1)!, status: .admin, startups: ["aide-cantine"])],
                                    github: "gnoiret2", role: "Data scientist")
        let after = try change.apply(to: before, id: "gustave.noiret")
        let (removed, added) = changedLines(before, after)
        #expect(removed == ["role: Data engineer\r", "github: gnoiret\r", "    end: 2028-06-12\r"])
        // `- aide-cantine` is on both sides of the new mission: compare as sets, the diff may align either way.
        #expect(added.count == 8)
        #expect(Set(added) == ["role: Data scientist\r", "github: gnoiret2\r", "    end: 2027-12-31\r", "  - start: 2028-01-01\r", "    end: 2028-06-01\r",
                          "    status: admin\r", "    startups:\r", "      - aide-cantine\r"] as Set)
        let text = String(decoding: after, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends CRLF")
        #expect(text.contains("role: Data scientist\r\n"))
        #expect(text.contains("github: gnoiret2\r\n"))
        #expect(text.contains("    end: 2027-12-31\r\n"))
        #expect(text.contains("      - aide-cantine\r\n  - start: 2028-01-01\r\n    end: 2028-06-01\r\n    status: admin\r\n    startups:\r\n      - aide-cantine\r\nmemberType: dinum\r\n"))
    }

    @Test func aBareGitHubGetsItsValueAfterTheColon() throws {
        let before = try fixture("sacha.vernier")
        let after = try ProposedChange(github: "svernier").apply(to: before, id: "sacha.vernier")
        #expect(changedLines(before, after) == (["github:"], ["github: svernier"]))
    }

    @Test func aMissingGitHubIsAddedAfterDomaine() throws {
        let before = try fixture("anatole.garrigue")
        let after = try ProposedChange(github: "agarrigue").apply(to: before, id: "anatole.garrigue")
        #expect(changedLines(before, after) == ([], ["github: agarrigue"]))
        #expect(String(decoding: after, as: UTF8.self).contains("domaine: Design\ngithub: agarrigue\nlink:"))
    }

    @Test func quotingStyleIsKept() throws {
        let before = try fixture("gaspard.fontaine")
        let after = try ProposedChange(github: "7654321").apply(to: before, id: "gaspard.fontaine")
        let (removed, added) = changedLines(before, after)
        #expect(removed.count == 1 && added.count == 1)
        #expect(added.first == removed.first?.replacingOccurrences(of: "1234567", with: "7654321"))
    }

    @Test func theLastLineWithoutLineEndAndTheBodyStayAsTheyAre() throws {
        for id in ["zelie.montfort", "aymeric.lestrade", "clovis.rambert", "margot.vasseur-lin", "irene.bonnefoy"] {
            let before = try fixture(id)
            let after = try ProposedChange(lastMissionEnd: newEnd).apply(to: before, id: id)
            let (removed, added) = changedLines(before, after)
            #expect(removed.count == 1 && added.count == 1 && added.first?.hasSuffix("end: 2027-12-31") == true, "\(id): \(removed) → \(added)")
        }
    }

    static let traps: [(name: String, text: String, change: ProposedChange, removed: [String], added: [String])] = [
        ("comments", """
        ---
        # Fiche de Jeanne
        fullname: Jeanne Dupont  # nom d'usage
        role: Développeuse # à jour
        domaine: Développement
        missions:
          # la première
          - start: 2024-01-01
            end: 2025-01-01 # fin prévue
            status: independent
        # fin
        ---
        Corps
        """, ProposedChange(lastMissionEnd: newEnd, role: "Lead dev"),
         ["role: Développeuse # à jour", "    end: 2025-01-01 # fin prévue"],
         ["role: Lead dev # à jour", "    end: 2027-12-31 # fin prévue"]),
        ("quoted dates", """
        ---
        fullname: Jeanne Dupont
        role: "Développeuse"
        domaine: Développement
        missions:
          - start: "2024-01-01"
            end: '2025-01-01'
            status: independent
        ---
        """, ProposedChange(lastMissionEnd: newEnd, role: "Lead: dev"),
         ["role: \"Développeuse\"", "    end: '2025-01-01'"],
         ["role: \"Lead: dev\"", "    end: 2027-12-31"]),
        ("flow lists", """
        ---
        fullname: Jeanne Dupont
        role: Dev
        domaine: Développement
        missions: [{start: 2024-01-01, end: 2025-01-01, status: admin, startups: [aides-jeunes]}]
        ---
        """, ProposedChange(newMissions: [NewMission(start: FicheDate(year: 2025, month: 2, day: 1)!, end: newEnd, status: .service, employer: "Octo, SA", startups: ["aides-jeunes"])]),
         ["missions: [{start: 2024-01-01, end: 2025-01-01, status: admin, startups: [aides-jeunes]}]"],
         ["missions: [{start: 2024-01-01, end: 2025-01-01, status: admin, startups: [aides-jeunes]}, {start: 2025-02-01, end: 2027-12-31, status: service, employer: \"Octo, SA\", startups: [aides-jeunes]}]"]),
        ("empty missions", """
        ---
        fullname: Jeanne Dupont
        role: Dev
        domaine: Développement
        missions: []
        memberType: beta
        ---
        """, ProposedChange(newMissions: [NewMission(start: FicheDate(year: 2025, month: 2, day: 1)!, end: newEnd, status: .admin)]),
         ["missions: []"], ["missions:", "  - start: 2025-02-01", "    end: 2027-12-31", "    status: admin"]),
        ("indentless list", """
        ---
        fullname: Jeanne Dupont
        role: Dev
        domaine: Développement
        missions:
        - start: 2024-01-01
          end: 2025-01-01
          status: admin
        memberType: beta
        ---
        """, ProposedChange(newMissions: [NewMission(start: FicheDate(year: 2025, month: 2, day: 1)!, end: newEnd, status: .admin)]),
         [], ["- start: 2025-02-01", "  end: 2027-12-31", "  status: admin"]),
        ("hostile role", """
        ---
        fullname: Jeanne Dupont
        role: Dev
        domaine: Développement
        missions: []
        ---
        """, ProposedChange(role: "x\n---\nadmin: true"), ["role: Dev"], ["role: \"x\\n---\\nadmin: true\""]),
    ]

    @Test(arguments: traps.indices)
    func everyTrapChangesOnlyItsLines(_ index: Int) throws {
        let trap = Self.traps[index]
        for (prefix, lineEnd) in [("", "\n"), ("\u{FEFF}", "\n"), ("", "\r\n")] {
            let before = Array((prefix + trap.text.replacingOccurrences(of: "\n", with: lineEnd)).utf8)
            let after = try trap.change.apply(to: before, id: "jeanne.dupont")
            let (removed, added) = changedLines(before, after)
            let strip = { (lines: [String]) in lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 } }
            #expect(strip(removed) == trap.removed, "\(trap.name) \(lineEnd == "\n" ? "LF" : "CRLF")")
            #expect(strip(added) == trap.added, "\(trap.name)")
        }
    }

    @Test func aFicheWithoutMissionsCannotBeExtended() {
        let text = Array("---\nfullname: A B\nrole: x\ndomaine: Design\nmissions: []\n---\n".utf8)
        #expect(throws: ChangeRefused(.noMissionToExtend, "the fiche has no mission with an end date to extend")) {
            try ProposedChange(lastMissionEnd: newEnd).apply(to: text, id: "a.b")
        }
        #expect { try ProposedChange(role: "x").apply(to: Array("pas de front matter".utf8), id: "a.b") } throws: {
            ($0 as? ChangeRefused)?.code == .unreadableFiche
        }
    }

    /// The proof the issue asks for: over every author fiche of a real-size generated corpus,
    /// extending the last mission changes exactly its `end` line and reads back as intended.
    /// Every author fiche of the real-size corpus: each one with a mission gets its last
    /// end moved, and exactly that line changes; read back, the fiche is the same fiche with
    /// that one date moved (every field and position equal). One without missions is refused.
    @Test func extendingEveryFicheOfARealSizeCorpusChangesOneLineEach() throws {
        let files = CorpusGenerator(authors: 3_500, seed: 7, today: FicheDate(year: 2026, month: 11, day: 25)!).files()
            .filter { $0.path.hasPrefix("content/_authors/") }
        #expect(files.count == 3_500)
        var extended = 0, refused = 0
        for file in files {
            let id = String(file.path.dropFirst("content/_authors/".count).dropLast(3))
            let location = FicheLocation(kind: .author, id: id)
            guard case .author(let author)? = FicheDecoder.decode(location, bytes: file.bytes).fiche else {
                Issue.record("\(id) does not read")
                continue
            }
            guard let last = author.endDate, let index = FicheTextEditor.lastMissionIndex(author.missions.map(\.end)) else {
                #expect(throws: ChangeRefused.self) { try ProposedChange(lastMissionEnd: newEnd).apply(to: file.bytes, id: id) }
                refused += 1
                continue
            }
            let end = last.adding(days: 365)
            let after = try ProposedChange(lastMissionEnd: end).apply(to: file.bytes, id: id)
            let (removed, added) = changedLines(file.bytes, after)
            #expect(removed.count == 1 && added.count == 1, "\(id): \(removed) → \(added)")
            #expect(removed.first?.contains("end: \(last)") == true && added.first == removed.first?.replacingOccurrences(of: "\(last)", with: "\(end)"), "\(id)")
            guard case .author(let edited)? = FicheDecoder.decode(location, bytes: after).fiche else {
                Issue.record("\(id) does not read back")
                continue
            }
            var expected = author
            expected.missions[index].end = end
            #expect(edited == expected, "\(id)")
            extended += 1
        }
        #expect(extended + refused == files.count)
        #expect(extended > 3_000, "the corpus has missions to extend")
    }

    /// Every author fiche of the fixtures, traps included (CRLF, quoted dates, flow lists,
    /// comments, tabs in quotes, trailing spaces): the extension, a new login and a new role
    /// each change only their line, and read back as intended.
    @Test func everyFixtureFicheTakesEachChangeOnItsLineOnly() throws {
        let folder = "\(Package.fixtures)/content/_authors"
        let ids = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.sorted()
        #expect(ids.count >= 100)
        var extended = 0
        for id in ids {
            let before = try fixture(id)
            let location = FicheLocation(kind: .author, id: id)
            guard case .author(let author)? = FicheDecoder.decode(location, bytes: before).fiche else { continue }
            if let index = FicheTextEditor.lastMissionIndex(author.missions.map(\.end)), let last = author.endDate {
                let end = last.adding(days: 400)
                let after = try ProposedChange(lastMissionEnd: end).apply(to: before, id: id)
                let (removed, added) = changedLines(before, after)
                #expect(removed.count == 1 && added.count == 1 && added.first?.contains("\(end)") == true, "\(id): \(removed) → \(added)")
                if case .author(let edited)? = FicheDecoder.decode(location, bytes: after).fiche {
                    var expected = author
                    expected.missions[index].end = end
                    #expect(edited == expected, "\(id)")
                } else {
                    Issue.record("\(id) does not read back after the extension")
                }
                extended += 1
            }
            for change in [ProposedChange(github: "nouveau-login"), ProposedChange(role: "Coach : agile & produit")] {
                let after = try change.apply(to: before, id: id)
                let (removed, added) = changedLines(before, after)
                #expect(removed.count <= 1 && added.count == 1, "\(id): \(removed) → \(added)")
                guard case .author(let edited)? = FicheDecoder.decode(location, bytes: after).fiche else {
                    Issue.record("\(id) does not read back after \(change)")
                    continue
                }
                if change.github != nil { #expect(edited.github?.value == "nouveau-login", "\(id)") }
                if change.role != nil { #expect(edited.role == "Coach : agile & produit", "\(id)") }
                #expect(edited.missions.map(\.end) == author.missions.map(\.end), "\(id)")
                #expect(edited.fullname.value == author.fullname.value, "\(id)")
            }
        }
        #expect(extended >= 100)
    }

    /// The mission that ends last is extended, wherever it is listed.
    @Test func theMissionThatEndsLastIsExtendedEvenWhenListedFirst() throws {
        let before = Array("""
        ---
        fullname: Ada Lovelace
        role: Développeuse
        missions:
          - start: 2024-01-01
            end: 2026-06-30
            status: independent
          - start: 2022-01-01
            end: 2023-06-30
            status: admin
        ---

        """.utf8)
        let after = try ProposedChange(lastMissionEnd: newEnd).apply(to: before, id: "ada.lovelace")
        #expect(changedLines(before, after) == (["    end: 2026-06-30"], ["    end: 2027-12-31"]))
    }
}

@Suite struct UnifiedDiffTests {
    @Test func anExtensionIsOneHunkOfOneLine() throws {
        let before = try fixture("anatole.garrigue")
        let after = try ProposedChange(lastMissionEnd: newEnd).apply(to: before, id: "anatole.garrigue")
        #expect(UnifiedDiff.of(before, after, path: "content/_authors/anatole.garrigue.md") == """
        --- a/content/_authors/anatole.garrigue.md
        +++ b/content/_authors/anatole.garrigue.md
        @@ -16,7 +16,7 @@
               - auxAJ
               - e-inspé
           - start: 2023-03-12
        -    end: 2023-12-18
        +    end: 2027-12-31
             status: service
             employer: Fabrique Nord-Est
             startups:

        """)
    }

    @Test func farApartChangesAreTwoHunksAndAMissingFinalBreakIsSaid() {
        let old = Array((1...20).map { "l\($0)" }.joined(separator: "\n").utf8)
        var lines = (1...20).map { "l\($0)" }
        lines[1] = "L2"
        lines[19] = "L20"
        let diff = UnifiedDiff.of(old, Array(lines.joined(separator: "\n").utf8), path: "f")
        #expect(diff.components(separatedBy: "@@ -").count == 3)
        #expect(diff.contains("@@ -1,5 +1,5 @@\n l1\n-l2\n+L2\n l3\n"))
        #expect(diff.hasSuffix("-l20\n\\ No newline at end of file\n+L20\n\\ No newline at end of file\n"))
        #expect(UnifiedDiff.of(old, old, path: "f") == "")
    }
}
