import Foundation

/// The three fakes on one loopback port, each under its own prefix (OVH under `/ovh/1.0`,
/// GitHub's REST API under `/github`, Mattermost under `/mattermost/api/v4`), as
/// `fichesync sandbox` serves them and as the official-clients test starts them: one place
/// decides the layout and the `export` lines a client needs.
public struct FakeSandbox: Sendable {
    public let ovh: FakeOVHServer
    public let mattermost: FakeMattermostServer
    public let github: FakeGitHubServer
    public let server: FakeHTTPServer
    public let domain: String

    /// Starts the fakes on `port` of 127.0.0.1 (0: a free one).
    public static func start(port: Int = 0, domain: String = "beta.gouv.fr") async throws -> FakeSandbox {
        let ovh = FakeOVHServer.unstarted(domain: domain, faults: Faults())
        let mattermost = FakeMattermostServer.unstarted(faults: Faults())
        let github = FakeGitHubServer.unstarted(faults: Faults(), teams: ["community"], everyLoginExists: true)
        let server = try await FakeHTTPServer.start(port: port, mounts: [
            "/ovh": { ovh.answer($0) }, "/github": { github.answer($0) }, "/mattermost": { mattermost.answer($0) },
        ])
        return FakeSandbox(ovh: ovh, mattermost: mattermost, github: github, server: server, domain: domain)
    }

    /// The fakes by the name their saved state goes under (`sandbox_state.provider`).
    public var fakes: [(name: String, fake: any FakeProvider)] {
        [("ovh", ovh), ("mattermost", mattermost), ("github", github)]
    }

    /// `http://127.0.0.1:<port>`
    public var base: String { "http://127.0.0.1:\(server.port)" }

    /// The environment a client needs, in the order `fichesync sandbox` prints it.
    public var exports: [(name: String, value: String)] {
        [
            ("OVH_ENDPOINT", "\(base)/ovh/1.0"), ("OVH_APP_KEY", ovh.applicationKey), ("OVH_APP_SECRET", ovh.applicationSecret),
            ("OVH_CONSUMER_KEY", ovh.consumerKey), ("SECRETARIAT_DOMAIN", domain),
            ("GITHUB_API_URL", "\(base)/github"), ("GITHUB_TOKEN", github.token), ("GITHUB_ORGANIZATION_NAME", github.organization),
            ("MATTERMOST_URL", "\(base)/mattermost"), ("MATTERMOST_BOT_TOKEN", mattermost.token),
            ("MATTERMOST_TEAM_ID", mattermost.communityTeamID), ("MATTERMOST_ALUMNI_TEAM_ID", mattermost.alumniTeamID),
        ]
    }

    public func stop() async throws { try await server.stop() }
}
