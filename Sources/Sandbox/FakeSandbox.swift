import FicheSync
import Foundation

/// The three fakes on one loopback port, each under its own prefix (OVH under `/ovh/1.0`,
/// GitHub's REST API under `/github`, Mattermost under `/mattermost/api/v4`), and an SMTP
/// receiver on a port of its own whose messages are read under `/mail`, as
/// `fichesync sandbox` serves them and as the official-clients test starts them: one place
/// decides the layout and the `export` lines a client needs.
public struct FakeSandbox: Sendable {
    public let ovh: FakeOVHServer
    public let mattermost: FakeMattermostServer
    public let github: FakeGitHubServer
    public let server: FakeHTTPServer
    public let smtp: FakeSMTPServer
    public let domain: String

    /// The repository the sandbox's GitHub hosts (`GITHUB_REPOSITORY`) and the bot's fork of
    /// it (`GITHUB_FORK`), when it hosts repositories.
    public static let upstream = "betagouv/beta.gouv.fr"
    public static let fork = "fichesync-bot/beta.gouv.fr"

    /// Starts the fakes on `port` of 127.0.0.1 (0: a free one). With `repositories` (a
    /// folder), the GitHub fake also hosts ``upstream`` — its `master` a commit of the fiches
    /// of `seed` when it is new — and its fork ``fork``, as bare repositories in that folder.
    public static func start(port: Int = 0, domain: String = "beta.gouv.fr", repositories: String? = nil,
                             seed: String? = nil, smtpPort: Int = 0) async throws -> FakeSandbox {
        var hosting: GitHubHosting?
        if let repositories {
            let opened = try await GitHubHosting.open(root: repositories)
            let files = try await BlockingWork.run { try seed.map { try CatalogReader.readableFileWrites(inDirectory: $0) } ?? [] }
            try await opened.createRepository(upstream, files: files, message: "Fiches of the sandbox")
            try await opened.fork(upstream, owner: "fichesync-bot", ownerID: 500)
            hosting = opened
        }
        let ovh = FakeOVHServer.unstarted(domain: domain, faults: Faults())
        let mattermost = FakeMattermostServer.unstarted(faults: Faults())
        let github = FakeGitHubServer.unstarted(faults: Faults(), teams: ["community"], everyLoginExists: true, hosting: hosting)
        let smtp = try await FakeSMTPServer.start(port: smtpPort)
        let server = try await FakeHTTPServer.start(port: port, mounts: [
            "/ovh": { ovh.answer($0) }, "/github": { github.answer($0) }, "/mattermost": { mattermost.answer($0) },
            "/mail": { smtp.answerMail($0) },
        ])
        return FakeSandbox(ovh: ovh, mattermost: mattermost, github: github, server: server, smtp: smtp, domain: domain)
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
            // The receiver offers no TLS: plain SMTP, said so.
            ("MAIL_HOST", "127.0.0.1"), ("MAIL_PORT", String(smtp.port)), ("MAIL_IGNORE_TLS", "true"),
        ] + repositoryExports
    }

    /// The hosted repositories' lines: the upstream and fork the PR bot works with, and the
    /// upstream's bare repository as `fichesync sync` reads it.
    var repositoryExports: [(name: String, value: String)] {
        guard let path = github.hosting?.path(of: Self.upstream) else { return [] }
        return [("GITHUB_REPOSITORY", Self.upstream), ("GITHUB_FORK", Self.fork), ("FICHES_REPOSITORY", path)]
    }

    /// How to merge pull request `number` of the upstream as its maintainer, with curl (any
    /// GitHub client does the same `PUT`).
    public func mergeCommand(number: String = "1") -> String {
        "curl -X PUT -H \"Authorization: Bearer \(github.maintainerToken)\" \(base)/github/repos/\(Self.upstream)/pulls/\(number)/merge"
    }

    public func stop() async throws {
        try await server.stop()
        try await smtp.stop()
    }
}
