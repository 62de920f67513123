import Accounts
import Foundation
import Testing
import TestSupport
@testable import FicheSync

/// How `fichesync reconcile` reads its providers from the environment and what it says when
/// one is half-configured or left out.
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

    /// The issue's case: two of OVH's three keys used to fall back to the sandbox, exit 0.
    @Test func partlyConfiguredProvidersAreErrors() throws {
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
                let run = try CLI.run(arguments, home: home, environment: Self.environment(variables))
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
        let sync = try ChildProcess(["sync", Package.fixtures], home: home, environment: environment)
        #expect(try await sync.wait() == 0, "\(sync.stderr)")

        let dry = try ChildProcess(["reconcile", "--dry-run"], home: home, environment: environment)
        #expect(try await dry.wait() == 0, "\(dry.stderr)")
        let lines = CLI.Run.lines(dry.stdout)
        #expect(Array(lines.prefix(2)) == [
            "ovh: not configured, left out (set OVH_APP_KEY, OVH_APP_SECRET and OVH_CONSUMER_KEY to include it)",
            "mattermost: not configured, left out (set MATTERMOST_URL, MATTERMOST_BOT_TOKEN and MATTERMOST_TEAM_ID to include it)",
        ], "\(dry.stdout)")
        #expect(!dry.stdout.contains("sandbox"))
        #expect(dry.stdout.contains("\ngithub:\n"), "the GitHub plan is there: \(dry.stdout)")

        let json = try ChildProcess(["reconcile", "--dry-run", "--format", "json"], home: home, environment: environment)
        #expect(try await json.wait() == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["leftOut"] as? [String] == ["ovh", "mattermost"])

        let narrowed = try ChildProcess(["reconcile", "--dry-run", "--only", "github"], home: home, environment: environment)
        #expect(try await narrowed.wait() == 0)
        #expect(!narrowed.stdout.contains("left out"), "\(narrowed.stdout)")

        let leftOut = try ChildProcess(["reconcile", "--dry-run", "--only", "mattermost"], home: home, environment: environment)
        #expect(try await leftOut.wait() == 2)
        #expect(leftOut.stdout == "")
        #expect(leftOut.stderr == "fichesync: error: --only mattermost, but mattermost is not configured (set MATTERMOST_URL, MATTERMOST_BOT_TOKEN and MATTERMOST_TEAM_ID)\n")
        try await github.stop()
    }
}
