import Foundation
import Logging
import PostgresNIO
import Testing
import TestKit
@testable import FicheSync
#if canImport(Glibc)
import Glibc
#endif

/// Wrong settings and wrong command lines: each is one line `fichesync: error: …` saying
/// what is wrong and what to do, never a raw error dump, never a password.
@Suite struct CLIErrorTests {
    /// A loopback port nothing listens on: bound, then closed.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        #expect(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func closedPortSaysConnectionRefused() async throws {
        let port = try Self.closedPort()
        let run = try await CLI.run(["db", "status"], environment: ["DATABASE_URL": "postgres://someone:s3cret@127.0.0.1:\(port)/db"])
        run.expectOneErrorLine(containing: "cannot connect to the database at 127.0.0.1:\(port): connection refused — is Postgres running? check DATABASE_URL")
        #expect(!run.stderr.contains("s3cret"))
    }

    @Test func unencodedSlashInThePasswordIsNamed() async throws {
        let run = try await CLI.run(["db", "status"], environment: ["DATABASE_URL": "postgres://someone:pa/ss0rd@127.0.0.1:5432/db"])
        run.expectOneErrorLine(containing: "percent-encode the user name and password (`/` is %2F")
        #expect(!run.stderr.contains("ss0rd"))
    }

    @Test func portOutOfRangeIsRefused() async throws {
        let run = try await CLI.run(["db", "status"], environment: ["DATABASE_URL": "postgres://someone@127.0.0.1:99999/db"])
        run.expectOneErrorLine(containing: "DATABASE_URL's port 99999 is not a TCP port (1 to 65535)")
    }

    /// NIO would listen on 70000 mod 65536 = 4464 without a word.
    @Test func sandboxPortOutOfRangeIsAUsageError() async throws {
        let run = try await CLI.run(["sandbox", "--port", "70000"], timeout: 90)
        run.expectOneErrorLine(containing: "--port 70000 is not a TCP port: give 1 to 65535, or 0 for a free one")
    }

    /// FICHESYNC_HOME under a regular file cannot be created: the reason and the remedy,
    /// from the database's side and from a folder snapshot's.
    @Test func homeThatCannotBeCreatedIsOneLine() async throws {
        let tmp = try TemporaryDirectory()
        try tmp.write(["file": "not a folder"])
        let home = tmp.sub("file/home")
        let status = try await CLI.run(["db", "status"], environment: ["DATABASE_URL": nil, "FICHESYNC_HOME": home])
        status.expectOneErrorLine(containing: "cannot create FICHESYNC_HOME \(home): not a directory — set FICHESYNC_HOME to a writable folder")
        let sync = try await CLI.run(["sync", Package.fixtures], environment: ["DATABASE_URL": nil, "FICHESYNC_HOME": home])
        sync.expectOneErrorLine(containing: "\(home)/repositories (under FICHESYNC_HOME): not a directory — set FICHESYNC_HOME to a writable folder")
    }

    /// Without write permission (root writes everywhere, so only as another user).
    @Test(.enabled(if: getuid() != 0, "root can write in a mode-555 folder"))
    func unwritableHomeSaysPermissionDenied() async throws {
        let tmp = try TemporaryDirectory()
        let locked = tmp.sub("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked) }
        let run = try await CLI.run(["db", "status"], environment: ["DATABASE_URL": nil, "FICHESYNC_HOME": locked + "/home"])
        run.expectOneErrorLine(containing: "permission denied — set FICHESYNC_HOME to a writable folder")
    }

    /// As root the server runs as `postgres`: a home under a folder closed to that account is
    /// named, with the remedy (initdb's own message says the empty folder "is not empty").
    @Test func aHomeClosedToTheServerAccountIsNamed() async throws {
        let tmp = try TemporaryDirectory()
        let closed = tmp.sub("closed")
        try FileManager.default.createDirectory(atPath: closed, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: closed)
        let other = getuid() == 0 ? uid_t(65534) : getuid() + 1
        let found = try #require(EmbeddedPostgres.closedAncestor(of: closed + "/home/postgres", uid: other, gid: gid_t(65534)))
        #expect(found.path == closed && found.mode == 0o700)
        #expect(EmbeddedPostgres.closedAncestor(of: closed + "/home/postgres", uid: getuid(), gid: getgid()) == nil, "its owner passes")
        try FileManager.default.setAttributes([.posixPermissions: 0o711], ofItemAtPath: closed)
        #expect(EmbeddedPostgres.closedAncestor(of: closed + "/home/postgres", uid: other, gid: gid_t(65534)) == nil)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: closed)
        guard getuid() == 0, EmbeddedPostgres.serverAccount != nil else { return }
        let run = try await CLI.run(["db", "status"], environment: ["DATABASE_URL": nil, "FICHESYNC_HOME": closed + "/home"])
        run.expectOneErrorLine(containing: "\(closed) is closed to it (mode 700): open it (chmod o+x \(closed)) or set FICHESYNC_HOME to a folder the postgres user can reach")
        #expect(run.status == 2)
    }

    /// A real server that wants a password, given the wrong one: the server's reason in
    /// one line, not the password.
    @Test func wrongPasswordIsOneLine() async throws {
        let home = try TemporaryDirectory()
        let cluster = try EmbeddedPostgres(home: home.path)
        try await cluster.acquire()
        do {
            try await Self.checkWrongPassword(cluster)
            _ = try? await BlockingWork.run { cluster.release() }
        } catch {
            _ = try? await BlockingWork.run { cluster.release() }
            throw error
        }
    }

    static func checkWrongPassword(_ cluster: EmbeddedPostgres) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: .init(unixSocketPath: cluster.socketPath, username: EmbeddedPostgres.user, password: nil, database: "postgres"),
            id: 0, logger: TestDatabase.logger)
        try await connection.query("ALTER ROLE \(unescaped: EmbeddedPostgres.user) PASSWORD 'right-one'", logger: TestDatabase.logger)
        try "local all all scram-sha-256\n".write(toFile: cluster.dataDirectory + "/pg_hba.conf", atomically: false, encoding: .utf8)
        try await connection.query("SELECT pg_reload_conf()", logger: TestDatabase.logger)
        try await connection.close()
        let url = "postgres://\(EmbeddedPostgres.user):wr0ng-one@localhost/postgres?host=\(cluster.dataDirectory)"
        let run = try await CLI.run(["db", "status"], environment: ["DATABASE_URL": url])
        run.expectOneErrorLine(containing: "password authentication failed for user \"fichesync\" — check DATABASE_URL")
        #expect(!run.stderr.contains("wr0ng"))
    }
}

/// Member ids no fiche has, on every command that takes one: a wrong command line, exit 2.
@Suite struct UnknownMemberTests {
    @Test func unknownMemberExitsTwoEverywhere() async throws {
        let home = try TemporaryDirectory()
        var environment: [String: String?] = ["DATABASE_URL": nil]
        for name in ["OVH_APP_KEY", "MATTERMOST_URL", "GITHUB_TOKEN", "GITHUB_ORG_ADMIN_TOKEN"] { environment[name] = nil }
        let sync = try await CLI.run(["sync", Package.fixtures], home: home, environment: environment)
        #expect(sync.status == 0, "\(sync.stderr)")
        for arguments in [["member", "nobody.here"], ["redirect", "nobody.here"], ["redirect", "nobody.here", "x@example.org"],
                          ["accounts", "nobody.here"], ["reconcile", "--dry-run", "--member", "nobody.here"]] {
            let run = try await CLI.run(arguments, home: home, environment: environment)
            run.expectOneErrorLine(containing: "no member nobody.here in the synced fiches: check the id, or run `fichesync sync` first")
        }
        // A known member is still shown.
        #expect(try await CLI.run(["member", "chloe.darcy"], home: home, environment: environment).status == 0)
    }
}
