import Foundation
import Subprocess
import Synchronization
import SystemPackage
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
        try Self.createHome(self.home)
        usersLock = try FileLock(path: (self.home as NSString).appendingPathComponent("postgres.users"))
        guard socketPath.utf8.count < 108 else {
            throw Problem(description: "the embedded database's socket path is too long for Unix sockets (\(socketPath.utf8.count) bytes, at most 107): set FICHESYNC_HOME to a shorter folder")
        }
    }

    /// Creates `FICHESYNC_HOME`, or says in one line why it cannot be (Foundation's message
    /// is "NSCocoaErrorDomain error 512").
    static func createHome(_ path: String) throws {
        if let reason = FolderCreation.create(path) {
            throw Problem(description: "cannot create FICHESYNC_HOME \(path): \(reason) — set FICHESYNC_HOME to a writable folder")
        }
        if access(path, W_OK) != 0 {
            throw Problem(description: "cannot write in FICHESYNC_HOME \(path): \(FolderCreation.describe(errno)) — set FICHESYNC_HOME to a writable folder")
        }
    }

    /// `initdb` and `postgres` from PATH, or the newest `/usr/lib/postgresql/*/bin`.
    static func findBinaries() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var candidates = path.split(separator: ":").map(String.init)
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        for directory in candidates {
            let initdb = (directory as NSString).appendingPathComponent("initdb")
            let postgres = (directory as NSString).appendingPathComponent("postgres")
            if [initdb, postgres].allSatisfy(FileManager.default.isExecutableFile(atPath:)) {
                return directory
            }
        }
        throw Problem(description: "no Postgres server found (initdb and postgres, in PATH or /usr/lib/postgresql/*/bin): install it (apt-get install postgresql) or set DATABASE_URL")
    }

    /// Starts the cluster if it is not running (creating it on first use), and registers this
    /// process as one of its users until ``release()``.
    ///
    /// Async because its child processes (`initdb`, the server) go through swift-subprocess,
    /// which waits for them without holding a thread; the start lock's wait runs on
    /// ``BlockingWork``'s threads, never on the concurrency pool.
    public func acquire() async throws {
        let startLock = try FileLock(path: (home as NSString).appendingPathComponent("postgres.lock"))
        try await BlockingWork.run { try startLock.lock(exclusive: true) }
        defer { startLock.unlock() }
        if let owner = Self.serverAccount, let closed = Self.closedAncestor(of: dataDirectory, uid: owner.uid, gid: owner.gid) {
            throw Problem(description: "the embedded database runs as the postgres user (we are root), and \(closed.path) is closed to it (mode \(String(closed.mode, radix: 8))): open it (chmod o+x \(closed.path)) or set FICHESYNC_HOME to a folder the postgres user can reach")
        }
        if !FileManager.default.fileExists(atPath: (dataDirectory as NSString).appendingPathComponent("PG_VERSION")) {
            try await initialize()
        }
        if !isRunning {
            try await start()
        }
        // Never waits: under the start lock nobody holds the users' lock exclusively.
        try usersLock.lock(exclusive: false)
    }

    /// Ends this process's use; the last user stops the server.
    ///
    /// Synchronous and without a child process (the server is signalled, as `pg_ctl stop`
    /// does), so it can run where no `await` can: an `atexit` handler, the CLI's signal
    /// handler. It waits on a file lock and for the server to stop: call it off the pool.
    public func release() {
        guard let startLock = try? FileLock(path: (home as NSString).appendingPathComponent("postgres.lock")),
              (try? startLock.lock(exclusive: true)) != nil else {
            usersLock.unlock()
            return
        }
        defer { startLock.unlock() }
        // Upgrading our shared lock succeeds only when no other process holds one.
        if (try? usersLock.tryLock(exclusive: true)) == true {
            stopServer()
        }
        usersLock.unlock()
    }

    /// Whether the server is running now: `postmaster.pid` names a live process (what
    /// `pg_ctl status` reads).
    public var isRunning: Bool {
        guard let pid = serverPID else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// The pid on the first line of `postmaster.pid`, if the file is there.
    private var serverPID: pid_t? {
        guard let text = try? String(contentsOfFile: (dataDirectory as NSString).appendingPathComponent("postmaster.pid"), encoding: .utf8),
              let first = text.split(separator: "\n", maxSplits: 1).first,
              let pid = pid_t(first.trimmingCharacters(in: .whitespaces)), pid > 0 else { return nil }
        return pid
    }

    /// A fast shutdown (SIGINT: sessions rolled back, a checkpoint, then exit), waited for
    /// until `postmaster.pid` is gone or the process is, at most 60 s, as `pg_ctl stop -m
    /// fast -w` does.
    private func stopServer() {
        guard let pid = serverPID, kill(pid, SIGINT) == 0 else { return }
        let pidFile = (dataDirectory as NSString).appendingPathComponent("postmaster.pid")
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if !FileManager.default.fileExists(atPath: pidFile) || (kill(pid, 0) != 0 && errno == ESRCH) { return }
            usleep(10_000)
        }
    }

    private func initialize() async throws {
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
        // The data directory as `.`: no path of ours reaches initdb's arguments, so none can
        // reach the shell command it builds (it runs the server through `/bin/sh`).
        let result = try await Subprocess.run(
            try command("initdb", ["-D", ".", "-U", Self.user, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], newSession: false),
            input: .none, output: .string(limit: 1 << 20), error: .combinedWithOutput)
        guard case .exited(0) = result.terminationStatus else {
            let text = (result.standardOutput ?? "").split(separator: "\n").suffix(3).joined(separator: " / ")
            throw Problem(description: "initdb failed (\(Self.describe(result.terminationStatus))): \(text)")
        }
    }

    /// Starts the server and waits until it accepts connections (at most 60 s).
    ///
    /// `postgres` itself, spawned with an argument vector, in the data directory, `-D .`:
    /// not `pg_ctl start`, which runs the server through `/bin/sh -c` with the data
    /// directory, the log and the options pasted into the command line, so a `'` or a `$()`
    /// in FICHESYNC_HOME ran as a command. The settings are passed on each start, so a
    /// cluster made by an older fichesync starts the same way. Readiness is read from
    /// `postmaster.pid` ourselves: `pg_ctl -w` reads it by line number, which a line break in
    /// the path shifts, so it never sees the server ready.
    ///
    /// The server runs in a session of its own (a Ctrl-C in our terminal does not reach it),
    /// as the postgres user when we are root, and outlives us when other fichesync processes
    /// still use it. While we live, a task of ours waits for it (swift-subprocess collects its
    /// exit, so a server we stopped never lingers as a zombie).
    private func start() async throws {
        let settings = [
            "-D", ".",
            "-c", "listen_addresses=",
            // A list: a folder in double quotes (doubled inside) may hold commas and quotes.
            "-c", "unix_socket_directories=\"\(dataDirectory.replacingOccurrences(of: "\"", with: "\"\""))\"",
            "-c", "port=5432",
            // Room for several pools at once (`serve` with its jobs, several commands, a test
            // run's parallel suites): Postgres's default of 100 ran out under the tests.
            "-c", "max_connections=500",
        ]
        let logPath = (dataDirectory as NSString).appendingPathComponent("server.log")
        let descriptor = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Problem(description: "cannot open \(logPath): \(String(cString: strerror(errno)))")
        }
        // Opened by us: as root, give it to the server's account, as `pg_ctl -l` made it.
        if let owner = Self.serverAccount { _ = fchown(descriptor, owner.uid, owner.gid) }
        let configuration = try command("postgres", settings, newSession: true)
        let server = ServerProcess()
        Task.detached {
            do {
                let result = try await Subprocess.run(
                    configuration, input: .none,
                    output: .fileDescriptor(FileDescriptor(rawValue: descriptor), closeAfterSpawningProcess: true),
                    error: .combinedWithOutput) { execution in
                    server.started(execution.processIdentifier.value)
                }
                server.ended(Self.describe(result.terminationStatus))
            } catch {
                server.ended("\(error)")
            }
        }
        let pidFile = (dataDirectory as NSString).appendingPathComponent("postmaster.pid")
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let state = server.state
            if let ended = state.ended {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                let text = log.split(separator: "\n").suffix(3).joined(separator: " / ")
                throw Problem(description: "the embedded database did not start (\(ended)): \(text) (log: \(logPath))")
            }
            if let pid = state.pid, Self.isReady(pid: pid, pidFile: pidFile) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        if let pid = server.state.pid { kill(pid, SIGTERM) }
        throw Problem(description: "the embedded database did not start within 60 s: see \(logPath)")
    }

    /// The server process as the task waiting for it sees it: its pid once spawned, how it ended.
    private final class ServerProcess: Sendable {
        struct State { var pid: pid_t?; var ended: String? }
        private let current = Mutex(State())
        var state: State { current.withLock { $0 } }
        func started(_ pid: pid_t) { current.withLock { $0.pid = pid } }
        func ended(_ how: String) { current.withLock { $0.ended = how } }
    }

    /// A Postgres program (`initdb`, `postgres`) and its arguments as they are spawned: as
    /// the postgres user when we are root (Postgres refuses root), through `setpriv`, which
    /// executes the program in its place (so the pid is the program's) with that user's
    /// groups. Not swift-subprocess's own `userID`/`groupID`: its forked child calls glibc's
    /// `setgroups`, which waited forever there on the threads of the forking process (seen
    /// under the tests, whose processes have many).
    private func command(_ program: String, _ arguments: [String], newSession: Bool) throws -> Configuration {
        let path = (binDirectory as NSString).appendingPathComponent(program)
        var options = PlatformOptions()
        options.createSession = newSession
        let executable: String, vector: [String]
        if getuid() == 0 {
            guard let owner = Self.serverAccount else {
                throw Problem(description: "running as root, but there is no `postgres` user to run the embedded database as")
            }
            executable = "/usr/bin/setpriv"
            vector = ["--reuid=\(owner.uid)", "--regid=\(owner.gid)", "--init-groups", "--", path] + arguments
        } else {
            executable = path
            vector = arguments
        }
        return Configuration(executable: .path(FilePath(executable)), arguments: Arguments(vector),
                             workingDirectory: FilePath(dataDirectory), platformOptions: options)
    }

    /// An exit as a shell shows it: `exit 1`, or the signal.
    static func describe(_ status: TerminationStatus) -> String {
        switch status {
        case .exited(let code): "exit \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }

    /// Whether `postmaster.pid` says server `pid` is ready: its first line is the pid, and
    /// a line says `ready`. Not "line 8" as `pg_ctl -w` reads it: Postgres itself finds its
    /// lines by counting line breaks, so with one in the data directory's path the status
    /// lands on another line (and `pg_ctl -w` never sees the server ready).
    static func isReady(pid: pid_t, pidFile: String) -> Bool {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8) else { return false }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.first == String(pid) && lines.dropFirst().contains { $0 == "ready" || $0 == "standby" }
    }

    /// The first folder on the way to `path` (from `/`, `path` excluded) that account
    /// `uid`/`gid` may not pass through: the server, run as that account, could use neither
    /// its data directory nor its socket there. Found before `initdb`, whose own message for
    /// it is a misleading "directory \".\" exists but is not empty". Supplementary groups
    /// are not counted, so a folder opened to one of them only is reported as closed.
    static func closedAncestor(of path: String, uid: uid_t, gid: gid_t) -> (path: String, mode: mode_t)? {
        var folder = ""
        for component in path.split(separator: "/").dropLast() {
            folder += "/" + component
            var info = stat()
            guard stat(folder, &info) == 0 else { return nil }
            let bit: mode_t = info.st_uid == uid ? S_IXUSR : info.st_gid == gid ? S_IXGRP : S_IXOTH
            if info.st_mode & bit == 0 { return (folder, info.st_mode & 0o7777) }
        }
        return nil
    }

    /// When we are root, the account the server runs as (Postgres refuses root).
    static var serverAccount: (name: String, uid: uid_t, gid: gid_t)? {
        guard getuid() == 0 else { return nil }
        guard let entry = getpwnam("postgres") else { return nil }
        return ("postgres", entry.pointee.pw_uid, entry.pointee.pw_gid)
    }
}
