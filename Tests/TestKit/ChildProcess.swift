import Foundation
import Subprocess
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The `fichesync` binary (or another program) started as a child process that an async test
/// can watch, signal and kill, while it runs.
///
/// Not `CLI.run`, which returns once the child has ended. swift-subprocess spawns it (every
/// descriptor of ours above 2 closed in the child: an inherited listening socket would keep a
/// test server's port open after the test stopped it) and collects its exit in a task of its
/// own, so no thread waits on it; its output goes to files the test reads when it likes.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let output: TemporaryDirectory
    private let ended: Exit

    /// The exit status, written by the task that waits for the child.
    private final class Exit: Sendable {
        private let status = Mutex<Int32?>(nil)
        var value: Int32? { status.withLock { $0 } }
        func set(_ value: Int32) { status.withLock { $0 = $0 ?? value } }
    }

    /// Starts `fichesync arguments` with `environment` added to (or, for nil, removed from) this process's.
    public convenience init(_ arguments: [String], home: TemporaryDirectory, environment: [String: String?]) async throws {
        try await self.init(executable: try CLI.executable().path, arguments,
                            environment: environment.merging(["FICHESYNC_HOME": home.path]) { _, new in new })
    }

    /// Starts another program (`/usr/bin/env` finds one on the PATH).
    public init(executable: String, _ arguments: [String], environment: [String: String?] = [:]) async throws {
        let output = try TemporaryDirectory()
        var updates: [Subprocess.Environment.Key: String?] = [:]
        for (name, value) in environment { updates[Subprocess.Environment.Key(stringLiteral: name)] = value }
        let configuration = Configuration(executable: .path(FilePath(executable)), arguments: Arguments(arguments),
                                          environment: .inherit.updating(updates))
        let stdout = try FileDescriptor.open(FilePath(output.sub("stdout")), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        let stderr = try FileDescriptor.open(FilePath(output.sub("stderr")), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        let ended = Exit()
        let (spawned, announce) = AsyncStream.makeStream(of: Result<pid_t, any Error>.self)
        Task.detached {
            do {
                let result = try await Subprocess.run(configuration, input: .none,
                                                      output: .fileDescriptor(stdout, closeAfterSpawningProcess: true),
                                                      error: .fileDescriptor(stderr, closeAfterSpawningProcess: true)) { execution in
                    announce.yield(.success(execution.processIdentifier.value))
                }
                let status: Int32 = switch result.terminationStatus {
                case .exited(let code): code
                case .signaled(let signal): 128 + signal
                }
                ended.set(status)
            } catch {
                // Not spawned (the stream's first value), or lost once running: ended either way.
                announce.yield(.failure(error))
                ended.set(255)
            }
            announce.finish()
        }
        var pid: pid_t?
        for await outcome in spawned {
            pid = try outcome.get()
            break
        }
        guard let pid else { throw POSIXError(.ECHILD) }
        self.pid = pid
        self.output = output
        self.ended = ended
    }

    /// The exit status once the child has ended (128 + signal when killed), else nil.
    public var status: Int32? { ended.value }

    /// Waits for the child to end, at most `timeout`; kills it and fails past that.
    public func wait(timeout: Duration = .seconds(120)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status { return status }
            try await Task.sleep(for: .milliseconds(20))
        }
        Glibc.kill(pid, SIGKILL)
        throw POSIXError(.ETIMEDOUT)
    }

    /// Sends `signal` (SIGKILL: no handler, no cleanup — as when a machine goes away) and waits for the end.
    public func kill(_ signal: Int32 = SIGKILL) async throws -> Int32 {
        if status == nil { Glibc.kill(pid, signal) }
        return try await wait()
    }

    public var stdout: String { (try? String(contentsOfFile: output.sub("stdout"), encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: output.sub("stderr"), encoding: .utf8)) ?? "" }

    deinit { if status == nil { Glibc.kill(pid, SIGKILL) } }
}
