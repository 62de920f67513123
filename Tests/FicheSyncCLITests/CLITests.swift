import Foundation
import Testing
import TestKit
@testable import FicheSync

/// The real `fichesync` binary, run as a subprocess: exit statuses, output formats, sources.
@Suite struct CLITests {
    static let fixtureSummary = "224 fiches checked, 0 errors, 8 warnings"

    /// `validTree` plus an author whose mission ends before it starts (an error) and whose
    /// `github` is not a login (a warning).
    static let brokenTree: [String: String] = validTree.merging([
        "content/_authors/paul.martin.md": """
        ---
        fullname: Paul Martin
        role: Développeur
        domaine: Développement
        github: bad_login
        missions:
          - start: 2024-05-01
            end: 2024-01-01
            status: independent
            startups:
              - aides-jeunes
        ---

        """,
    ]) { a, _ in a }

    static let brokenError = "content/_authors/paul.martin.md:8:10: error: `missions[0].end` (2024-01-01) must be after its start (2024-05-01) [date-order]"

    // MARK: check on a folder

    /// The bundled fixtures check clean: status 0, the eight warnings, nothing on stderr.
    @Test func fixturesCheckWithoutErrors() async throws {
        let run = try await CLI.run(["check", Package.fixtures])
        #expect(run.status == 0)
        #expect(run.stdoutLines.last == Self.fixtureSummary)
        #expect(run.stdoutLines.count { $0.contains(": warning: ") } == 8)
        #expect(run.stderr == "")
    }

    /// One broken fiche: status 1 and its compiler-style `path:line:col: error: message [rule]` line.
    @Test func brokenFicheExitsOneWithItsLine() async throws {
        let tree = try TemporaryDirectory()
        try tree.write(Self.brokenTree)
        let run = try await CLI.run(["check", tree.path])
        #expect(run.status == 1)
        #expect(run.stdoutLines.contains(Self.brokenError), "\(run.stdout)")
        #expect(run.stdoutLines.last == "7 fiches checked, 1 errors, 1 warnings")
        #expect(run.stdoutLines.contains { $0.hasPrefix("content/_authors/paul.martin.md:5:9: warning: ") && $0.hasSuffix(" [github-login]") })
    }

    /// `check SOURCE [--format F]` is read without ArgumentParser (`PlainCheckCommandLine`):
    /// it must answer exactly as ArgumentParser's reading of the same command does — reached
    /// here through `--`, which the plain reading leaves to ArgumentParser.
    @Test(arguments: [[], ["--format", "json"], ["--format=github"]])
    func plainCommandLineAnswersAsArgumentParserDoes(format: [String]) async throws {
        let tree = try TemporaryDirectory()
        try tree.write(Self.brokenTree)
        for source in [tree.path, tree.sub("no-such-folder")] {
            let plain = try await CLI.run(["check", source] + format)
            let parsed = try await CLI.run(["check"] + format + ["--", source])
            #expect(plain.status == (source == tree.path ? 1 : 2))
            #expect(plain.status == parsed.status)
            #expect(plain.stdout == parsed.stdout)
            #expect(plain.stderr == parsed.stderr)
        }
    }

    // MARK: sources that cannot be read, bad command lines

    /// A path that does not exist: status 2, one `fichesync: error:` line, nothing on stdout.
    @Test func missingPathExitsTwo() async throws {
        let tmp = try TemporaryDirectory()
        let run = try await CLI.run(["check", tmp.sub("no-such-folder")])
        run.expectOneErrorLine(containing: "no such file or directory")
    }

    /// A folder the user cannot read exits 2 (skipped as root, who reads everything).
    @Test(.enabled(if: getuid() != 0, "root can read a mode-000 folder"))
    func unreadableFolderExitsTwo() async throws {
        let tmp = try TemporaryDirectory()
        let locked = tmp.sub("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: locked)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked) }
        let run = try await CLI.run(["check", locked])
        run.expectOneErrorLine(containing: "permission denied")
    }

    /// A regular file where a folder is expected exits 2.
    @Test func filePathExitsTwo() async throws {
        let tmp = try TemporaryDirectory()
        try tmp.write(["notes.md": "not a folder"])
        let run = try await CLI.run(["check", tmp.sub("notes.md")])
        run.expectOneErrorLine(containing: "not a directory")
    }

    /// A folder with neither content/ nor a git repository exits 2.
    @Test func folderWithoutContentOrGitExitsTwo() async throws {
        let tmp = try TemporaryDirectory()
        try tmp.write(["README.md": "nothing to check"])
        let run = try await CLI.run(["check", tmp.path])
        run.expectOneErrorLine(containing: "holds no content/ folder and is not a git repository")
    }

    /// Command-line mistakes exit 2 (not ArgumentParser's 64) with one `fichesync: error:`
    /// line saying what is wrong and where the usage is (not ArgumentParser's usage and hint).
    @Test(arguments: [
        (["check", "--bogus"], "unknown option '--bogus'", "check"),
        (["check", "--format", "xml", "."], "'xml'", "check"),
        (["frobnicate"], "frobnicate", nil),
        (["member"], "missing expected argument '<id>'", "member"),
        (["members", "--active", "--expired"], "--active and --expired exclude each other", "members"),
    ])
    func usageErrorsPrintOneLineAndExitTwo(arguments: [String], message: String, command: String?) async throws {
        let run = try await CLI.run(arguments)
        run.expectOneErrorLine(containing: message)
        #expect(run.stderr.hasSuffix(" — see `fichesync\(command.map { " " + $0 } ?? "") --help`\n"), "\(run.stderr)")
    }

    /// An unreachable URL exits 2 with one line naming it, and leaves no half-made mirror behind.
    @Test func unreachableURLExitsTwo() async throws {
        let home = try TemporaryDirectory()
        let url = "file:///nonexistent/repo.git"
        let run = try await CLI.run(["check", url], home: home)
        run.expectOneErrorLine(containing: url)
        let mirrors = ((try? FileManager.default.contentsOfDirectory(atPath: home.sub("repositories"))) ?? []).filter { !$0.hasPrefix(".") }
        #expect(mirrors == [])
    }

    // MARK: output formats

    /// `--format json` is one document with the documented keys, on every diagnostic too.
    @Test func jsonOutputHasTheDocumentedKeys() async throws {
        let run = try await CLI.run(["check", Package.fixtures, "--format", "json"])
        #expect(run.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(Set(document.keys).isSuperset(of: ["version", "source", "fiches", "errors", "warnings", "diagnostics"]))
        #expect(document["commit"] is NSNull)
        #expect(document["version"] as? Int == 1)
        #expect(document["source"] as? String == Package.fixtures)
        #expect(document["fiches"] as? Int == 224)
        #expect(document["errors"] as? Int == 0)
        #expect(document["warnings"] as? Int == 8)
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 8)
        for diagnostic in diagnostics {
            #expect(Set(diagnostic.keys) == ["path", "line", "column", "severity", "rule", "message"])
            #expect((diagnostic["path"] as? String)?.hasPrefix("content/_") == true)
            #expect((diagnostic["line"] as? Int ?? 0) >= 1)
            #expect((diagnostic["column"] as? Int ?? 0) >= 1)
            #expect(diagnostic["severity"] as? String == "warning")
            #expect(Rule(rawValue: diagnostic["rule"] as? String ?? "") != nil)
            #expect((diagnostic["message"] as? String)?.isEmpty == false)
        }
    }

    /// From a git repository, the JSON document names the commit read.
    @Test func jsonOutputNamesTheCommitOfARepository() async throws {
        let tmp = try TemporaryDirectory()
        let commit = try CorpusWriter.commit(Self.fixtureFiles(), toNewBareRepository: tmp.sub("content.git"))
        let run = try await CLI.run(["check", tmp.sub("content.git"), "--format", "json"])
        #expect(run.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["commit"] as? String == commit.description)
        #expect(document["fiches"] as? Int == 224)
    }

    /// `--format github` prints one workflow command per problem, escaped as actions/toolkit does.
    @Test func githubOutputAnnotatesEachLine() async throws {
        let tree = try TemporaryDirectory()
        try tree.write(Self.brokenTree)
        let run = try await CLI.run(["check", tree.path, "--format", "github"])
        #expect(run.status == 1)
        #expect(run.stdoutLines.contains(
            "::error file=content/_authors/paul.martin.md,line=8,col=10,title=fichesync%3A date-order::`missions[0].end` (2024-01-01) must be after its start (2024-05-01)"
        ), "\(run.stdout)")
        #expect(run.stdoutLines.contains {
            $0.hasPrefix("::warning file=content/_authors/paul.martin.md,line=5,col=9,title=fichesync%3A github-login::\"bad_login\" ")
        })
        #expect(run.stdoutLines.count == 3)
        #expect(run.stdoutLines.last == "7 fiches checked, 1 errors, 1 warnings")

        let fixtures = try await CLI.run(["check", Package.fixtures, "--format", "github"])
        #expect(fixtures.status == 0)
        let annotations = fixtures.stdoutLines.dropLast()
        #expect(annotations.count == 8)
        #expect(annotations.allSatisfy { $0.hasPrefix("::warning file=content/_") && $0.contains(",title=fichesync%3A ") })
        #expect(fixtures.stdoutLines.last == Self.fixtureSummary)
    }

    // MARK: generated corpora and git sources

    /// A generated tree and the bare repository it is committed to check alike, without errors.
    @Test func generatedTreeAndBareRepositoryAgree() async throws {
        let tmp = try TemporaryDirectory()
        let tree = tmp.sub("corpus")
        let generate = try await CLI.run(["generate", tree, "--authors", "200", "--bare", tree + ".git"])
        #expect(generate.status == 0, "\(generate.stderr)")
        #expect(generate.stdout.hasPrefix("wrote "))

        let fromFolder = try await CLI.run(["check", tree])
        let fromRepository = try await CLI.run(["check", tree + ".git"])
        #expect(fromFolder.status == 0)
        #expect(fromRepository.status == 0)
        let summary = try #require(fromFolder.stdoutLines.last)
        #expect(summary.hasSuffix(" fiches checked, 0 errors, 0 warnings"), "\(fromFolder.stdout)")
        #expect(fromRepository.stdoutLines.last == summary)
        // `generate` reports as many fiches as `check` reads.
        let written = generate.stdout.split(separator: " ").dropFirst().first.map(String.init)
        #expect(summary.hasPrefix("\(written ?? "?") fiches checked"))
    }

    /// A `file://` URL is mirrored under $FICHESYNC_HOME/repositories once, then only fetched.
    @Test func fileURLIsMirroredThenReused() async throws {
        let tmp = try TemporaryDirectory()
        let home = try TemporaryDirectory()
        let upstream = tmp.sub("upstream.git")
        try CorpusWriter.commit(Self.fixtureFiles(), toNewBareRepository: upstream)
        let url = "file://" + upstream

        let first = try await CLI.run(["check", url], home: home)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdoutLines.last == Self.fixtureSummary)
        let mirrors = try FileManager.default.contentsOfDirectory(atPath: home.sub("repositories")).filter { !$0.hasPrefix(".") }
        #expect(mirrors.count == 1)
        #expect(mirrors.allSatisfy { $0.hasSuffix(".git") }, "\(mirrors)")

        let second = try await CLI.run(["check", url], home: home)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdoutLines.last == first.stdoutLines.last)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.sub("repositories")).filter { !$0.hasPrefix(".") } == mirrors)
    }

    /// The fixture fiches as they would be committed.
    static func fixtureFiles() throws -> [GitRepository.FileWrite] {
        let root = Package.fixtures
        var files: [GitRepository.FileWrite] = []
        for kind in FicheKind.allCases {
            for name in try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(kind.directory)") {
                let path = "\(kind.directory)/\(name)"
                files.append(.init(path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(path)")))))
            }
        }
        return files
    }
}
