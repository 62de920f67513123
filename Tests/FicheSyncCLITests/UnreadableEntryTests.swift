import Foundation
import Testing
import TestKit
@testable import FicheSync
#if canImport(Glibc)
import Glibc
#endif

/// Entries named like fiches that are not regular files: a folder, links (outside the
/// repository, dangling, a loop), a named pipe, a name that is not UTF-8. Each is one
/// `unreadable-file` error naming its path; nothing hangs, aborts, or reads outside the
/// repository, and the folder and the git readings agree.
@Suite struct UnreadableEntryTests {
    static let folderLine = "content/_authors/marie.dossier.md:1:1: error: a folder is named like a fiche: only regular files are read — rename or move it [unreadable-file]"
    static let outsideLine = "content/_authors/paul.lien.md:1:1: error: this fiche is a symbolic link to `../../../outside.md`, outside the repository: it is not followed — put the fiche itself here [unreadable-file]"
    static let absoluteLine = "content/_authors/rose.passwd.md:1:1: error: this fiche is a symbolic link to `/etc/passwd`, outside the repository: it is not followed — put the fiche itself here [unreadable-file]"
    static let loopLine = "content/_authors/jean.boucle.md:1:1: error: this fiche is a symbolic link to `jean.boucle.md`: links are not followed — put the fiche itself here, not a link [unreadable-file]"
    static let danglingLine = "content/_authors/anne.absente.md:1:1: error: this fiche is a symbolic link to `../_authors/personne.md`: links are not followed — put the fiche itself here, not a link [unreadable-file]"
    static let pipeLine = "content/_authors/a.b.md:1:1: error: a named pipe is named like a fiche: only regular files are read — remove it [unreadable-file]"
    static let nameLine = "content/_authors/caf\u{FFFD}.x.md:1:1: error: the file name is not valid UTF-8 (shown with �): rename the file [unreadable-file]"

    /// A valid author fiche, kept outside the repository: a link to it must not bring it in.
    static let outsideFiche = """
        ---
        fullname: Paul Lien
        role: Coach
        domaine: Coaching
        missions:
          - start: 2024-01-01
            end: 2027-01-01
            status: admin
        ---

        """

    /// `validTree` in `base/repo`, `base/outside.md`, and the odd entries next to its fiches
    /// (the named pipe only with `pipe`: git cannot hold one).
    static func makeTree(in base: TemporaryDirectory, pipe: Bool) throws -> String {
        let repo = base.sub("repo")
        try base.write(["outside.md": outsideFiche])
        try base.write(validTree.mapKeys { "repo/\($0)" })
        let authors = repo + "/content/_authors"
        try base.write(["repo/content/_authors/marie.dossier.md/notes.txt": "a folder, not a fiche"])
        try FileManager.default.createSymbolicLink(atPath: authors + "/paul.lien.md", withDestinationPath: "../../../outside.md")
        try FileManager.default.createSymbolicLink(atPath: authors + "/rose.passwd.md", withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: authors + "/jean.boucle.md", withDestinationPath: "jean.boucle.md")
        try FileManager.default.createSymbolicLink(atPath: authors + "/anne.absente.md", withDestinationPath: "../_authors/personne.md")
        if pipe { #expect(mkfifo(authors + "/a.b.md", 0o644) == 0) }
        // "café.x.md" in Latin-1: not UTF-8.
        let name = Array((authors + "/caf").utf8) + [0xE9] + Array(".x.md".utf8) + [0]
        let fd = name.withUnsafeBufferPointer { pointer in
            pointer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: name.count) { open($0, O_WRONLY | O_CREAT, 0o644) }
        }
        #expect(fd >= 0)
        write(fd, outsideFiche, outsideFiche.utf8.count)
        close(fd)
        return repo
    }

    static func git(_ arguments: [String], in directory: String) async throws {
        let outcome = try await Tool.run("/usr/bin/env", ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"] + arguments,
                                         workingDirectory: directory)
        #expect(outcome.status == 0, "git \(arguments): \(outcome.output)")
    }

    /// From the disk: one error line per odd entry, the other fiches checked, nothing read
    /// through a link, and a named pipe does not make the check wait for a writer forever.
    @Test func folderCheckReportsEachOddEntryAndGoesOn() async throws {
        let base = try TemporaryDirectory()
        let repo = try Self.makeTree(in: base, pipe: true)
        let run = try await CLI.run(["check", repo], timeout: 30)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "")
        let lines = run.stdoutLines
        for expected in [Self.folderLine, Self.outsideLine, Self.absoluteLine, Self.loopLine, Self.danglingLine, Self.pipeLine, Self.nameLine] {
            #expect(lines.contains(expected), "\(expected)\n\(run.stdout)")
        }
        // The six files of validTree and the six odd entries named as fiches; only those errors.
        #expect(lines.last == "12 fiches checked, 7 errors, 0 warnings", "\(run.stdout)")
    }

    /// The same tree committed: git holds links as blobs of their text and folders as trees;
    /// neither is read as a fiche, with the same lines as from the disk.
    @Test func gitCheckAgreesWithTheFolder() async throws {
        let base = try TemporaryDirectory()
        let repo = try Self.makeTree(in: base, pipe: false)
        try await Self.git(["init", "-q"], in: repo)
        try await Self.git(["add", "-A"], in: repo)
        try await Self.git(["commit", "-q", "-m", "odd entries"], in: repo)
        let fromGit = try await CLI.run(["check", repo, "--rev", "HEAD"])
        let fromFolder = try await CLI.run(["check", repo])
        #expect(fromGit.status == 1, "\(fromGit.stdout)\(fromGit.stderr)")
        for expected in [Self.folderLine, Self.outsideLine, Self.absoluteLine, Self.loopLine, Self.danglingLine, Self.nameLine] {
            #expect(fromGit.stdoutLines.contains(expected), "\(expected)\n\(fromGit.stdout)")
        }
        #expect(fromGit.stdoutLines == fromFolder.stdoutLines)
    }

    /// `sync` of a folder whose link leads to a valid fiche outside it: not synced (it used
    /// to load the outside file into the database), the lines say why.
    @Test func folderSyncRefusesOddEntries() async throws {
        let base = try TemporaryDirectory()
        let repo = base.sub("repo")
        try base.write(["outside.md": Self.outsideFiche])
        try base.write(validTree.mapKeys { "repo/\($0)" })
        try FileManager.default.createSymbolicLink(atPath: repo + "/content/_authors/paul.lien.md", withDestinationPath: "../../../outside.md")
        let run = try await CLI.run(["sync", repo], home: base, environment: ["DATABASE_URL": nil])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdoutLines.first == Self.outsideLine, "\(run.stdout)")
        #expect(run.stdout.contains("not synced"), "\(run.stdout)")
    }

    /// Incremental and full syncs of git commits refuse the same odd entries: a folder named
    /// like a fiche (a diff shows only the files inside it) and a link.
    @Test func gitSyncRefusesOddEntriesIncrementallyToo() async throws {
        let base = try TemporaryDirectory()
        let repo = base.sub("repo")
        try base.write(validTree.mapKeys { "repo/\($0)" })
        try await Self.git(["init", "-q"], in: repo)
        try await Self.git(["add", "-A"], in: repo)
        try await Self.git(["commit", "-q", "-m", "good"], in: repo)
        let repository = try GitRepository(at: repo)
        let good = try repository.commit(for: "HEAD")
        try base.write(["repo/content/_authors/marie.dossier.md/notes.txt": "a folder, not a fiche"])
        try FileManager.default.createSymbolicLink(atPath: repo + "/content/_authors/rose.passwd.md", withDestinationPath: "/etc/passwd")
        try await Self.git(["add", "-A"], in: repo)
        try await Self.git(["commit", "-q", "-m", "odd"], in: repo)
        let odd = try repository.commit(for: "HEAD")

        try await TestDatabase.with { databases in
            let sync = CatalogSync(database: databases[0], today: FicheDate(year: 2026, month: 11, day: 25)!, logger: TestDatabase.logger)
            _ = try await sync.sync(repositoryPath: repository.path, commit: good, source: repo)
            for full in [false, true] {
                let error = await #expect(throws: SyncRefused.self) {
                    try await sync.sync(repositoryPath: repository.path, commit: odd, source: repo, options: .init(full: full))
                }
                let lines = error?.diagnostics.map(\.formatted) ?? []
                #expect(lines == [Self.folderLine, Self.absoluteLine], "full: \(full)")
            }
        }
    }

    /// Lexical reading of a link's text, the same in both modes.
    @Test(arguments: [
        ("x.md", false), ("../_startups/y.md", false), ("../../content/_authors/y.md", false), ("./a/../b.md", false),
        ("../../../y.md", true), ("/etc/passwd", true), ("a/../../../../y", true),
    ])
    func linkLeadsOutside(target: String, outside: Bool) {
        #expect(UnreadableEntry.leadsOutside(target, from: "content/_authors/x.md") == outside)
    }
}

extension Dictionary where Key == String {
    func mapKeys(_ transform: (String) -> String) -> [String: Value] {
        Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
