import NIOPosix

/// Where fichesync's blocking calls run: libgit2 (tree walks, diffs, blob reads, fetches),
/// file reads and the CPU-bound decoding that goes with them.
///
/// Not the Swift concurrency pool: it has one thread per core, so on the 2-core machines the
/// service runs on, one sync reading git there would stall half of every request and job
/// (`Task.detached` is that same pool). NIO's shared thread pool exists for exactly this:
/// the calling task suspends, a pool thread blocks.
public enum BlockingWork {
    /// Runs `body` on NIO's shared blocking thread pool and resumes with its result.
    public static func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
