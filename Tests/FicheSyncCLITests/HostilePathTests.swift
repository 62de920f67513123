import Foundation
import Testing
import TestKit
@testable import FicheSync
#if canImport(Glibc)
import Glibc
#endif

/// Paths are data, never shell: quotes, spaces, `$()`, backquotes and line breaks in
/// FICHESYNC_HOME and in the working directory neither run a command nor stop the embedded
/// database from starting.
@Suite struct HostilePathTests {
    /// Commands a shell would run if a path reached one: each writes a file of its name.
    static let injected = ["o1", "o2", "o3", "o4"]

    /// Every file under `root` named like an injected command's output.
    static func injectedFiles(under root: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if injected.contains((path as NSString).lastPathComponent) { found.append(path) }
        }
        return found
    }

    /// A folder anyone may write in, as /tmp: a command injected into the `postgres`
    /// user's shell could leave its file there, so finding none means none ran.
    static func makeWritableFolder(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect(chmod(path, 0o1777) == 0)
    }

    /// A short folder of our own under the temporary directory: the socket path
    /// (`…/postgres/.s.PGSQL.5432`) must stay under 107 bytes with the odd names below it.
    static func shortFolder() throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("p-\(UUID().uuidString.prefix(6))")
        try makeWritableFolder(path)
        return path
    }

    @Test func quotesDollarsAndLineBreaksInPaths() async throws {
        let base = try Self.shortFolder()
        defer { try? FileManager.default.removeItem(atPath: base) }
        // The working directory, as a team might name it, plus what an attacker would add.
        let directory = (base as NSString).appendingPathComponent("l'équipe $(id>o1)\n\"`id>o2`\"")
        try Self.makeWritableFolder(directory)
        let home = (directory as NSString).appendingPathComponent("h'$(id>o3)'y,\"$(id>o4)\"")
        try Self.makeWritableFolder(home)
        let scratch = try TemporaryDirectory()

        // FICHESYNC_HOME named oddly, then the default `.fichesync` inside the odd working directory.
        for variable in [home, nil] {
            let environment: [String: String?] = ["DATABASE_URL": nil, "FICHESYNC_HOME": variable]
            let sync = try await CLI.run(["sync", Package.fixtures], home: scratch, directory: directory, environment: environment)
            #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
            #expect(sync.stdout.contains("224 added"), "\(sync.stdout)")
            let status = try await CLI.run(["db", "status"], home: scratch, directory: directory, environment: environment)
            #expect(status.status == 0, "\(status.stderr)")
            let cluster = (variable ?? (directory as NSString).appendingPathComponent(".fichesync")) + "/postgres"
            #expect(status.stdout.contains("embedded cluster in \(cluster)"), "\(status.stdout)")
            // Each command stopped the server it started.
            #expect(!FileManager.default.fileExists(atPath: cluster + "/postmaster.pid"))
        }
        #expect(Self.injectedFiles(under: base) == [])
        #expect(Self.injectedFiles(under: scratch.path) == [])
    }

    /// A FICHESYNC_HOME too deep for a Unix socket path: one line saying so and what to do.
    @Test func tooLongSocketPathIsOneClearLine() async throws {
        let home = try TemporaryDirectory()
        let deep = home.sub(String(repeating: "d", count: 100))
        let run = try await CLI.run(["db", "status"], home: home, environment: ["DATABASE_URL": nil, "FICHESYNC_HOME": deep])
        run.expectOneErrorLine(containing: "too long for Unix sockets")
        #expect(run.stderr.contains("set FICHESYNC_HOME to a shorter folder"))
    }

    /// The server is ready when `postmaster.pid` has its pid on the first line and a line
    /// `ready`, wherever line breaks in the paths put it (`pg_ctl -w` reads line 8 and never
    /// saw it ready). The layout is the one Postgres 15 wrote for a data directory `…$(id>o1)\nx…`.
    @Test func readinessIsFoundWhateverTheLineBreaksInPaths() throws {
        let folder = try TemporaryDirectory()
        let file = folder.sub("postmaster.pid")
        try "3615\n/tmp/l'q $(id>o1)\nx/h2/postgres\n1796163358\n/tmp/l'q $(id>o1)\n\n\nready   \n    13     32775\n     32775\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(EmbeddedPostgres.isReady(pid: 3615, pidFile: file))
        #expect(!EmbeddedPostgres.isReady(pid: 3616, pidFile: file))
        try "3615\n/tmp/a\n1700000000\n5432\n/tmp/a\n\n  1234  5678\nstarting\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(!EmbeddedPostgres.isReady(pid: 3615, pidFile: file))
        try "3615\n/tmp/a\n1700000000\n5432\n/tmp/a\n\n  1234  5678\nready   \n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(EmbeddedPostgres.isReady(pid: 3615, pidFile: file))
    }
}
