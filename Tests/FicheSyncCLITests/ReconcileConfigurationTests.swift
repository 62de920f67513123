import Accounts
import Foundation
import Providers
import Testing
import TestKit
import Sandbox
@testable import FicheSync

#if canImport(Glibc)
import Glibc
#endif

/// How `fichesync reconcile` reads its providers from the environment and what it says when
/// one is half-configured, left out, or unreachable.
@Suite struct ReconcileConfigurationTests {
    /// This process's environment with every provider variable removed (a developer's shell
    /// may export `GITHUB_TOKEN`), plus `extra`.
    static func environment(_ extra: [String: String] = [:], databaseURL: String? = nil) -> [String: String?] {
        var environment: [String: String?] = [:]
        for name in ProviderConfiguration.allVariables { environment.updateValue(nil, forKey: name) }
        environment.updateValue(databaseURL, forKey: "DATABASE_URL")
        for (name, value) in extra { environment[name] = value }
        return environment
    }

    /// Ports outside Linux's ephemeral range (32768–60999): no test's server on port 0 and no
    /// client's outgoing connection takes them meanwhile.
    static let quietPorts = 20_000..<30_000

    /// A loopback port nobody listens on: free to bind (then closed), outside the ephemeral range.
    static func closedPort() throws -> Int {
        for _ in 0..<100 {
            let port = Int.random(in: quietPorts)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(descriptor >= 0)
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            if bound { return port }
        }
        throw POSIXError(.EADDRINUSE)
    }

    /// The issue's case: two of OVH's three keys used to fall back to the sandbox, exit 0.
    @Test func partlyConfiguredProvidersAreErrors() async throws {
        let cases: [([String: String], String)] = [
            (["OVH_APP_KEY": "k", "OVH_APP_SECRET": "s"],
             "fichesync: error: OVH is partly configured: OVH_CONSUMER_KEY is missing (set it, or unset OVH_APP_KEY and OVH_APP_SECRET to leave OVH out)"),
            (["MATTERMOST_URL": "https://chat.example.org", "MATTERMOST_TEAM_ID": "team"],
             "fichesync: error: Mattermost is partly configured: MATTERMOST_BOT_TOKEN is missing (set it, or unset MATTERMOST_URL and MATTERMOST_TEAM_ID to leave Mattermost out)"),
            (["GITHUB_ORG_ADMIN_TOKEN": "t"],
             "fichesync: error: GitHub is partly configured: GITHUB_ORGANIZATION_NAME is missing (set it, or unset GITHUB_ORG_ADMIN_TOKEN to leave GitHub out)"),
        ]
        let home = try TemporaryDirectory()
        for (variables, message) in cases {
            for arguments in [["reconcile", "--dry-run"], ["reconcile"]] {
                // ChildProcess, not CLI.run: Foundation's Process once never saw this child exit.
                let child = try await ChildProcess(arguments, home: home, environment: Self.environment(variables))
                let run = CLI.Run(status: try await child.wait(), stdout: child.stdout, stderr: child.stderr)
                run.expectOneErrorLine(containing: message)
                #expect(run.stderr == message + "\n")
            }
        }
        // Refused before anything else: no database was even opened.
        #expect(!FileManager.default.fileExists(atPath: home.sub("postgres")))
    }

    /// With GitHub configured alone, the run says OVH and Mattermost are left out; `--only`
    /// a left-out provider is an error rather than a run that does nothing.
    @Test func leftOutProvidersAreSaid() async throws {
        let github = try await FakeGitHubServer.start()
        let settings = try await TestDatabase.makeSettings()
        guard case .url(let url) = settings else { Issue.record("a URL database"); return }
        let environment = Self.environment(["GITHUB_TOKEN": github.token, "GITHUB_ORGANIZATION_NAME": github.organization,
                                            "GITHUB_API_URL": github.apiURL], databaseURL: url)
        let home = try TemporaryDirectory()
        let sync = try await ChildProcess(["sync", Package.fixtures], home: home, environment: environment)
        #expect(try await sync.wait() == 0, "\(sync.stderr)")

        let dry = try await ChildProcess(["reconcile", "--dry-run"], home: home, environment: environment)
        #expect(try await dry.wait() == 0, "\(dry.stderr)")
        let lines = CLI.Run.lines(dry.stdout)
        #expect(Array(lines.prefix(2)) == [
            "ovh: not configured, left out (set OVH_APP_KEY, OVH_APP_SECRET and OVH_CONSUMER_KEY to include it)",
            "mattermost: not configured, left out (set MATTERMOST_URL, MATTERMOST_BOT_TOKEN and MATTERMOST_TEAM_ID to include it)",
        ], "\(dry.stdout)")
        #expect(!dry.stdout.contains("sandbox"))
        #expect(dry.stdout.contains("\ngithub:\n"), "the GitHub plan is there: \(dry.stdout)")

        let json = try await ChildProcess(["reconcile", "--dry-run", "--format", "json"], home: home, environment: environment)
        #expect(try await json.wait() == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["leftOut"] as? [String] == ["ovh", "mattermost"])

        let narrowed = try await ChildProcess(["reconcile", "--dry-run", "--only", "github"], home: home, environment: environment)
        #expect(try await narrowed.wait() == 0)
        #expect(!narrowed.stdout.contains("left out"), "\(narrowed.stdout)")

        let leftOut = try await ChildProcess(["reconcile", "--dry-run", "--only", "mattermost"], home: home, environment: environment)
        #expect(try await leftOut.wait() == 2)
        #expect(leftOut.stdout == "")
        #expect(leftOut.stderr == "fichesync: error: --only mattermost, but mattermost is not configured (set MATTERMOST_URL, MATTERMOST_BOT_TOKEN and MATTERMOST_TEAM_ID)\n")
        try await github.stop()
    }

    /// A provider whose address refuses connections fails the run in moments, with one line
    /// naming the URL and the variable to check (it took 152 s of retries).
    @Test func unreachableProviderFailsFast() async throws {
        let settings = try await TestDatabase.makeSettings()
        guard case .url(let url) = settings else { Issue.record("a URL database"); return }
        let home = try TemporaryDirectory()
        let port = try Self.closedPort()
        let cases: [([String: String], String)] = [
            (["OVH_APP_KEY": "k", "OVH_APP_SECRET": "s", "OVH_CONSUMER_KEY": "c", "OVH_ENDPOINT": "http://127.0.0.1:\(port)/1.0"],
             "ovh: cannot connect to http://127.0.0.1:\(port)/1.0: connection refused — check OVH_ENDPOINT"),
            (["MATTERMOST_URL": "http://127.0.0.1:\(port)", "MATTERMOST_BOT_TOKEN": "t", "MATTERMOST_TEAM_ID": "team"],
             "mattermost: cannot connect to http://127.0.0.1:\(port): connection refused — check MATTERMOST_URL"),
            (["GITHUB_TOKEN": "t", "GITHUB_ORGANIZATION_NAME": "betagouv", "GITHUB_API_URL": "http://127.0.0.1:\(port)/api/"],
             "github: cannot connect to http://127.0.0.1:\(port)/api: connection refused — check GITHUB_API_URL"),
        ]
        for (variables, message) in cases {
            for arguments in [["reconcile"], ["reconcile", "--dry-run"]] {
                let started = ContinuousClock.now
                let run = try await ChildProcess(arguments, home: home, environment: Self.environment(variables, databaseURL: url))
                let status = try await run.wait(timeout: .seconds(60))
                let elapsed = ContinuousClock.now - started
                #expect(elapsed < .seconds(10), "\(arguments) took \(elapsed)")
                #expect(status == 2, "\(run.stderr)")
                #expect(run.stdout == "", "\(run.stdout)")
                #expect(run.stderr == "fichesync: error: \(message)\n")
            }
        }
    }

    /// Whether this machine's resolver says at once that `host` does not exist (some
    /// sandboxed machines time out instead, which the connection check leaves to the retries).
    static func resolverRefusesQuickly(_ host: String) async -> Bool {
        let started = ContinuousClock.now
        let failed = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var result: UnsafeMutablePointer<addrinfo>?
                let status = getaddrinfo(host, "443", nil, &result)
                if let result { freeaddrinfo(result) }
                continuation.resume(returning: status != 0)
            }
        }
        return failed && ContinuousClock.now - started < .seconds(2)
    }

    /// A host name that does not resolve fails as fast (`.invalid` never resolves, RFC 6761).
    @Test(.enabled("the resolver answers unknown names at once") { await resolverRefusesQuickly("fichesync-test.invalid") })
    func unknownHostFailsFast() async throws {
        let client = MattermostClient(http: .shared, credentials: MattermostCredentials(url: "https://fichesync-test.invalid", token: "t"))
        let started = ContinuousClock.now
        await #expect(throws: ProviderUnreachable(provider: "mattermost", url: "https://fichesync-test.invalid",
                                                  reason: "host fichesync-test.invalid not found", setting: "MATTERMOST_URL")) {
            try await client.users()
        }
        // Well under the 150 s of retries it took; resolving is slower than connecting on a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    /// Only the first request fails fast: a provider that refuses connections later in a run
    /// (restarting) is retried as before — the refused request never reached it.
    @Test func laterRefusedConnectionsAreRetried() async throws {
        // The tests' shared Postgres cluster must be running before the listener opens: a
        // postmaster started meanwhile inherits the listening socket and keeps the port open.
        _ = try await TestDatabase.makeSettings()
        let github = FakeGitHubServer.unstarted()
        github.addMember("jeanne-dupont")
        var started: FakeHTTPServer?
        while started == nil {
            started = try? await FakeHTTPServer.start(port: Int.random(in: Self.quietPorts), mounts: ["": { github.answer($0) }])
        }
        let first = try #require(started)
        let port = first.port
        let client = GitHubClient(http: .shared, credentials: GitHubCredentials(apiURL: "http://127.0.0.1:\(port)", token: github.token,
                                                                                organization: github.organization))
        #expect(try await client.members().map(\.login) == ["jeanne-dupont"])
        try await first.stop()
        // Back a moment after the next request is sent, on the same port.
        let restart = Task {
            try await Task.sleep(for: .milliseconds(500))
            return try await FakeHTTPServer.start(port: port, mounts: ["": { github.answer($0) }])
        }
        #expect(try await client.members().map(\.login) == ["jeanne-dupont"])
        let restarted = try await restart.value
        try await restarted.stop()
    }
}
