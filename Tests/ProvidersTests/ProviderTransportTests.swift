import AsyncHTTPClient
import Foundation
import Sandbox
import Synchronization
import Testing
import TestKit
@testable import Providers

/// What the transport resends and what it does not, against the fakes' fault injection, with
/// requests counted through the metrics: a Mattermost invitation is a POST no provider
/// deduplicates (a second one is a second email), adding a team member is a POST Mattermost
/// makes idempotent.
@Suite struct ProviderTransportTests {
    static let policy = HTTPPolicy.fastRetries(timeout: .seconds(2), maxAttempts: 8)

    static let email = "jeanne.dupont@beta.gouv.fr"

    /// Requests the fake was sent while `body` ran, from the metrics.
    /// A fake on a port outside Linux's ephemeral range (32768–60999): a port another test's
    /// stopped server had could still get that test's retries, and these tests count what
    /// their server receives.
    static func quietServer(faults: Faults = Faults()) async throws -> FakeMattermostServer {
        for _ in 0..<50 {
            if let server = try? await FakeMattermostServer.start(faults: faults, port: Int.random(in: 20_000..<30_000)) { return server }
        }
        return try await Self.quietServer(faults: faults)
    }

    static func requests(to server: FakeMattermostServer, during body: () async throws -> Void) async rethrows -> Int64 {
        let before = TestMetricsSystem.providerRequests(to: server.url)
        try await body()
        return TestMetricsSystem.providerRequests(to: server.url) - before
    }

    /// The connection closes once the request was read — before the work, or after it: the
    /// client cannot tell which, so the invitation is not sent again and says so.
    @Test(arguments: [Faults(dropBeforeEvery: 1), Faults(dropAfterEvery: 1)])
    func postWhoseAnswerIsLostIsNotSentAgain(_ faults: Faults) async throws {
        let server = try await Self.quietServer(faults: faults)
        let client = MattermostClient(http: .shared, credentials: server.credentials, policy: Self.policy)
        let sent = try await Self.requests(to: server) {
            do {
                try await client.invite(email: Self.email, toTeam: server.communityTeamID)
                Issue.record("a lost answer was taken for a success")
            } catch let error as ProviderError {
                #expect(error.code == .outcomeUnknown, "\(error)")
                #expect(error.description.contains("outcome unknown"))
            }
        }
        #expect(sent == 1)
        #expect(server.snapshot.repeatedInvitations == 0)
        #expect(server.injectedFaults.droppedBefore + server.injectedFaults.droppedAfter == 1)
        try await server.stop()
    }

    /// A POST the provider makes idempotent is sent again when its answer is lost.
    @Test func repeatablePostIsSentAgainWhenItsAnswerIsLost() async throws {
        // The first change is done and its answer dropped; the second goes through.
        let server = try await Self.quietServer(faults: Faults(dropAfterEvery: 2, seed: 1))
        server.addUser(username: "jdupont", email: Self.email, teams: [])
        let client = MattermostClient(http: .shared, credentials: server.credentials, policy: Self.policy)
        let user = try #require(try await client.users().first)
        let sent = try await Self.requests(to: server) {
            try await client.addToTeam(userID: user.id, team: server.communityTeamID)
        }
        #expect(sent == 2)
        #expect(server.injectedFaults.droppedAfter == 1)
        #expect(server.snapshot.teams[server.communityTeamID] == [user.id])
        try await server.stop()
    }

    /// A 429 or a 503 with `Retry-After` says the server did not take the request: even a
    /// POST that is not repeatable is sent again, once it may.
    @Test func postRefusedWithRetryAfterIsSentAgain() async throws {
        for faults in [Faults(rateLimitEvery: 2), Faults(unavailableEvery: 2, seed: 0)] {
            let server = try await Self.quietServer(faults: faults)
            let client = MattermostClient(http: .shared, credentials: server.credentials, policy: Self.policy)
            _ = try await client.users()  // request 1 passes, request 2 (the invitation) is refused
            let sent = try await Self.requests(to: server) {
                try await client.invite(email: Self.email, toTeam: server.communityTeamID)
            }
            #expect(sent == 2)
            #expect(server.injectedFaults.rateLimits + server.injectedFaults.unavailable == 1)
            #expect(server.snapshot.invitations[server.communityTeamID] == [Self.email])
            #expect(server.snapshot.repeatedInvitations == 0)
            try await server.stop()
        }
    }

    /// A 500 is the provider saying it failed: a POST that is not repeatable is not sent
    /// again at once (a later run may), and the error says what the provider said.
    @Test func postAnswered500IsNotSentAgainAtOnce() async throws {
        let server = try await Self.quietServer(faults: Faults(failureRate: 1))
        let client = MattermostClient(http: .shared, credentials: server.credentials, policy: Self.policy)
        let sent = await Self.requests(to: server) {
            let error = await #expect(throws: ProviderError.self) { try await client.invite(email: Self.email, toTeam: server.communityTeamID) }
            #expect(error?.code == .rejected)
            #expect(error?.status == 500)
            #expect(error?.message == "Internal server error")
        }
        #expect(sent == 1)
        try await server.stop()
    }

    /// A provider restarting: its refused connections surely carried nothing, so the
    /// invitation is not an unknown outcome — it waits for the provider (AsyncHTTPClient's pool
    /// retries the connection within the attempt's deadline, the policy after it) and arrives
    /// once.
    @Test func postIsSentAgainWhenTheConnectionWasRefused() async throws {
        let fake = FakeMattermostServer.unstarted()
        // A port outside Linux's ephemeral range (32768–60999): while this server is down,
        // no other test's server can be given its port and receive this test's retries.
        var started: FakeHTTPServer?
        for _ in 0..<50 where started == nil {
            started = try? await FakeHTTPServer.start(port: Int.random(in: 20_000..<30_000), mounts: ["": { fake.answer($0) }])
        }
        let first = try #require(started)
        let port = first.port
        var policy = Self.policy
        // Long enough that the provider (back after 2.5 s) is always back within the first
        // attempt's deadline, however loaded the machine: a deadline passed before any answer is
        // ambiguous (it may have been sent), which is not what this test is about.
        policy.timeout = .seconds(30)
        policy.baseDelay = .milliseconds(50)
        policy.maxDelay = .milliseconds(100)
        policy.maxAttempts = 30
        let url = "http://127.0.0.1:\(port)"
        // No connection is used twice: a pooled one the stopped server closed would be reused
        // before the pool noticed (on a loaded machine), and a write on it is ambiguous.
        var configuration = HTTPClient.Configuration()
        configuration.maximumUsesPerConnection = 1
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { Task { try? await http.shutdown() } }
        let client = MattermostClient(http: http, credentials: MattermostCredentials(url: url, token: fake.token), policy: policy)
        _ = try await client.users()  // the first request's reachability check passes
        try await first.stop()
        let restart = Task {
            try await Task.sleep(for: .milliseconds(2_500))
            return try await FakeHTTPServer.start(port: port, mounts: ["": { fake.answer($0) }])
        }
        try await client.invite(email: Self.email, toTeam: fake.communityTeamID)
        let second = try await restart.value
        // Refused connections are retried (by AsyncHTTPClient's pool within the attempt's
        // deadline, or by the policy after it): never an unknown outcome, and one invitation.
        #expect(fake.snapshot.invitations[fake.communityTeamID] == [Self.email])
        #expect(fake.snapshot.repeatedInvitations == 0)
        try await second.stop()
    }

    /// A token source that mints tokens gets one more try after a 401 (a GitHub App
    /// installation token renewed); a fixed token fails at once.
    @Test func refusedTokenIsRenewedOnce() async throws {
        let server = try await Self.quietServer()
        let renewing = RenewingToken(first: "expired-token", next: server.token)
        let client = MattermostClient(http: .shared, url: server.url, tokens: renewing, policy: Self.policy)
        #expect(try await client.users().isEmpty)
        #expect(await renewing.refusals == ["expired-token"])
        #expect(server.snapshot.unauthorized == 1)

        let fixed = MattermostClient(http: .shared, url: server.url, tokens: StaticToken("wrong-token"), policy: Self.policy)
        let error = await #expect(throws: ProviderError.self) { _ = try await fixed.users() }
        #expect(error?.status == 401)
        #expect(error?.providerCode == "api.context.session_expired.app_error")
        #expect(error?.description.contains("wrong-token") == false, "a token never appears in an error")
        #expect(server.snapshot.unauthorized == 2)
        try await server.stop()
    }

    /// Each provider's error body is decoded into the error: message and provider code.
    @Test func errorBodiesAreDecodedPerProvider() async throws {
        let github = try await FakeGitHubServer.start()
        let client = GitHubClient(http: .shared, credentials: github.credentials, policy: Self.policy)
        let invalid = await #expect(throws: ProviderError.self) {
            _ = try await client.transport.send(ProviderRoute(.POST, "/orgs/\(github.organization)/invitations"), body: ["email": "x@example.org"])
        }
        #expect(invalid?.status == 422)
        #expect(invalid?.providerCode == "unprocessable")
        #expect(invalid?.message == "Validation Failed: Invite requires either user or email")
        let missing = await #expect(throws: ProviderError.self) { _ = try await client.teamMembers("no-such-team") }
        #expect(missing?.message == "Not Found")
        #expect(missing?.code == .rejected)
        try await github.stop()

        let ovh = try await FakeOVHServer.start()
        var credentials = ovh.credentials
        credentials.applicationSecret = "not-the-secret"
        let unsigned = await #expect(throws: ProviderError.self) {
            _ = try await OVHClient(http: .shared, credentials: credentials, domain: "beta.gouv.fr", policy: Self.policy).accounts()
        }
        #expect(unsigned?.status == 400)
        #expect(unsigned?.providerCode == "INVALID_SIGNATURE")
        #expect(unsigned?.description.contains("not-the-secret") == false)
        try await ovh.stop()
    }

    /// The token goes with every page: a `Link` to another host is not followed.
    @Test func nextPageOnAnotherHostIsNotFollowed() async throws {
        let asked = Mutex<[String]>([])
        let server = try await FakeHTTPServer.start { request in
            asked.withLock { $0.append(request.uri) }
            return FakeReply(status: .ok, json: [["login": "a", "id": 1]],
                             headers: [("Link", "<http://elsewhere.invalid/orgs/o/members?page=2>; rel=\"next\"")])
        }
        let client = GitHubClient(http: .shared, credentials: GitHubCredentials(apiURL: "http://127.0.0.1:\(server.port)", token: "t", organization: "o"),
                                  policy: Self.policy)
        let error = await #expect(throws: ProviderError.self) { _ = try await client.members() }
        #expect(error?.code == .unexpectedAnswer)
        #expect(asked.withLock { $0 }.count == 1)
        try await server.stop()
    }
}

/// A token source that mints a new token when one is refused, once — as a GitHub App
/// installation token source will.
actor RenewingToken: TokenSource {
    private var current: String
    private var next: String?
    private(set) var refusals: [String] = []

    init(first: String, next: String) {
        current = first
        self.next = next
    }

    func token() async throws -> String { current }

    func refused(_ token: String) async -> Bool {
        refusals.append(token)
        guard token == current, let next else { return false }
        current = next
        self.next = nil
        return true
    }
}
