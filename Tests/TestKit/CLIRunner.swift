import Foundation
import Subprocess
import SystemPackage
import Testing

/// Runs the built `fichesync` executable.
public enum CLI {
    public struct Run: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        /// A run whose process was started some other way (``ChildProcess``).
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }

        public var stdoutLines: [String] { Self.lines(stdout) }
        public var stderrLines: [String] { Self.lines(stderr) }

        /// The lines of an output; a final line break does not start another line.
        public static func lines(_ text: String) -> [String] {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            return lines
        }

        /// Status 2, nothing on stdout, and exactly one `fichesync: error: …` line on stderr.
        public func expectOneErrorLine(containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(status == 2, sourceLocation: sourceLocation)
            #expect(stdout == "", sourceLocation: sourceLocation)
            #expect(stderrLines.count == 1, "\(stderr)", sourceLocation: sourceLocation)
            #expect(stderr.hasPrefix("fichesync: error: "), "\(stderr)", sourceLocation: sourceLocation)
            #expect(stderr.contains(text), "\(stderr)", sourceLocation: sourceLocation)
        }
    }

    /// Where the build puts the executable: next to the test bundle, or in .build/debug.
    public static func executable() throws -> URL {
        var folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                       Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        folders += Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }.map { $0.deletingLastPathComponent() }
        folders.append(Package.root.appendingPathComponent(".build/debug"))
        let candidates = folders.map { $0.appendingPathComponent("fichesync") }
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                            "no fichesync executable found (looked at \(candidates.map(\.path))): run `swift build --build-tests`")
    }

    /// Runs `fichesync arguments` with FICHESYNC_HOME set to `home` (a fresh folder by default),
    /// from inside that folder (or `directory`), and waits for it without holding a thread:
    /// swift-subprocess, not Foundation's `Process`, whose wait blocked one of the
    /// concurrency pool's two threads here (and once never returned). Killed past `timeout`.
    public static func run(_ arguments: [String], home: TemporaryDirectory? = nil, directory: String? = nil, timeout: Double = 120,
                           environment: [String: String?] = [:]) async throws -> Run {
        let home = try home ?? TemporaryDirectory()
        let variables = environment.merging(["FICHESYNC_HOME": home.path]) { mine, _ in mine }
        let executable = try executable().path, workingDirectory = directory ?? home.path
        return try await withThrowingTaskGroup(of: Run?.self) { group in
            group.addTask {
                var updates: [Subprocess.Environment.Key: String?] = [:]
                for (name, value) in variables { updates[Subprocess.Environment.Key(stringLiteral: name)] = value }
                let result = try await Subprocess.run(
                    .path(FilePath(executable)), arguments: Arguments(arguments), environment: .inherit.updating(updates),
                    workingDirectory: FilePath(workingDirectory), input: .none,
                    output: .string(limit: 64 << 20), error: .string(limit: 64 << 20))
                let status: Int32 = switch result.terminationStatus {
                case .exited(let code): code
                case .signaled(let signal): 128 + signal
                }
                return Run(status: status, stdout: result.standardOutput ?? "", stderr: result.standardError ?? "")
            }
            group.addTask {
                try await Task.sleep(for: .seconds(timeout))
                return nil
            }
            // The first to finish: the run, or the watchdog (which cancels the run: Subprocess kills the child).
            let first = try await group.next() ?? nil
            group.cancelAll()
            return try #require(first, "fichesync \(arguments.joined(separator: " ")) did not end within \(timeout) s")
        }
    }
}
