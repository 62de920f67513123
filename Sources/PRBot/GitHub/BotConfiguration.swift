import AsyncHTTPClient
import FicheSync
import Logging
import Providers

/// Where the bot opens its pull requests, from the settings (the replaced system's names):
/// `GITHUB_TOKEN` (or `GITHUB_ORG_ADMIN_TOKEN`), `GITHUB_API_URL`, `GITHUB_REPOSITORY` (the
/// content repository), `GITHUB_FORK` (the bot's fork, where its branches go), and
/// `GITHUB_BASE_BRANCH` (unset: the content repository's default branch, asked once).
public struct BotConfiguration: Sendable, Equatable {
    public var apiURL: String
    public var token: String
    public var upstream: RepositoryName
    public var fork: RepositoryName
    /// `nil`: the upstream's default branch.
    public var baseBranch: String?

    /// Why the settings do not make a bot: one line naming the variable.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// `nil` when no GitHub token is set (the caller then uses the sandbox).
    public init?(_ settings: FicheSyncSettings) throws(Problem) {
        guard let token = settings.value("GITHUB_TOKEN") ?? settings.value("GITHUB_ORG_ADMIN_TOKEN") else { return nil }
        guard let upstream = RepositoryName(settings.githubRepository) else {
            throw Problem(description: "GITHUB_REPOSITORY \"\(settings.githubRepository)\" is not owner/name")
        }
        guard let forkName = settings.githubFork else {
            throw Problem(description: "GITHUB_FORK is missing: the bot writes its branches to a fork of \(upstream) (owner/name)")
        }
        guard let fork = RepositoryName(forkName) else { throw Problem(description: "GITHUB_FORK \"\(forkName)\" is not owner/name") }
        guard fork != upstream else {
            throw Problem(description: "GITHUB_FORK is GITHUB_REPOSITORY: the bot writes to a fork, never to the content repository itself")
        }
        let baseBranch = settings.githubBaseBranch
        if let baseBranch, (try? GitHubClient.refPath(baseBranch)) == nil {
            throw Problem(description: "GITHUB_BASE_BRANCH \"\(baseBranch.prefix(80))\" is not a branch name")
        }
        self.init(apiURL: settings.value(GitHubCredentials.apiURLVariable) ?? "https://api.github.com", token: token, upstream: upstream, fork: fork,
                  baseBranch: baseBranch)
    }

    public init(apiURL: String, token: String, upstream: RepositoryName, fork: RepositoryName, baseBranch: String? = nil) {
        self.apiURL = apiURL
        self.token = token
        self.upstream = upstream
        self.fork = fork
        self.baseBranch = baseBranch
    }

    public func opener(http: HTTPClient, logger: Logger) -> PullRequestOpener {
        let github = GitHubClient(http: http, credentials: GitHubCredentials(apiURL: apiURL, token: token, organization: upstream.owner))
        return PullRequestOpener(github: github, upstream: upstream, fork: fork, baseBranch: baseBranch, logger: logger)
    }
}
