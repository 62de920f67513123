import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// fichesync's own Postgres cluster, used when no `DATABASE_URL` is set.
///
/// Lives in `$FICHESYNC_HOME/postgres` (created with `initdb` on first use), listens only on
/// a Unix socket inside that folder (no port to clash with), runs as the `postgres` user when
/// we are root (Postgres refuses to run as root), and is stopped when the last fichesync
/// process using it ends. Processes coordinate with two `flock`s in `$FICHESYNC_HOME`: an
/// exclusive one around starting and stopping, and a shared one held by every user.
public final class EmbeddedPostgres: Sendable {
    public let home: String
    public let binDirectory: String

    public var dataDirectory: String { (home as NSString).appendingPathComponent("postgres") }
    /// The socket file PostgresNIO connects to.
    public var socketPath: String { (dataDirectory as NSString).appendingPathComponent(".s.PGSQL.5432") }
    public static let user = "fichesync"
    /// The database fichesync uses, named as its role so `psql -h <dir>` needs no options;
    /// created on first connection (see ``Database/open(_:logger:migrate:)``).
    public static let database = "fichesync"

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    private let usersLock: FileLock

    /// Finds the Postgres server binaries and prepares (but does not start) the cluster.
    public init(home: String) throws {
        self.home = (home as NSString).standardizingPath.hasPrefix("/") ? home
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(home)
        binDirectory = try Self.findBinaries()
        try FileManager.default.createDirectory(atPath: self.home, withIntermediateDirectories: true)
        usersLock = try FileLock(path: (self.home as NSString).appendingPathComponent("postgres.users"))
        guard socketPath.utf8.count < 108 else {
            throw Problem(description: "the embedded database's socket path is too long for Unix sockets (\(socketPath.utf8.count) bytes, at most 107): set FICHESYNC_HOME to a shorter folder")
        }
    }

    /// `initdb` and `pg_ctl` from PATH, or the newest `/usr/lib/postgresql/*/bin`.
    static func findBinaries() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var candidates = path.split(separator: ":").map(String.init)
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        for directory in candidates {
            let initdb = (directory as NSString).appendingPathComponent("initdb")
            let pgCtl = (directory as NSString).appendingPathComponent("pg_ctl")
            if FileManager.default.isExecutableFile(atPath: initdb) && FileManager.default.isExecutableFile(atPath: pgCtl) {
                return directory
            }
        }
        throw Problem(description: "no Postgres server found (initdb and pg_ctl, in PATH or /usr/lib/postgresql/*/bin): install it (apt-get install postgresql) or set DATABASE_URL")
    }

    /// Starts the cluster if it is not running (creating it on first use), and registers this
    /// process as one of its users until ``release()``.
    public func acquire() throws {
        let startLock = try FileLock(path: (home as NSString).appendingPathComponent("postgres.lock"))
        try startLock.lock(exclusive: true)
        defer { startLock.unlock() }
        if !FileManager.default.fileExists(atPath: (dataDirectory as NSString).appendingPathComponent("PG_VERSION")) {
            try initialize()
        }
        if try run("pg_ctl", ["status", "-D", dataDirectory], allowFailure: true) != 0 {
            try run("pg_ctl", [
                "start", "-w", "-t", "60", "-D", dataDirectory,
                "-l", (dataDirectory as NSString).appendingPathComponent("server.log"),
                "-o", "-c listen_addresses='' -c unix_socket_directories='\(dataDirectory)' -c port=5432",
            ])
        }
        try usersLock.lock(exclusive: false)
    }

    /// Ends this process's use; the last user stops the server.
    public func release() {
        guard let startLock = try? FileLock(path: (home as NSString).appendingPathComponent("postgres.lock")),
              (try? startLock.lock(exclusive: true)) != nil else {
            usersLock.unlock()
            return
        }
        defer { startLock.unlock() }
        // Upgrading our shared lock succeeds only when no other process holds one.
        if (try? usersLock.tryLock(exclusive: true)) == true {
            _ = try? run("pg_ctl", ["stop", "-w", "-m", "fast", "-D", dataDirectory], allowFailure: true)
        }
        usersLock.unlock()
    }

    /// Whether the server is running now.
    public var isRunning: Bool {
        ((try? run("pg_ctl", ["status", "-D", dataDirectory], allowFailure: true)) ?? 1) == 0
    }

    private func initialize() throws {
        let fileManager = FileManager.default
        // Never delete what we did not make: only an empty folder is taken over.
        if let existing = try? fileManager.contentsOfDirectory(atPath: dataDirectory) {
            guard existing.isEmpty else {
                throw Problem(description: "\(dataDirectory) exists and is not a Postgres cluster: remove it, or set FICHESYNC_HOME to another folder")
            }
        }
        try fileManager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
        if let owner = Self.serverAccount {
            guard chown(dataDirectory, owner.uid, owner.gid) == 0 else {
                throw Problem(description: "cannot give \(dataDirectory) to the postgres user: \(String(cString: strerror(errno)))")
            }
        }
        try run("initdb", ["-D", dataDirectory, "-U", Self.user, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"])
    }

    /// When we are root, the account the server runs as (Postgres refuses root).
    static var serverAccount: (name: String, uid: uid_t, gid: gid_t)? {
        guard getuid() == 0 else { return nil }
        guard let entry = getpwnam("postgres") else { return nil }
        return ("postgres", entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// Runs a Postgres tool (as the server account when root) and waits for it.
    @discardableResult
    private func run(_ tool: String, _ arguments: [String], allowFailure: Bool = false) throws -> Int32 {
        let executable = (binDirectory as NSString).appendingPathComponent(tool)
        let outcome: ToolRunner.Outcome
        if getuid() == 0 {
            guard Self.serverAccount != nil else {
                throw Problem(description: "running as root, but there is no `postgres` user to run the embedded database as")
            }
            outcome = try ToolRunner.run("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
        } else {
            outcome = try ToolRunner.run(executable, arguments)
        }
        if outcome.status != 0 && !allowFailure {
            let text = outcome.output.split(separator: "\n").suffix(3).joined(separator: " / ")
            throw Problem(description: "\(tool) failed (exit \(outcome.status)): \(text)")
        }
        return outcome.status
    }
}
