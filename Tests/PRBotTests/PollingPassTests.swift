import Foundation
import PostgresNIO
import Synchronization
import TestKit
import Sandbox
import Testing
@testable import PRBot

/// The polling pass against the sandbox GitHub and a real Postgres.
@Suite struct PollingPassTests {
    /// `membre.aa`, `membre.ab`, …: valid member ids for many fiches.
    static func id(_ index: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return "membre.\(letters[index / 26 % 26])\(letters[index % 26])"
    }

    @Test func everyOpenPullRequestIsSeenBeyondOneHundredAndOnlyAuthorFichesAreFollowed() async throws {
        try await WatchedRepository.with { repo in
            for index in 0..<103 {
                try await repo.open(["content/_authors/\(Self.id(index)).md": WatchedRepository.fiche("Membre \(index)")], branch: "fiche-\(index)")
            }
            // Not followed: no author fiche (a startup's page, a README).
            try await repo.open(["README.md": "bonjour\n"], branch: "readme")
            try await repo.open(["content/_startups/nouvelle.md": "---\ntitle: x\n---\n"], branch: "startup")
            let started = ContinuousClock.now
            let report = try await repo.pass()
            print("polling pass over 105 open pull requests (2 pages, 105 file lists, 103 followed): \(ContinuousClock.now - started)")
            #expect(report.openOnGitHub == 105)
            let followed = try await repo.followed()
            #expect(followed.count == 103)
            #expect(Set(followed.flatMap(\.members)) == Set((0..<103).map(Self.id)))
            #expect(followed.allSatisfy { $0.state == .open && $0.kind == .handMade && $0.members.count == 1 })
            #expect(report.changed.count == 103 && report.changed.allSatisfy { $0.changes == [.opened] })
            // A second pass: nothing new.
            #expect(try await repo.pass().changed.isEmpty)
        }
    }

    @Test func aHandMadePullRequestIsFollowedToItsMergeAndAClosedOneStaysClosed() async throws {
        try await WatchedRepository.with { repo in
            let byHand = try await repo.open(["content/_authors/lea.martin.md": WatchedRepository.fiche("Léa Martin")], branch: "patch-1", byHand: true)
            let refused = try await repo.open(["content/_authors/paul.durand.md": WatchedRepository.fiche("Paul Durand")], branch: "patch-2", draft: true)
            _ = try await repo.pass()
            var followed = try await repo.followed()
            let lea = try #require(followed.first { $0.number == byHand })
            #expect(lea.kind == .handMade && lea.members == ["lea.martin"] && lea.headRepository == FakeSandbox.upstream)
            #expect(lea.htmlURL == "https://github.com/\(FakeSandbox.upstream)/pull/\(byHand)")
            #expect(lea.apiURL.hasSuffix("/repos/\(FakeSandbox.upstream)/pulls/\(byHand)"))
            let paul = try #require(followed.first { $0.number == refused })
            #expect(paul.draft && !paul.isRemindable)

            // No webhook: the pass finds out, one PR merged and the other closed unmerged.
            try await repo.merge(byHand)
            try await repo.setState(refused, "closed")
            let report = try await repo.pass()
            #expect(report.changed.map(\.number) == [byHand, refused].sorted())
            followed = try await repo.followed()
            #expect(followed.first { $0.number == byHand }?.state == .merged)
            #expect(followed.first { $0.number == byHand }?.mergedAt != nil)
            #expect(followed.first { $0.number == refused }?.state == .closed)
            #expect(followed.first { $0.number == refused }?.mergedAt == nil)

            // Reopened: open again (and still a draft).
            try await repo.setState(refused, "open")
            #expect(try await repo.pass().changed.first?.changes == [.reopened])
            #expect(try await repo.followed().first { $0.number == refused }?.state == .open)
        }
    }

    @Test func aNewHeadIsSeen() async throws {
        try await WatchedRepository.with { repo in
            let number = try await repo.open(["content/_authors/lea.martin.md": WatchedRepository.fiche("Léa Martin")], branch: "patch-1")
            _ = try await repo.pass()
            // A second commit on the branch, adding another fiche.
            let head = try #require(try await repo.followed().first).headSHA
            let tree = try await repo.github.createTree(WatchedRepository.fork, base: try await repo.github.commit(WatchedRepository.fork, sha: head).tree.sha,
                                                        files: [.init(path: "content/_authors/paul.durand.md", content: WatchedRepository.fiche("Paul Durand"))])
            let commit = try await repo.github.createCommit(WatchedRepository.fork, message: "et Paul", tree: tree, parents: [head])
            try await repo.github.moveBranch(WatchedRepository.fork, "patch-1", sha: commit, force: false)
            let report = try await repo.pass()
            #expect(report.changed.first?.number == number)
            #expect(report.changed.first?.changes == [.newHead(commit), .membersChanged(["lea.martin", "paul.durand"])])
        }
    }
}

/// Two runners (a webhook and a pass, two instances) seeing a new PR at once.
@Suite struct RacingObservationTests {
    @Test func aNewPullRequestSeenTwiceAtOnceIsOpenedOnce() async throws {
        try await WatchedRepository.with { repo in
            let number = try await repo.open(["content/_authors/lea.martin.md": WatchedRepository.fiche("Léa Martin")], branch: "patch-1")
            let pull = try #require(try await repo.github.pullRequest(WatchedRepository.upstream, number: number))
            let observation = try PullRequestObservation(pull, members: ["lea.martin"], observedAt: Date())
            let watcher = repo.watcher
            let changes = try await withThrowingTaskGroup(of: [PullRequestState.Change].self) { group in
                for _ in 0..<4 { group.addTask { try await watcher.observe(observation).changes } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(changes == [.opened])
            #expect(try await repo.count("pull_requests") == 1)
        }
    }
}

/// What a transition causes is written in its transaction: the hook the messaging side uses.
@Suite struct TransitionHookTests {
    @Test func aFailingHookRollsTheTransitionBackAndTheNextPassDoesItAgain() async throws {
        try await WatchedRepository.with { repo in
            let number = try await repo.open(["content/_authors/lea.martin.md": WatchedRepository.fiche("Léa Martin")], branch: "patch-1")
            struct Refused: Error {}
            var watcher = repo.watcher
            watcher.onTransition = { _, _ in throw Refused() }
            let pass = PollingPass(github: repo.github, watcher: watcher, followUp: nil, logger: TestDatabase.logger)
            await #expect(throws: Refused.self) { try await pass.run(now: Date()) }
            #expect(try await repo.count("pull_requests") == 0)
            let seen = Mutex<[String]>([])
            watcher.onTransition = { transition, connection in
                // The row is already there, on the transaction's connection.
                let rows = try await connection.query("SELECT state FROM pull_requests WHERE number = \(transition.pullRequest.number)",
                                                      logger: TestDatabase.logger)
                for try await state in rows.decode(String.self) { seen.withLock { $0.append(state) } }
            }
            _ = try await PollingPass(github: repo.github, watcher: watcher, followUp: nil, logger: TestDatabase.logger).run(now: Date())
            #expect(seen.withLock { $0 } == ["open"])
            #expect(try await repo.followed().map(\.number) == [number])
        }
    }
}
