import Foundation
import Synchronization

/// What a command says when Ctrl-C or SIGTERM stops it. The signal handler of
/// `Environment.withDatabase` exits the process at once (the embedded server must not be left
/// running); before that it prints the report the running command registered here, so a
/// reconcile cut short says how far it went instead of leaving nothing.
enum Interruption {
    private static let report = Mutex<(@Sendable (Int32) -> String)?>(nil)

    /// Runs `body` with `message` as what to print if a signal stops it.
    static func reporting<T>(_ message: @escaping @Sendable (Int32) -> String, _ body: () async throws -> T) async rethrows -> T {
        report.withLock { $0 = message }
        defer { report.withLock { $0 = nil } }
        return try await body()
    }

    /// Called by the signal handler, on its dispatch queue: writes the report (if a command
    /// registered one) straight to stdout, unbuffered, since the process exits next.
    static func announce(signal: Int32) {
        guard let message = report.withLock({ $0 }) else { return }
        FileHandle.standardOutput.write(Data((message(signal) + "\n").utf8))
    }
}
