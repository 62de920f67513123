import Foundation
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
    /// from inside that folder (or `directory`); output goes through files, so a large output
    /// cannot block the child.
    public static func run(_ arguments: [String], home: TemporaryDirectory? = nil, directory: String? = nil, timeout: Double = 120,
                    environment: [String: String?] = [:]) throws -> Run {
        let home = try home ?? TemporaryDirectory()
        let output = try TemporaryDirectory()
        let stdoutPath = output.sub("stdout"), stderrPath = output.sub("stderr")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))

        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment.merging(["FICHESYNC_HOME": home.path]) { _, new in new }
        for (name, value) in environment { variables[name] = value }
        process.environment = variables
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? home.path)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        try stdout.close()
        try stderr.close()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: stdoutPath)), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: stderrPath)), as: UTF8.self))
    }
}
