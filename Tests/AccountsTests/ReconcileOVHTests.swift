import Accounts
import AsyncHTTPClient
import Foundation
import Providers
import Testing
import TestKit
import Sandbox
@testable import FicheSync

/// Email accounts converge on a real HTTP server speaking the OVH API (signatures checked),
/// through the journal in a real Postgres, despite faults and crashes.
@Suite struct ReconcileOVHTests {
    static let today = FicheDate(year: 2026, month: 11, day: 25)!
    static let settings = AccountSettings(domain: "beta.gouv.fr")

    static func members() throws -> [MemberRecord] {
        try CatalogReader.read(directory: Package.fixtures).0.authors.map(MemberRecord.init(author:))
    }

    static let fastPolicy = HTTPPolicy.fastRetries()

    /// One reconcile run for OVH: list, plan, apply.
    static func run(_ accounts: OVHAccounts, _ journal: OperationJournal, members: [MemberRecord],
                    perform: (@Sendable (AccountOperation) async throws -> Void)? = nil) async throws -> (AccountPlan, AccountApplier.Report) {
        var snapshot = ProviderSnapshot()
        try await accounts.snapshot(into: &snapshot, suspended: try await journal.suspendedMailboxes())
        var plan = AccountPlan.make(members: members, current: snapshot, settings: settings, today: today)
        plan.operations = plan.operations.filter { $0.provider == .ovh }
        let perform = perform ?? { try await accounts.perform($0) }
        let applier = AccountApplier(journal: journal) { try await perform($0.operation) }
        return (plan, try await applier.apply(plan))
    }

    /// A fresh population converges even with 20 % of calls failing (seeded): repeated runs
    /// finish the work, nothing is created twice, and a last run plans nothing.
    @Test func convergesDespiteFailuresWithoutDuplicates() async throws {
        let server = try await FakeOVHServer.start(faults: .init(failureRate: 0.2, rateLimitEvery: 17, seed: 7))
        let members = try Self.members()
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            let client = OVHClient(http: .shared, credentials: server.credentials, domain: "beta.gouv.fr", policy: Self.fastPolicy)
            let accounts = OVHAccounts(client: client, domain: "beta.gouv.fr")
            var runs = 0
            var last: AccountPlan?
            repeat {
                runs += 1
                do { last = try await Self.run(accounts, journal, members: members).0 } catch { last = nil }
            } while (last?.operations.isEmpty != true) && runs < 12
            #expect(last?.operations.isEmpty == true, "converged after \(runs) runs")
            let state = server.snapshot
            let expected = members.filter { $0.memberType != .attributaire && $0.endDate.map { $0 >= Self.today } == true }.map(\.id)
            #expect(Set(state.accounts.keys) == Set(expected))
            #expect(state.duplicateCreations == 0)
            #expect(state.badSignatures == 0)
            #expect(!state.mailingLists.isEmpty)
            let states = try await AccountState.load(member: expected.first, from: databases[0].connection, logger: TestDatabase.logger)
            #expect(states.map(\.email) == ["EMAIL_ACTIVE"])
        }
        try await server.stop()
    }

    /// A run killed in the middle of applying (after some operations ran, with one running):
    /// the next run finishes the work without creating anything twice.
    @Test func runKilledMidApplyResumes() async throws {
        let server = try await FakeOVHServer.start()
        let members = try Self.members()
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            let client = OVHClient(http: .shared, credentials: server.credentials, domain: "beta.gouv.fr", policy: Self.fastPolicy)
            let accounts = OVHAccounts(client: client, domain: "beta.gouv.fr")
            let count = Counter()
            let stopper = TaskStopper()
            // The run is stopped on the 20th operation, after the provider did it: what it
            // had under way stays "running" in the journal, as after a kill.
            let interrupted = Task {
                try await Self.run(accounts, journal, members: members) { op in
                    try await accounts.perform(op)
                    if count.increment() == 20 { stopper.stop() }
                }
            }
            stopper.task.withLock { $0 = interrupted }
            await #expect(throws: (any Error).self) { _ = try await interrupted.value }
            let performed = count.increment() - 1
            #expect((20..<24).contains(performed), "stopped after the operations under way (at most 4 at once): \(performed)")
            // The stopped run released its lock; a killed one loses it with its session
            // (ReconcileKillTests). It left work undone: pending, or "running" if it was under
            // way when the run stopped (what finished meanwhile is marked done).
            let undone = try await journal.pending(limit: 1_000).count + journal.interrupted().count
            #expect(undone > 0)
            let (_, report) = try await Self.run(accounts, journal, members: members)
            #expect(report.failed.isEmpty)
            let (plan, _) = try await Self.run(accounts, journal, members: members)
            #expect(plan.operations.isEmpty)
            #expect(server.snapshot.duplicateCreations == 0)
        }
        try await server.stop()
    }

    /// The fake refuses a request signed with the wrong secret, so the client's signing is
    /// really checked by the other tests.
    @Test func badSignatureIsRefused() async throws {
        let server = try await FakeOVHServer.start()
        var credentials = server.credentials
        credentials.applicationSecret = "not-the-secret"
        let client = OVHClient(http: .shared, credentials: credentials, domain: "beta.gouv.fr", policy: Self.fastPolicy)
        await #expect(throws: ProviderError.self) { _ = try await client.accounts() }
        do {
            _ = try await client.accounts()
        } catch let error as ProviderError {
            // OVH answers a bad signature 400 INVALID_SIGNATURE (403 is for unknown keys).
            #expect(error.status == 400)
        }
        #expect(server.snapshot.badSignatures == 2)
        let good = OVHClient(http: .shared, credentials: server.credentials, domain: "beta.gouv.fr", policy: Self.fastPolicy)
        #expect(try await good.accounts() == [])
        try await server.stop()
    }

    /// The signature is OVH's documented one (vector computed independently with Python's hashlib).
    @Test func signatureMatchesTheDocumentedFormula() {
        #expect(OVHCredentials.signature(secret: "EXAMPLE_SECRET", consumerKey: "EXAMPLE_CK", method: "GET",
                                         url: "https://eu.api.ovh.com/1.0/email/domain/beta.gouv.fr/account", body: "",
                                         timestamp: 1_700_000_000)
                == "$1$2e7c7fac7dae9449dd88622a01ba6928c8a24941")
    }
}

/// Cancels a task from inside its own work (a child task cannot cancel its parent).
final class TaskStopper: Sendable {
    let task = Mutex<Task<(AccountPlan, AccountApplier.Report), any Error>?>(nil)
    func stop() { task.withLock { $0?.cancel() } }
}

/// A thread-safe counter for test hooks.
final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}

import Synchronization
