import AsyncHTTPClient
import FicheSync
import Providers

/// The GitHub App the checks write as, from the settings: `GITHUB_APP_ID`,
/// `GITHUB_APP_INSTALLATION_ID`, `GITHUB_APP_PRIVATE_KEY` (PEM text, a secret), with
/// `GITHUB_API_URL` and `GITHUB_REPOSITORY`. The upstream's git objects are fetched from
/// `https://github.com/<GITHUB_REPOSITORY>.git` unless `FICHES_REPOSITORY` is a URL or path.
public struct CheckConfiguration: Sendable, Equatable {
    public var app: GitHubAppTokens.Settings
    public var upstream: RepositoryName
    public var gitURL: String

    /// `nil` when no App is configured (the caller then uses the sandbox).
    public init?(_ settings: FicheSyncSettings) throws(BotConfiguration.Problem) {
        let id = settings.value("GITHUB_APP_ID"), installation = settings.value("GITHUB_APP_INSTALLATION_ID"), key = settings.value("GITHUB_APP_PRIVATE_KEY")
        guard id != nil || installation != nil || key != nil else { return nil }
        guard let id, let installation, let key else {
            let missing = [("GITHUB_APP_ID", id), ("GITHUB_APP_INSTALLATION_ID", installation), ("GITHUB_APP_PRIVATE_KEY", key)].filter { $0.1 == nil }.map(\.0)
            throw BotConfiguration.Problem(description: "the GitHub App is partly configured: \(missing.joined(separator: ", ")) missing")
        }
        guard let installationID = Int(installation) else {
            throw BotConfiguration.Problem(description: "GITHUB_APP_INSTALLATION_ID \"\(installation)\" is not a number")
        }
        guard let upstream = RepositoryName(settings.githubRepository) else {
            throw BotConfiguration.Problem(description: "GITHUB_REPOSITORY \"\(settings.githubRepository)\" is not owner/name")
        }
        let source = settings.isSet("FICHES_REPOSITORY") ? settings.fichesRepository : "https://github.com/\(upstream).git"
        self.init(app: .init(appID: id, installationID: installationID, privateKeyPEM: key,
                             apiURL: settings.value(GitHubCredentials.apiURLVariable) ?? "https://api.github.com"),
                  upstream: upstream, gitURL: source)
    }

    public init(app: GitHubAppTokens.Settings, upstream: RepositoryName, gitURL: String) {
        self.app = app
        self.upstream = upstream
        self.gitURL = gitURL
    }

    public func checks(http: HTTPClient, cache: RepositoryCache) throws -> PullRequestChecks {
        let tokens = try GitHubAppTokens(app, http: http)
        let github = GitHubClient(http: http, apiURL: app.apiURL, organization: upstream.owner, tokens: tokens)
        return PullRequestChecks(github: github, upstream: upstream, gitURL: gitURL, cache: cache)
    }
}
