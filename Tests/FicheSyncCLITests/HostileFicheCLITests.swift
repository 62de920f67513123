import Foundation
import Testing
import TestKit

/// `fichesync check` on the fiches that used to exhaust memory and the stack.
@Suite struct HostileFicheCLITests {
    /// The whole CLI on both hostile fiches: a positioned error each, quickly, in little memory.
    @Test func checkRefusesBothHostileFichesQuickly() async throws {
        let tree = validTree.merging([
            "content/_authors/bombe.alias.md": "---\n" + HostileFiches.validAuthor + HostileFiches.aliasBomb(levels: 10) + "---\n",
            "content/_authors/tres.profond.md": "---\n" + HostileFiches.validAuthor + HostileFiches.deep(40_000) + "---\n",
        ]) { _, new in new }
        let folder = try TemporaryDirectory()
        try folder.write(tree)
        let started = ContinuousClock.now
        let run = try await CLI.run(["check", folder.path])
        let elapsed = ContinuousClock.now - started
        #expect(run.status == 1)
        #expect(run.stdoutLines.contains { $0.hasPrefix("content/_authors/bombe.alias.md:13:10: error: ") && $0.hasSuffix("[yaml-limits]") })
        #expect(run.stdoutLines.contains { $0.hasPrefix("content/_authors/tres.profond.md:9:106: error: ") && $0.hasSuffix("[yaml-limits]") })
        // A generous bound (the benchmark measures it): the unbounded expansion never finished.
        #expect(elapsed < .seconds(60))
    }
}
