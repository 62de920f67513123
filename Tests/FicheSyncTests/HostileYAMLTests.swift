import Foundation
import Testing
@testable import FicheSync
import TestKit

/// Front matters a hostile or careless contributor writes: they are refused or read as
/// PyYAML reads them, quickly, with the line to edit — never a crash, a hang or gigabytes.
@Suite struct HostileYAMLTests {
    static let path = "content/_authors/marc.petit.md"
    static let valid = RuleTests.head + RuleTests.mission

    static func decode(_ frontMatter: String, keepFrontMatter: Bool = false) -> FicheDecoder.Result {
        decode(bytes: Array("---\n\(frontMatter)---\nBody.\n".utf8), keepFrontMatter: keepFrontMatter)
    }

    static func decode(bytes: [UInt8], keepFrontMatter: Bool = false) -> FicheDecoder.Result {
        FicheDecoder.decode(FicheLocation(path: path)!, bytes: bytes, keepFrontMatter: keepFrontMatter)
    }

    // MARK: 1, 2: bounded work

    @Test func anAliasBombIsRefusedWhereItExplodes() throws {
        let result = Self.decode(Self.valid + HostileFiches.aliasBomb(levels: 10))
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(result.fiche == nil)
        #expect(diagnostic.rule == .yamlLimits)
        #expect(diagnostic.severity == .error)
        // a1…a3 expand to 90 + 819 + 7,380 values; the first alias of a4 (7,381 values) goes
        // past 10,000: line 1 (---) + 7 fiche lines + a0…a3 = line 13, at `*a3`.
        #expect(diagnostic.line == 13 && diagnostic.column == 10)
        #expect(diagnostic.message.contains("10000"))
    }

    @Test func aliasesWithinTheBudgetAreRead() throws {
        let result = Self.decode(Self.valid + HostileFiches.aliasBomb(levels: 3), keepFrontMatter: true)
        #expect(result.diagnostics.isEmpty)
        guard case .mapping(let pairs)? = result.frontMatter, let a2 = pairs.first(where: { $0.0 == "a2" })?.1,
              case .list(let items) = a2, case .list(let inner) = items[0] else {
            Issue.record("a2 is not a list of lists"); return
        }
        #expect(items.count == 9 && inner.count == 9)
    }

    @Test(arguments: [40_000, 20_000, 101])
    func deepNestingIsRefusedAtTheLevelPastTheLimit(_ levels: Int) throws {
        let result = Self.decode(Self.valid + HostileFiches.deep(levels))
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.rule == .yamlLimits)
        // The root mapping is level 1: the 100th `[` (column 6 + 100) is level 101.
        #expect(diagnostic.line == 9 && diagnostic.column == 106)
    }

    @Test func oneHundredLevelsAreRead() {
        #expect(Self.decode(Self.valid + HostileFiches.deep(99)).diagnostics.isEmpty)
    }

    @Test func anAliasCannotNestPastTheLimit() throws {
        let nested = "base: &b " + String(repeating: "[", count: 60) + "1" + String(repeating: "]", count: 60) + "\n"
            + "more: " + String(repeating: "[", count: 45) + "*b" + String(repeating: "]", count: 45) + "\n"
        let diagnostic = try #require(Self.decode(Self.valid + nested).diagnostics.first)
        #expect(diagnostic.rule == .yamlLimits)
        #expect(diagnostic.line == 10 && diagnostic.column == 52)
    }

    // MARK: 4: positions with non-ASCII text

    struct PositionCase: Sendable, CustomTestStringConvertible {
        var name: String
        var frontMatter: String
        var line: Int
        var column: Int
        var messageHas: String
        var testDescription: String { name }
    }

    /// Each error kind twice: with ASCII text only and with accents before the error.
    static let positionCases: [PositionCase] = ["Developpement", "Développement — équipe"].flatMap { domaine in
        let head = "fullname: Marc Petit\nrole: Coach\ndomaine: \(domaine)\n"
        let accented = domaine != "Developpement"
        return [
            PositionCase(name: "unclosed double quote (accents: \(accented))",
                         frontMatter: head + "bio: \"une phrase\nlink: https://x.fr\nmissions: []\n",
                         line: 5, column: 6, messageHas: "quoted scalar"),
            PositionCase(name: "unclosed single quote (accents: \(accented))",
                         frontMatter: head + "bio: 'une phrase\nlink: https://x.fr\n",
                         line: 5, column: 6, messageHas: "quoted scalar"),
            PositionCase(name: "unclosed [ mid-file (accents: \(accented))",
                         frontMatter: head + "competences: [a, b\nlink: https://x.fr\nmissions: []\n",
                         line: 5, column: 14, messageHas: "flow sequence"),
            PositionCase(name: "unclosed { mid-file (accents: \(accented))",
                         frontMatter: head + "extra: {a: b\nlink: https://x.fr\n",
                         line: 5, column: 8, messageHas: "flow mapping"),
            PositionCase(name: "a key without its colon (accents: \(accented))",
                         frontMatter: head + "role Développeur\nlink: https://x.fr\n",
                         line: 5, column: 1, messageHas: "simple key"),
            PositionCase(name: "colon in a plain value (accents: \(accented))",
                         frontMatter: head + "role: Coach: senior\n",
                         line: 5, column: 12, messageHas: "quotes"),
            PositionCase(name: "bad indentation (accents: \(accented))",
                         frontMatter: head + "missions:\n  - start: 2024-01-01\n   end: 2025-01-01\n",
                         line: 7, column: 4, messageHas: "indentation"),
            PositionCase(name: "tab indentation (accents: \(accented))",
                         frontMatter: head + "missions:\n\t- start: 2024-01-01\n",
                         line: 6, column: 1, messageHas: "tabs"),
        ]
    }

    @Test(arguments: positionCases)
    func syntaxErrorsPointAtTheLineToEdit(_ c: PositionCase) throws {
        let diagnostic = try #require(Self.decode(c.frontMatter).diagnostics.first)
        #expect(diagnostic.rule == .yamlSyntax)
        #expect(diagnostic.line == c.line, "\(diagnostic.formatted)")
        #expect(diagnostic.column == c.column, "\(diagnostic.formatted)")
        #expect(diagnostic.message.contains(c.messageHas), "\(diagnostic.formatted)")
    }

    @Test func anUnclosedQuoteSaysWhereTheParserGaveUp() throws {
        let diagnostic = try #require(Self.decode("fullname: \"Zoé\nrole: Coach\ndomaine: Développement\n").diagnostics.first)
        #expect(diagnostic.line == 2 && diagnostic.column == 11)
        #expect(diagnostic.message.contains("gave up on line"))
    }

    @Test(arguments: ["ab", "éé"])
    func aBadUTF8ByteIsReportedOnItsCharacter(_ prefix: String) throws {
        // `role: <two characters>` then a lead byte whose next byte is not a continuation: column 9.
        var bytes = Array("---\nfullname: Marc\nrole: \(prefix)".utf8)
        bytes += [0xC3, 0x28] + Array(" x\n---\n".utf8)
        let diagnostic = try #require(Self.decode(bytes: bytes).diagnostics.first)
        #expect(diagnostic.rule == .yamlSyntax)
        #expect(diagnostic.line == 3 && diagnostic.column == 9, "\(diagnostic.formatted)")
        #expect(diagnostic.message.contains("UTF-8"))
    }

    @Test func aBadLeadingByteAfterAccentsIsReportedOnItsColumn() throws {
        var bytes = Array("---\nfullname: Marc\nrole: éé".utf8)
        bytes += [0xFF] + Array("\n---\n".utf8)
        let diagnostic = try #require(Self.decode(bytes: bytes).diagnostics.first)
        #expect(diagnostic.line == 3 && diagnostic.column == 9, "\(diagnostic.formatted)")
    }

    // MARK: 9: messages that say what is wrong

    @Test func aCROnlyFileIsToldAboutItsLineEnds() throws {
        let text = "---\r" + (Self.valid).replacingOccurrences(of: "\n", with: "\r") + "---\rBody.\r"
        let diagnostic = try #require(Self.decode(bytes: Array(text.utf8)).diagnostics.first)
        #expect(diagnostic.rule == .frontMatter)
        #expect(diagnostic.message.contains("CR only"))
    }

    @Test func aByteOrderMarkMidFileIsNamed() throws {
        let text = "fullname: Marc Petit\nrole: Coach\n  \u{FEFF}domaine: Coaching\n" + RuleTests.mission
        let result = Self.decode(text)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.rule == .yamlSyntax)
        #expect(diagnostic.line == 4 && diagnostic.column == 3, "\(diagnostic.formatted)")
        #expect(diagnostic.message.contains("byte-order mark"))
    }

    // MARK: 10: read as PyYAML reads

    @Test func mergeKeysAreMergedAndOwnKeysWin() throws {
        let text = """
        base: &base
          fullname: Marc Petit
          role: Coach
          domaine: Animation
        <<: *base
        domaine: Coaching

        """ + RuleTests.mission
        let result = Self.decode(text, keepFrontMatter: true)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.formatted))")
        guard case .author(let author)? = result.fiche else { Issue.record("not an author"); return }
        #expect(author.fullname.value == "Marc Petit")
        #expect(author.domaine?.rawValue == "Coaching")
        guard case .mapping(let pairs)? = result.frontMatter else { Issue.record("no mapping"); return }
        // PyYAML's order: the merged keys, then the mapping's own.
        #expect(pairs.map(\.0) == ["fullname", "role", "domaine", "base", "missions"])
    }

    @Test func aListOfMergesGivesTheFirstPrecedence() throws {
        let text = "a: &a {role: Coach}\nb: &b {role: Dev, domaine: Coaching}\n<<: [*a, *b]\nfullname: Marc Petit\n" + RuleTests.mission
        guard case .author(let author)? = Self.decode(text).fiche else { Issue.record("not an author"); return }
        #expect(author.role == "Coach")
        #expect(author.domaine?.rawValue == "Coaching")
    }

    @Test func mergingAScalarIsRefused() throws {
        let diagnostic = try #require(Self.decode(Self.valid + "<<: 3\n").diagnostics.first)
        #expect(diagnostic.rule == .yamlSyntax)
        #expect(diagnostic.line == 9 && diagnostic.column == 5)
    }

    @Test func anUndefinedAliasIsAnError() throws {
        let diagnostic = try #require(Self.decode(Self.valid + "bio: *nulle part\n").diagnostics.first)
        #expect(diagnostic.rule == .yamlSyntax)
        #expect(diagnostic.line == 9 && diagnostic.column == 6)
        #expect(diagnostic.message.contains("undefined alias"))
    }

    @Test(arguments: [
        ("99999999999999999999999999999", "99999999999999999999999999999"),
        ("-99_999_999_999_999_999_999", "-99999999999999999999"),
        ("0xFFFFFFFFFFFFFFFFFF", "4722366482869645213695"),
        ("0777777777777777777777777", "4722366482869645213695"),
        ("1:0:0:0:0:0:0:0:0:0:0:0", "36279705600000000000"),
        ("9223372036854775807", "9223372036854775807"),
    ])
    func bigIntegersAreKeptExactly(_ yaml: String, _ json: String) throws {
        let result = Self.decode(Self.valid + "big: \(yaml)\n", keepFrontMatter: true)
        #expect(result.diagnostics.isEmpty)
        guard case .mapping(let pairs)? = result.frontMatter else { Issue.record("no mapping"); return }
        #expect(pairs.last?.1.json == json)
    }

    // MARK: 11: duplicate keys

    @Test func aDuplicateKeyIsAWarningAtTheSecondAndTheLastWins() throws {
        let text = "fullname: Marc Petit\nrole: Coach\nrole: Développeur\ndomaine: Coaching\n" + RuleTests.mission
        let result = Self.decode(text)
        #expect(result.diagnostics.map(\.rule) == [.duplicateKey])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.line == 4 && diagnostic.column == 1)
        #expect(diagnostic.message.contains("line 3"))
        guard case .author(let author)? = result.fiche else { Issue.record("not an author"); return }
        #expect(author.role == "Développeur")
    }

    @Test func duplicateKeysInsideAMissionAreFound() throws {
        let text = RuleTests.head + "missions:\n  - start: 2024-01-01\n    end: 2025-01-01\n    end: 2025-06-01\n    status: admin\n"
        let result = Self.decode(text)
        #expect(result.diagnostics.map(\.rule) == [.duplicateKey])
        #expect(result.diagnostics.first?.line == 8)
    }
}
