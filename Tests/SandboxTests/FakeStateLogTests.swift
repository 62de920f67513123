import AsyncHTTPClient
import Foundation
import NIOCore
import Providers
import Synchronization
import Testing
import TestKit
import Sandbox

/// The sandbox fakes' change log: what `reconcile`'s sandbox saves as the fakes change.
@Suite struct FakeStateLogTests {
    /// The JSON keys a state encodes to: every one must have a field saying how it changes,
    /// or its changes would be lost with a killed process.
    static func keys<State: RecordedFakeState>(_ state: State) throws -> Set<String> {
        Set(try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(state)) as? [String: Any]).keys)
    }

    @Test func fieldsCoverEveryStoredProperty() throws {
        #expect(try Self.keys(FakeOVHServer.State()) == Set(FakeOVHServer.State.fields.map(\.name)))
        #expect(try Self.keys(FakeMattermostServer.State()) == Set(FakeMattermostServer.State.fields.map(\.name)))
        #expect(try Self.keys(FakeGitHubServer.unstarted().snapshot) == Set(FakeGitHubServer.State.fields.map(\.name)))
    }

    /// Collects what a fake saves.
    final class Log: Sendable {
        let changes = Mutex<[[FakeStateChange]]>([])
        var all: [FakeStateChange] { changes.withLock { $0.flatMap { $0 } } }
        var sink: FakeStateSink { { [self] batch in changes.withLock { $0.append(batch) } } }
    }

    /// State counts that change on every request are not waited for; the rest is compared.
    static func withoutCounters<State: RecordedFakeState>(_ state: State) throws -> State {
        var object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(state)) as? [String: Any])
        for name in ["requests", "badSignatures", "unauthorized"] where object[name] != nil { object[name] = 0 }
        return try JSONDecoder().decode(State.self, from: try JSONSerialization.data(withJSONObject: object))
    }

    /// Real clients change the three fakes through the sandbox's HTTP server; the saved
    /// state plus the changes replayed give back the state the fakes hold.
    @Test func replayedChangesGiveTheSameState() async throws {
        let sandbox = try await FakeSandbox.start()
        sandbox.github.addMember("ancien-membre")
        let env = Dictionary(uniqueKeysWithValues: sandbox.exports.map { ($0.name, $0.value) })
        let ovh = OVHClient(http: .shared, credentials: OVHCredentials(endpoint: env["OVH_ENDPOINT"] ?? "", applicationKey: sandbox.ovh.applicationKey,
                                                                       applicationSecret: sandbox.ovh.applicationSecret, consumerKey: sandbox.ovh.consumerKey),
                            domain: sandbox.domain)
        let mattermost = MattermostClient(http: .shared, credentials: MattermostCredentials(url: env["MATTERMOST_URL"] ?? "", token: sandbox.mattermost.token))
        let github = GitHubClient(http: .shared, credentials: GitHubCredentials(apiURL: env["GITHUB_API_URL"] ?? "", token: sandbox.github.token,
                                                                                organization: sandbox.github.organization))
        // One invitation to the team before: the team's invitations exist, later ones add to them.
        try await mattermost.invite(email: "premiere.invitee@beta.gouv.fr", toTeam: sandbox.mattermost.communityTeamID)
        let logs = sandbox.fakes.map { _ in Log() }
        let saved = try sandbox.fakes.map { try $0.fake.savedState() }
        for ((_, fake), log) in zip(sandbox.fakes, logs) { fake.record(to: log.sink) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<12 {
                group.addTask { try await ovh.createAccount("membre.\(n)", password: "Secret-password-\(n)", description: "membre \(n)") }
                group.addTask { try await mattermost.invite(email: "membre.\(n)@beta.gouv.fr", toTeam: sandbox.mattermost.communityTeamID) }
                group.addTask { try await github.setMembership("login-\(n)") }
            }
            try await group.waitForAll()
        }
        try await ovh.deleteAccount("membre.3")
        try await ovh.createRedirection(from: "membre.4@beta.gouv.fr", to: "perso@example.org", localCopy: false)
        try await github.removeMembership("ancien-membre")
        sandbox.mattermost.addUser(username: "ancienne.membre", email: "ancienne.membre@beta.gouv.fr", teams: [sandbox.mattermost.communityTeamID])
        let former = try #require(sandbox.mattermost.snapshot.users.values.first { $0.username == "ancienne.membre" })
        try await mattermost.addToTeam(userID: former.id, team: sandbox.mattermost.alumniTeamID)
        try await mattermost.removeFromTeam(userID: former.id, team: sandbox.mattermost.communityTeamID)
        for (_, fake) in sandbox.fakes { try await fake.stopRecording() }
        try await sandbox.stop()

        let fresh = try await FakeSandbox.start()
        for (((name, fake), log), state) in zip(zip(fresh.fakes, logs), saved) {
            #expect(!log.all.isEmpty, "\(name) saved its changes")
            try fake.restoreState(state)
            try fake.replay(log.all)
        }
        #expect(try Self.withoutCounters(fresh.ovh.snapshot) == Self.withoutCounters(sandbox.ovh.snapshot))
        #expect(try Self.withoutCounters(fresh.mattermost.snapshot) == Self.withoutCounters(sandbox.mattermost.snapshot))
        #expect(try Self.withoutCounters(fresh.github.snapshot) == Self.withoutCounters(sandbox.github.snapshot))
        #expect(fresh.ovh.snapshot.accounts.count == 11)
        #expect(fresh.github.snapshot.invitationsSent == 12)
        // A team's invitations are saved invitation by invitation, not as the whole team.
        #expect(logs[1].all.filter { $0.field == "invitations" }.allSatisfy { $0.op == .insert })
        try await fresh.stop()
    }

    /// The answer to a change leaves only once the change is saved: a process killed in
    /// between leaves saved what the client may have been told, never less.
    @Test func answerWaitsForTheSave() async throws {
        let ovh = try await FakeOVHServer.start()
        let gate = AsyncStream<Void>.makeStream()
        let received = Log()
        ovh.record { batch in
            received.changes.withLock { $0.append(batch) }
            for await _ in gate.stream { break }
        }
        let client = OVHClient(http: .shared, credentials: ovh.credentials, domain: ovh.domain)
        let answered = Mutex(false)
        let creation = Task {
            try await client.createAccount("jeanne.dupont", password: "Secret-password-1", description: "")
            answered.withLock { $0 = true }
        }
        // Generous: the suite's synchronous CLI tests can hold both of the pool's threads for seconds.
        let deadline = ContinuousClock.now + .seconds(60)
        while received.all.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(received.all.contains { $0.field == "accounts" && $0.key == "jeanne.dupont" })
        try await Task.sleep(for: .milliseconds(300))
        #expect(ovh.snapshot.accounts["jeanne.dupont"] != nil, "done by the fake")
        #expect(!answered.withLock { $0 }, "answered before its change was saved")
        gate.continuation.yield()
        gate.continuation.finish()
        try await creation.value
        try await ovh.stopRecording()
        try await ovh.stop()
    }

    /// A change that cannot be saved is not answered as done: the client gets a 503.
    @Test func unsavedChangeIsAnError() async throws {
        let mattermost = try await FakeMattermostServer.start()
        struct Down: Error {}
        mattermost.record { _ in throw Down() }
        var request = HTTPClientRequest(url: "\(mattermost.url)/api/v4/teams/\(mattermost.communityTeamID)/invite/email")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(mattermost.token)")
        request.body = .bytes(ByteBuffer(string: "[\"jeanne.dupont@beta.gouv.fr\"]"))
        // Generous, as above: the save is attempted on the concurrency pool.
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        #expect(response.status == .serviceUnavailable)
        let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
        #expect(body.contains("sandbox: the change could not be saved"), "\(body)")
        try? await mattermost.stopRecording()
        try await mattermost.stop()
    }
}
