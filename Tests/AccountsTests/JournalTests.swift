import Accounts
import Foundation
import Testing
import TestKit
@testable import FicheSync

/// The operation journal on a real Postgres: nothing recorded twice, nothing executed twice,
/// interrupted work resumed, stale work superseded.
@Suite struct JournalTests {
    static func plan(_ targets: [String]) -> AccountPlan {
        AccountPlan(operations: targets.map { AccountOperation(.ovh, .create, target: $0, member: $0, reason: "active") }.sorted(),
                    orphans: [], exceededLimits: [])
    }

    @Test func recordingThePlanTwiceAddsNothing() async throws {
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            #expect(try await journal.record(Self.plan(["a@x", "b@x"])) == 2)
            #expect(try await journal.record(Self.plan(["a@x", "b@x"])) == 0)
            #expect(try await journal.claim(limit: 10).map(\.operation.target) == ["a@x", "b@x"])
        }
    }

    /// Two runs taking the same operations at once: each operation is taken by one of them.
    @Test func concurrentClaimsAreDisjoint() async throws {
        let settings = try await TestDatabase.makeSettings()
        try await TestDatabase.with(2, settings: settings) { databases async throws in
            let targets = (0..<40).map { "m\($0)@x" }
            let first = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            let second = OperationJournal(connection: databases[1].connection, logger: TestDatabase.logger)
            try await first.record(Self.plan(targets))
            // Both saw the same pending operations and race to take every one of them.
            let seen = try await first.pending(limit: 100)
            #expect(seen.count == 40)
            func take(_ journal: OperationJournal) async throws -> Set<Int64> {
                var taken: Set<Int64> = []
                for entry in seen { if let started = try await journal.start(entry) { taken.insert(started.id) } }
                return taken
            }
            async let a = take(first)
            async let b = take(second)
            let (idsA, idsB) = try await (a, b)
            #expect(idsA.isDisjoint(with: idsB))
            #expect(idsA.union(idsB) == Set(seen.map(\.id)))
        }
    }

    /// A run that died with operations running: they are claimed again (once), attempts
    /// counted; done operations are never claimed again.
    @Test func interruptedRunResumesWithoutRepeatingDoneWork() async throws {
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            try await journal.record(Self.plan(["a@x", "b@x", "c@x"]))
            let claimed = try await journal.claim(limit: 3)
            try await journal.succeed(claimed[0])
            // The process dies here: b and c stay "running".
            #expect(try await journal.tryLockRun())
            #expect(try await journal.resumeInterrupted() == 2)
            let again = try await journal.claim(limit: 10)
            #expect(again.map(\.operation.target) == ["b@x", "c@x"])
            #expect(again.allSatisfy { $0.attempts == 2 })
            try await journal.unlockRun()
        }
    }

    /// A failure is kept with its error and retried until the attempt limit; an operation the
    /// next plan no longer wants is superseded, not retried.
    @Test func failuresAreRetriedOrSuperseded() async throws {
        try await TestDatabase.with { databases async throws in
            var journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            journal.maxAttempts = 2
            try await journal.record(Self.plan(["a@x", "b@x"]))
            for entry in try await journal.claim(limit: 2) { try await journal.fail(entry, error: "OVH answered 500") }
            #expect(try await journal.failures().map(\.lastError) == ["OVH answered 500", "OVH answered 500"])
            #expect(try await journal.claim(limit: 10).isEmpty, "failures wait for the next run")
            // The next run's plan still wants a, no longer b.
            try await journal.record(Self.plan(["a@x"]))
            #expect(try await journal.requeueFailed() == 1)
            let retry = try await journal.claim(limit: 10)
            #expect(retry.map(\.operation.target) == ["a@x"])
            try await journal.fail(retry[0], error: "OVH answered 500 again")
            #expect(try await journal.requeueFailed() == 0, "past the attempt limit: waits for a human")
            #expect(try await journal.claim(limit: 10).isEmpty)
            #expect(try await journal.failures().map(\.operation.target) == ["a@x"])
        }
    }

    /// A run narrowed to one member (or provider) neither supersedes nor retries the others'
    /// operations: its plan says nothing about them.
    @Test func narrowedRunLeavesTheRestAlone() async throws {
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            try await journal.record(Self.plan(["a@x", "b@x"]))
            for entry in try await journal.claim(limit: 2) { try await journal.fail(entry, error: "OVH answered 500") }
            let onlyA = OperationJournal.Scope(member: "a@x")
            try await journal.record(AccountPlan(operations: []), scope: onlyA)
            #expect(try await journal.requeueFailed(scope: onlyA) == 0, "a's operation was superseded: its plan no longer wants it")
            #expect(try await journal.failures().map(\.operation.target) == ["b@x"], "b's failure is kept, with its attempts")
            #expect(try await journal.requeueFailed(scope: OperationJournal.Scope(providers: [.github])) == 0)
            #expect(try await journal.requeueFailed() == 1)
        }
    }
}

extension JournalTests {
    /// An invitation's send is counted with its journal entry's completion, once: the same
    /// settlement again (a run that died after writing it, settled by the next) adds nothing.
    @Test func anInvitationIsCountedOnceWithItsEntry() async throws {
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            let memory = AccountMemory(connection: databases[0].connection, logger: TestDatabase.logger)
            let invite = AccountOperation(.mattermost, .invite, target: "a", member: "a", reason: "active")
            try await journal.record(AccountPlan(operations: [invite], orphans: [], exceededLimits: []))
            let entry = try #require(try await journal.claim(limit: 1).first)
            let day = try #require(FicheDate(year: 2026, month: 11, day: 30))
            try await memory.rememberInvitation(provider: .mattermost, target: "a", member: "a", on: day, settling: entry.id)
            try await memory.rememberInvitation(provider: .mattermost, target: "a", member: "a", on: day, settling: entry.id)
            #expect(try await memory.invitations(provider: .mattermost)["a"]?.sends == 1)
            #expect(try await journal.interrupted().isEmpty, "the entry is done")
            #expect(try await journal.pending(limit: 10).isEmpty)
        }
    }
}

extension OperationJournal {
    /// Takes up to `limit` pending operations, oldest first, the way a run takes them: one by one.
    func claim(limit: Int) async throws -> [Entry] {
        var taken: [Entry] = []
        for entry in try await pending(limit: limit) {
            if let started = try await start(entry) { taken.append(started) }
        }
        return taken
    }
}
