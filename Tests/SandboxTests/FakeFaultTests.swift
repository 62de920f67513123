import AsyncHTTPClient
import Foundation
import Providers
import Testing
import Synchronization
import Sandbox
import TestKit

/// The faults real providers have and the issue names — slow answers, connections closed
/// without an answer before or after the work, "already exists" answers to a creation that
/// was done — against our clients and `HTTPPolicy`: every call safe to repeat ends in
/// success, and each account exists exactly once. The answers lost after the work are the
/// case that matters: the retry meets "already exists", which must count as done, not as a
/// failure, and must not create anything twice. A Mattermost invitation is not safe to
/// repeat (a second email): a lost answer ends it in `outcomeUnknown`, never in a resend.
@Suite struct FakeFaultTests {
    /// Fast retries, and a timeout shorter than the slowest answers below: a slow answer is
    /// then an answer lost after the work, like a dropped connection. The timeout leaves room
    /// for a loaded CI machine (250 ms once timed out ordinary answers there).
    static let policy = HTTPPolicy.fastRetries(timeout: .seconds(1), maxAttempts: 8)

    /// One kind of fault at a time, so each is sure to reach the client, then all at once.
    struct Scenario: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var faults: Faults
        /// Whether the faults the scenario is about were injected.
        var happened: @Sendable (FaultCounts) -> Bool
    }

    static let scenarios = [
        Scenario(testDescription: "answers late but in time", faults: Faults(slowEvery: 2, delay: .milliseconds(100))) { $0.slow > 0 },
        Scenario(testDescription: "answers later than the timeout", faults: Faults(slowEvery: 10, delay: .milliseconds(1_500))) { $0.slow > 0 },
        Scenario(testDescription: "connections dropped before the work", faults: Faults(dropBeforeEvery: 2)) { $0.droppedBefore > 0 },
        Scenario(testDescription: "connections dropped after the work", faults: Faults(dropAfterEvery: 2)) { $0.droppedAfter > 0 },
        Scenario(testDescription: "creations done but answered already exists", faults: Faults(alreadyExistsEvery: 1)) { $0.alreadyExists > 0 },
        Scenario(testDescription: "all at once",
                 faults: Faults(failureRate: 0.1, rateLimitEvery: 11, slowEvery: 5, delay: .milliseconds(100), dropBeforeEvery: 7,
                                dropAfterEvery: 3, alreadyExistsEvery: 4, seed: 11)) {
            $0.slow > 0 && $0.droppedBefore > 0 && $0.droppedAfter > 0 && $0.alreadyExists > 0
        },
    ]

    static let names = (0..<24).map { "prenom.nom\($0)" }

    @Test(arguments: scenarios)
    func ovhConvergesWithOneMailboxEach(_ scenario: Scenario) async throws {
        let server = try await FakeOVHServer.start(faults: scenario.faults)
        let client = OVHClient(http: .shared, credentials: server.credentials, domain: "beta.gouv.fr", policy: Self.policy)
        let lists = ["set-alpha", "set-beta", "set-gamma"]
        for name in Self.names { try await client.createAccount(name, password: "Secret-password-\(name.count)", description: name) }
        for (index, list) in lists.enumerated() {
            try await client.createMailingList(list, ownerEmail: "secretariat@beta.gouv.fr")
            for name in Self.names[(index * 4)..<(index * 4 + 4)] { try await client.subscribe("\(name)@beta.gouv.fr", to: list) }
            try await client.unsubscribe("\(Self.names[index * 4])@beta.gouv.fr", from: list)
        }
        for name in Self.names.prefix(6) { try await client.changePassword(name, password: "Suspended-password-\(name.count)") }
        for name in Self.names.suffix(4) { try await client.deleteAccount(name) }

        #expect(scenario.happened(server.injectedFaults), "\(server.injectedFaults)")
        let state = server.snapshot
        #expect(state.badSignatures == 0)
        let kept = Self.names.dropLast(4)
        #expect(Set(state.accounts.keys) == Set(kept))
        #expect(Set(state.mailingLists.keys) == Set(lists))
        for (index, list) in lists.enumerated() {
            #expect(state.mailingLists[list] == Set(Self.names[(index * 4 + 1)..<(index * 4 + 4)].map { "\($0)@beta.gouv.fr" }))
        }
        server.setFaults(Faults())
        #expect(try await client.accounts() == kept.sorted())
        try await server.stop()
    }

    @Test(arguments: scenarios)
    func mattermostConvergesWithOneAccountEach(_ scenario: Scenario) async throws {
        let server = try await FakeMattermostServer.start(faults: scenario.faults)
        let client = MattermostClient(http: .shared, credentials: server.credentials, policy: Self.policy)
        let all = Set(Self.names.map { "\($0)@beta.gouv.fr" })
        var unsure: Set<String> = []
        for email in all.sorted() {
            do {
                try await client.invite(email: email, toTeam: server.communityTeamID)
            } catch let error as ProviderError where error.code == .outcomeUnknown || (error.status ?? 0) >= 500 {
                unsure.insert(email)
            }
        }
        let emails = server.snapshot.invitations[server.communityTeamID] ?? []
        #expect(all.subtracting(unsure).isSubset(of: emails), "every invitation answered OK was sent")
        #expect(emails.isSubset(of: all))
        #expect(server.snapshot.repeatedInvitations == 0, "an invitation whose answer was lost is not sent again")
        // Everyone signs up; later they all leave: alumni team first, then out of the community.
        server.acceptInvitations()
        let users = try await client.users(inTeam: server.communityTeamID)
        #expect(Set(users.map(\.email)) == emails)
        for user in users {
            try await client.addToTeam(userID: user.id, team: server.alumniTeamID)
            try await client.removeFromTeam(userID: user.id, team: server.communityTeamID)
        }

        #expect(scenario.happened(server.injectedFaults), "\(server.injectedFaults)")
        let state = server.snapshot
        #expect(state.users.count == emails.count)
        #expect(Set(state.users.values.map(\.email)) == emails)
        #expect(state.teams[server.alumniTeamID] == Set(state.users.keys))
        #expect(state.teams[server.communityTeamID] == [])
        server.setFaults(Faults())
        #expect(try await client.users().count == emails.count)
        #expect(try await client.users(inTeam: server.alumniTeamID).count == emails.count)
        try await server.stop()
    }

    /// A late answer is scheduled, not slept on: while one request waits for its answer,
    /// others are served (an order, not a duration: no timing threshold to flake under load).
    @Test func lateAnswersDoNotBlockTheServer() async throws {
        let server = try await FakeMattermostServer.start(faults: Faults(slowEvery: 1, delay: .seconds(20), seed: 0))
        var patient = HTTPPolicy()
        patient.timeout = .seconds(60)
        let client = MattermostClient(http: .shared, credentials: server.credentials, policy: patient)
        let finished = Mutex(false)
        let slow = Task {
            _ = try await client.users()
            finished.withLock { $0 = true }
        }
        while server.injectedFaults.slow == 0 { try await Task.sleep(for: .milliseconds(10)) }
        server.setFaults(Faults())
        // Concurrent requests (several connections, spread over the server's event loops) are
        // answered while the first answer is still scheduled.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 { group.addTask { try await client.users().count } }
            for try await count in group { #expect(count == 0) }
        }
        #expect(finished.withLock { $0 } == false, "the late answer came before the others")
        slow.cancel()
        try await server.stop()
    }
}
