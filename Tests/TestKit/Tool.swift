import Foundation
import Subprocess
import SystemPackage

/// Runs a program to its end (git, python3 and its clients, …) for a test, through
/// swift-subprocess: awaited without holding a thread of the concurrency pool.
public enum Tool {
    public struct Outcome: Sendable {
        public var status: Int32
        /// Standard output and standard error, interleaved as written.
        public var output: String
    }

    /// `executable` (`/usr/bin/env` finds one on the PATH) with `arguments`, in `workingDirectory`.
    public static func run(_ executable: String, _ arguments: [String], workingDirectory: String? = nil) async throws -> Outcome {
        let result = try await Subprocess.run(
            .path(FilePath(executable)), arguments: Arguments(arguments),
            workingDirectory: workingDirectory.map { FilePath($0) },
            input: .none, output: .string(limit: 64 << 20), error: .combinedWithOutput)
        let status: Int32 = switch result.terminationStatus {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
        return Outcome(status: status, output: result.standardOutput ?? "")
    }

    /// Whether `python3 -c "import …"` succeeds: the Python clients a test drives are there.
    public static func pythonImports(_ modules: String) async -> Bool {
        (try? await run("/usr/bin/env", ["python3", "-c", "import \(modules)"]))?.status == 0
    }
}
