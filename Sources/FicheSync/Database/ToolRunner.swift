import CSpawn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command-line tool to completion with `posix_spawn` and `waitpid`, its output
/// captured in a temporary file; or starts a daemon detached from us.
///
/// Always an argument vector, never a shell string: paths (FICHESYNC_HOME, the working
/// directory) may hold quotes, `$()` or line breaks, and a shell would run them.
///
/// Not Foundation's `Process`: its wait hangs when called from a Swift concurrency task on
/// Linux, and a pipe would stay open as long as any daemon the tool starts keeps the
/// inherited descriptor. Not swift-subprocess either: its API is async only, and this runs
/// where no `await` is possible (the `atexit` handler and the SIGINT/SIGTERM handler that
/// stop the embedded database, the benchmark's and the tests' synchronous set-up); bridging
/// those to async code would block a thread on the concurrency pool's work.
///
/// Blocking: call it from a thread that may block (``runOffThePool(_:)``), never from a
/// Swift concurrency task directly.
enum ToolRunner {
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `executable` with `arguments` (in `workingDirectory` when given) and waits for it.
    static func run(_ executable: String, _ arguments: [String], workingDirectory: String? = nil) throws -> Outcome {
        let outputPath = NSTemporaryDirectory() + "fichesync-tool-\(UUID().uuidString).log"
        defer { unlink(outputPath) }
        // Opened here, not by the child: the child may run in another folder, where a
        // relative temporary path would mean something else.
        let outputDescriptor = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard outputDescriptor >= 0 else {
            throw EmbeddedPostgres.Problem(description: "cannot create \(outputPath): \(String(cString: strerror(errno)))")
        }
        defer { close(outputDescriptor) }
        let pid = try spawn(executable, arguments, workingDirectory: workingDirectory, output: outputDescriptor, newSession: false)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw EmbeddedPostgres.Problem(description: "waiting for \(executable): \(String(cString: strerror(errno)))")
            }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: exitStatus(status), output: output)
    }

    /// Starts `executable` as a daemon: in a session of its own (a Ctrl-C in our terminal
    /// does not reach it), standard input from /dev/null, output appended to `logPath`.
    /// Returns its pid without waiting; it is our child until we exit.
    static func startDaemon(_ executable: String, _ arguments: [String], workingDirectory: String,
                            logPath: String) throws -> pid_t {
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard log >= 0 else {
            throw EmbeddedPostgres.Problem(description: "cannot open \(logPath): \(String(cString: strerror(errno)))")
        }
        defer { close(log) }
        return try spawn(executable, arguments, workingDirectory: workingDirectory, output: log, newSession: true)
    }

    /// `status` as returned by `waitpid`, as a shell shows it: the exit code, or 128 + signal.
    static func exitStatus(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    private static func spawn(_ executable: String, _ arguments: [String], workingDirectory: String?,
                              output: Int32, newSession: Bool) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // Nothing else of ours reaches the tool or a daemon it leaves running: a lock or a
        // socket held by a server that outlives us would never be released.
        _ = fichesync_spawn_addclosefrom(&actions, 3)
        if let workingDirectory {
            let added = fichesync_spawn_addchdir(&actions, workingDirectory)
            guard added == 0 else {
                throw EmbeddedPostgres.Problem(description: "cannot run \(executable) in \(workingDirectory): \(String(cString: strerror(added)))")
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals as a fresh process has them: the calling thread may block some, and a
        // server that inherits a blocked SIGINT could never be stopped.
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newSession { flags |= fichesync_spawn_setsid_flag() }
        posix_spawnattr_setflags(&attributes, flags)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            let place = workingDirectory.map { " in \($0)" } ?? ""
            throw EmbeddedPostgres.Problem(description: "cannot run \(executable)\(place): \(String(cString: strerror(spawned)))")
        }
        return pid
    }
}

/// Runs blocking work (child processes, file locks, sleeps) on a thread of its own, so the
/// Swift concurrency pool (two threads on a 2-core machine) never waits on it.
func runOffThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
