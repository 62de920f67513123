import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `fichesync` binary (or another program) started as a child process that an async test can watch and kill.
///
/// Not `CLI.run`: that blocks its thread until the child exits, and Foundation's `Process`
/// wait hangs inside Swift concurrency here. This one spawns with `posix_spawn` and polls
/// `waitpid(WNOHANG)` between sleeps, so the test's own servers keep their threads.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private let output: TemporaryDirectory

    /// Starts `fichesync arguments` with `environment` added to (or, for nil, removed from) this process's.
    public convenience init(_ arguments: [String], home: TemporaryDirectory, environment: [String: String?]) throws {
        try self.init(executable: try CLI.executable().path, arguments, environment: environment.merging(["FICHESYNC_HOME": home.path]) { _, new in new })
    }

    /// Starts another program (`/usr/bin/env` finds one on the PATH).
    public init(executable: String, _ arguments: [String], environment: [String: String?] = [:]) throws {
        output = try TemporaryDirectory()
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.sub("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, output.sub("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else of this process goes to the child: an inherited listening socket would
        // keep a test server's port open (accepting, never answering) after the test stopped it.
        try Self.closeFrom(3, &actions)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        self.pid = pid
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc ≥ 2.34), which Swift's Glibc module
    /// does not declare: found at run time.
    private static func closeFrom(_ descriptor: Int32, _ actions: inout posix_spawn_file_actions_t) throws {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { throw POSIXError(.ENOSYS) }
        let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
        let result = closeFrom(&actions, descriptor)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
    }

    /// The exit status once the child has ended (128 + signal when killed), else nil.
    public private(set) var status: Int32?

    private func poll() -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        return status
    }

    /// Waits for the child to end, at most `timeout`; kills it and fails past that.
    public func wait(timeout: Duration = .seconds(120)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = poll() { return status }
            try await Task.sleep(for: .milliseconds(20))
        }
        Glibc.kill(pid, SIGKILL)
        throw POSIXError(.ETIMEDOUT)
    }

    /// Sends `signal` (SIGKILL: no handler, no cleanup — as when a machine goes away) and reaps the child.
    public func kill(_ signal: Int32 = SIGKILL) async throws -> Int32 {
        if poll() == nil { Glibc.kill(pid, signal) }
        return try await wait()
    }

    public var stdout: String { (try? String(contentsOfFile: output.sub("stdout"), encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: output.sub("stderr"), encoding: .utf8)) ?? "" }

    deinit { if status == nil { Glibc.kill(pid, SIGKILL); var raw: Int32 = 0; waitpid(pid, &raw, 0) } }
}
