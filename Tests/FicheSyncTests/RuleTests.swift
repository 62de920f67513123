import Testing
import TestKit
@testable import FicheSync

/// One broken fiche per rule, on top of a valid tree: each must yield exactly the expected
/// diagnostic (rule, severity, file, line and column) and nothing else.
@Suite struct RuleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var files: [String: String]
        var expected: [Expected]
        var testDescription: String { name }
    }

    struct Expected: Equatable, Sendable, CustomStringConvertible {
        var path: String
        var line: Int
        var column: Int
        var severity: Diagnostic.Severity
        var rule: Rule
        var description: String { "\(path):\(line):\(column): \(severity.rawValue) [\(rule.rawValue)]" }
    }

    static func author(_ frontMatter: String, id: String = "marc.petit") -> [String: String] {
        ["content/_authors/\(id).md": "---\n\(frontMatter)---\nBody.\n"]
    }

    static func startup(_ frontMatter: String, id: String = "mon-projet") -> [String: String] {
        ["content/_startups/\(id).md": "---\n\(frontMatter)---\nBody.\n"]
    }

    static let head = "fullname: Marc Petit\nrole: Coach\ndomaine: Coaching\n"
    static let mission = "missions:\n  - start: 2024-01-01\n    end: 2025-01-01\n    status: admin\n"
    static let startupHead = "title: Mon projet\nmission: Aider\nincubator: incubateur-dinum\ncontact: a@b.fr\n"

    static func e(_ path: String, _ line: Int, _ column: Int, _ rule: Rule, _ severity: Diagnostic.Severity = .error) -> Expected {
        Expected(path: path, line: line, column: column, severity: severity, rule: rule)
    }

    static let a = "content/_authors/marc.petit.md"
    static let s = "content/_startups/mon-projet.md"

    static let cases: [Case] = [
        // Rule 1: file names.
        Case(name: "capitals in an author file name", files: author(head + mission, id: "Marc.Petit"),
             expected: [e("content/_authors/Marc.Petit.md", 1, 1, .authorFileName)]),
        Case(name: "no dot between the names", files: author(head + mission, id: "marcpetit"),
             expected: [e("content/_authors/marcpetit.md", 1, 1, .authorFileName)]),
        Case(name: "digit in an author file name", files: author(head + mission, id: "marc.petit2"),
             expected: [e("content/_authors/marc.petit2.md", 1, 1, .authorFileName)]),
        Case(name: "accent in an author file name", files: author(head + mission, id: "marc.pétit"),
             expected: [e("content/_authors/marc.pétit.md", 1, 1, .authorFileName)]),
        // Rule 2: front matter.
        Case(name: "no opening delimiter", files: [a: "fullname: Marc\n"], expected: [e(a, 1, 1, .frontMatter)]),
        Case(name: "front matter never closed", files: [a: "---\nfullname: Marc\nrole: Coach\n"],
             expected: [e(a, 4, 1, .frontMatter)]),
        Case(name: "YAML syntax error", files: author(head + "role: Coach: senior\n" + mission),
             expected: [e(a, 5, 12, .yamlSyntax)]),
        Case(name: "unclosed quote", files: author("fullname: \"Marc Petit\nrole: Coach\n"),
             expected: [e(a, 2, 11, .yamlSyntax)]),
        Case(name: "front matter is a list", files: author("- a\n- b\n"), expected: [e(a, 2, 1, .frontMatterMapping)]),
        Case(name: "nesting past the limit", files: author(head + mission + "deep: " + String(repeating: "[", count: 120) + String(repeating: "]", count: 120) + "\n"),
             expected: [e(a, 9, 106, .yamlLimits)]),
        Case(name: "a key written twice", files: author(head + "role: Dev\n" + mission),
             expected: [e(a, 5, 1, .duplicateKey, .warning)]),
        Case(name: "front matter is empty", files: author(""), expected: [e(a, 2, 1, .frontMatterMapping)]),
        // Rule 3: authors' keys and types.
        Case(name: "missing role", files: author("fullname: Marc Petit\ndomaine: Coaching\n" + mission),
             expected: [e(a, 2, 1, .requiredKey)]),
        Case(name: "empty fullname", files: author("fullname: ''\nrole: Coach\ndomaine: Coaching\n" + mission),
             expected: [e(a, 2, 11, .requiredKey)]),
        Case(name: "missing missions", files: author(head), expected: [e(a, 2, 1, .requiredKey)]),
        Case(name: "domaine outside the list", files: author("fullname: Marc Petit\nrole: Coach\ndomaine: Dev\n" + mission),
             expected: [e(a, 4, 10, .enumValue)]),
        Case(name: "github as a number", files: author(head + mission + "github: 1234\n"),
             expected: [e(a, 9, 9, .keyType)]),
        Case(name: "missions is not a list", files: author(head + "missions: soon\n"), expected: [e(a, 5, 11, .keyType)]),
        Case(name: "mission date as text", files: author(head + "missions:\n  - start: \"2024-01-01\"\n    end: 2025-01-01\n    status: admin\n"),
             expected: [e(a, 6, 12, .keyType)]),
        Case(name: "mission date not in the calendar", files: author(head + "missions:\n  - start: 2024-01-01\n    end: 2025-02-30\n    status: admin\n"),
             expected: [e(a, 7, 10, .keyType)]),
        Case(name: "mission without end", files: author(head + "missions:\n  - start: 2024-01-01\n    status: admin\n"),
             expected: [e(a, 6, 5, .requiredKey)]),
        Case(name: "badges not a list of text", files: author(head + mission + "badges: segur\n"),
             expected: [e(a, 9, 9, .keyType)]),
        Case(name: "end before start", files: author(head + "missions:\n  - start: 2024-01-01\n    end: 2023-01-01\n    status: admin\n"),
             expected: [e(a, 7, 10, .dateOrder)]),
        Case(name: "end on the start day", files: author(head + "missions:\n  - start: 2024-01-01\n    end: 2024-01-01\n    status: admin\n"),
             expected: [e(a, 7, 10, .dateOrder)]),
        // Rule 4: references and duplicates.
        Case(name: "mission names a missing startup",
             files: author(head + mission + "    startups:\n      - aides-jeunes\n      - nulle-part\n"),
             expected: [e(a, 11, 9, .unknownStartup)]),
        Case(name: "previously names a missing startup", files: author(head + mission + "previously: [nulle-part]\n"),
             expected: [e(a, 9, 14, .unknownStartup)]),
        Case(name: "legacy startups names a missing startup", files: author(head + mission + "startups:\n  - nulle-part\n"),
             expected: [e(a, 10, 5, .unknownStartup)]),
        Case(name: "startup listed twice", files: author(head + mission + "previously: [aides-jeunes, aides-jeunes]\n"),
             expected: [e(a, 9, 28, .duplicateValue)]),
        Case(name: "competence listed twice", files: author(head + mission + "competences:\n  - UX\n  - UX\n"),
             expected: [e(a, 11, 5, .duplicateValue)]),
        // Rule 5: startups.
        Case(name: "startup without contact", files: startup("title: Mon projet\nmission: Aider\nincubator: incubateur-dinum\n"),
             expected: [e(s, 2, 1, .requiredKey)]),
        Case(name: "sponsor that does not exist", files: startup(startupHead + "sponsors:\n  - /organisations/nulle-part\n"),
             expected: [e(s, 7, 5, .unknownOrganisation)]),
        Case(name: "sponsor listed twice is only a warning (not a CI rule)",
             files: startup(startupHead + "sponsors:\n  - /organisations/dinum\n  - /organisations/dinum\n"),
             expected: [e(s, 8, 5, .duplicateValue, .warning)]),
        // What the CI accepts must pass: no more errors than its rules.
        Case(name: "an empty mission status is a string", files: author(head + "missions:\n  - start: 2024-01-01\n    end: 2025-01-01\n    status: ''\n"),
             expected: []),
        Case(name: "a blank role is not empty", files: author("fullname: Marc Petit\nrole: ' '\ndomaine: Coaching\n" + mission),
             expected: []),
        Case(name: "competences of any type", files: author(head + mission + "competences:\n  - UX\n  - 3\n"), expected: []),
        Case(name: "a phase comment of any type",
             files: startup(startupHead + "phases:\n  - name: construction\n    start: 2020-01-01\n    comment: 12\n"), expected: []),
        Case(name: "sponsor without its prefix", files: startup(startupHead + "sponsors:\n  - dinum\n"),
             expected: [e(s, 7, 5, .unknownOrganisation)]),
        Case(name: "co-incubation with one incubator", files: startup(startupHead + "incubators:\n  - incubateur-dinum\n"),
             expected: [e(s, 7, 5, .coIncubation)]),
        Case(name: "co-incubation without the own incubator",
             files: startup(startupHead + "incubators:\n  - incubateur-sante\n  - incubateur-nulle-part\n"),
             expected: [e(s, 7, 5, .coIncubation), e(s, 8, 5, .coIncubation)]),
        Case(name: "phase names twice",
             files: startup(startupHead + "phases:\n  - name: construction\n    start: 2020-01-01\n  - name: construction\n    start: 2021-01-01\n"),
             expected: [e(s, 9, 5, .duplicateValue)]),
        Case(name: "phase ending before it starts",
             files: startup(startupHead + "phases:\n  - name: construction\n    start: 2021-01-01\n    end: 2020-01-01\n"),
             expected: [e(s, 9, 10, .dateOrder)]),
        Case(name: "event without a date", files: startup(startupHead + "events:\n  - name: launch\n"),
             expected: [e(s, 7, 5, .requiredKey)]),
        Case(name: "fast amount as text", files: startup(startupHead + "fast:\n  promotion: 3\n  montant: beaucoup\n"),
             expected: [e(s, 8, 12, .keyType)]),
        Case(name: "stats as text", files: startup(startupHead + "stats: 'oui'\n"), expected: [e(s, 6, 8, .keyType)]),
        Case(name: "techno not a list", files: startup(startupHead + "techno: Rails\n"), expected: [e(s, 6, 9, .keyType)]),
        // Warnings.
        Case(name: "startup's incubator has no file", files: startup("title: T\nmission: M\nincubator: ailleurs\ncontact: a@b.fr\n"),
             expected: [e(s, 4, 12, .unresolvedIncubator, .warning)]),
        Case(name: "team without a file", files: author(head + mission + "teams:\n  - /teams/fantome\n"),
             expected: [e(a, 10, 5, .unresolvedTeam, .warning)]),
        Case(name: "incubator owner without a file",
             files: ["content/_incubators/x.md": "---\ntitle: X\nowner: /organisations/fantome\n---\n"],
             expected: [e("content/_incubators/x.md", 3, 8, .unresolvedOwner, .warning)]),
        Case(name: "empty incubator owner", files: ["content/_incubators/x.md": "---\ntitle: X\nowner: ''\n---\n"],
             expected: [e("content/_incubators/x.md", 3, 8, .unresolvedOwner, .warning)]),
        Case(name: "team's incubator without a file", files: ["content/_teams/t.md": "---\nname: T\nincubator: fantome\n---\n"],
             expected: [e("content/_teams/t.md", 3, 12, .unresolvedIncubator, .warning)]),
        Case(name: "same fullname twice", files: author("fullname: Jeanne Dupont\nrole: Coach\ndomaine: Coaching\n" + mission),
             expected: [e(a, 2, 11, .duplicateFullname, .warning)]),
        Case(name: "github is not a login", files: author(head + mission + "github: marc_petit\n"),
             expected: [e(a, 9, 9, .githubLogin, .warning)]),
        Case(name: "mission ends more than 10 years ahead",
             files: author(head + "missions:\n  - start: 2024-01-01\n    end: 2036-11-26\n    status: admin\n"),
             expected: [e(a, 7, 10, .farFutureEnd, .warning)]),
        Case(name: "type problem in an organisation is only a warning",
             files: ["content/_organisations/o.md": "---\nname: [a, b]\n---\n"],
             expected: [e("content/_organisations/o.md", 2, 7, .keyType, .warning)]),
    ]

    @Test(arguments: cases)
    func ruleYieldsExactlyItsDiagnostic(_ c: Case) {
        let found = diagnostics(of: validTree.merging(c.files) { _, new in new }).map {
            Expected(path: $0.path, line: $0.line, column: $0.column, severity: $0.severity, rule: $0.rule)
        }
        #expect(found == c.expected)
    }

    @Test func theValidTreeIsClean() {
        #expect(diagnostics(of: validTree).isEmpty)
    }

    /// Every rule has at least one case above, so none is left untested — but
    /// `unreadable-file`, which needs entries on a disk or in git that are not files
    /// (folders, links, pipes): UnreadableEntryTests covers it.
    @Test func everyRuleIsCovered() {
        let covered = Set(Self.cases.flatMap { $0.expected.map(\.rule) })
        #expect(covered == Set(Rule.allCases).subtracting([.unreadableFile]))
    }

    @Test func messagesAreFormattedLikeACompiler() throws {
        let found = diagnostics(of: validTree.merging(Self.author(Self.head + Self.mission + "github: 1234\n")) { _, new in new })
        let diagnostic = try #require(found.first)
        #expect(diagnostic.formatted == "content/_authors/marc.petit.md:9:9: error: `github` must be text, not a number: write it in quotes (github: \"1234\") [key-type]")
    }

    @Test func tenYearsAheadExactlyIsFine() {
        let files = Self.author(Self.head + "missions:\n  - start: 2024-01-01\n    end: 2036-11-25\n    status: admin\n")
        #expect(diagnostics(of: validTree.merging(files) { _, new in new }).isEmpty)
    }

    @Test func aDateTimeCountsAsItsDay() {
        let files = Self.author(Self.head + "missions:\n  - start: 2024-01-01 09:00:00\n    end: 2025-01-01T18:00:00Z\n    status: admin\n")
        #expect(diagnostics(of: validTree.merging(files) { _, new in new }).isEmpty)
    }
}
