import Configuration
import Foundation

/// Every setting fichesync reads, read once from the environment through swift-configuration,
/// under the replaced system's variable names (`../shared/seed/espace-membre-README.txt`).
///
/// Secrets are marked as such for swift-configuration (its access logs redact them) and are
/// shown redacted by ``report``: a secret reaches the code that needs it, never an output.
public struct FicheSyncSettings: Sendable {
    /// One setting: its variable, what it is for, whether it is a secret, its default.
    public struct Setting: Sendable, Equatable {
        public var variable: String
        public var summary: String
        public var isSecret: Bool
        public var defaultValue: String?

        /// swift-configuration's key for the variable (`OVH_APP_KEY` is `ovh.app.key`).
        var key: ConfigKey { ConfigKey(variable.lowercased().split(separator: "_").map(String.init)) }
    }

    /// Where a value came from, for `fichesync config`.
    public enum Source: String, Sendable, Equatable {
        case environment, `default`, unset
    }

    public static let known: [Setting] = [
        Setting(variable: "DATABASE_URL", summary: "Postgres to use (unset: fichesync's own embedded cluster)", isSecret: true, defaultValue: nil),
        Setting(variable: "FICHESYNC_HOME", summary: "embedded cluster, repository mirrors and snapshots", isSecret: false, defaultValue: ".fichesync"),
        Setting(variable: "FICHES_REPOSITORY", summary: "default SOURCE of `sync`", isSecret: false, defaultValue: "."),
        Setting(variable: "FICHESYNC_LOG_LEVEL", summary: "log level on stderr (trace, debug, info, notice, warning, error)", isSecret: false, defaultValue: "notice"),
        Setting(variable: "FICHESYNC_PROTECTED_ACCOUNTS", summary: "accounts reconcile never touches (comma-separated)", isSecret: false, defaultValue: nil),
        Setting(variable: "SECRETARIAT_DOMAIN", summary: "the community's mail domain", isSecret: false, defaultValue: "beta.gouv.fr"),
        Setting(variable: "OVH_ENDPOINT", summary: "OVH API base URL", isSecret: false, defaultValue: nil),
        Setting(variable: "OVH_APP_KEY", summary: "OVH application key", isSecret: false, defaultValue: nil),
        Setting(variable: "OVH_APP_SECRET", summary: "OVH application secret", isSecret: true, defaultValue: nil),
        Setting(variable: "OVH_CONSUMER_KEY", summary: "OVH consumer key", isSecret: true, defaultValue: nil),
        Setting(variable: "MATTERMOST_URL", summary: "Mattermost server URL", isSecret: false, defaultValue: nil),
        Setting(variable: "MATTERMOST_BOT_TOKEN", summary: "Mattermost bot token", isSecret: true, defaultValue: nil),
        Setting(variable: "MATTERMOST_TEAM_ID", summary: "Mattermost community team", isSecret: false, defaultValue: nil),
        Setting(variable: "MATTERMOST_ALUMNI_TEAM_ID", summary: "Mattermost alumni team", isSecret: false, defaultValue: nil),
        Setting(variable: "GITHUB_TOKEN", summary: "GitHub token (organisation admin)", isSecret: true, defaultValue: nil),
        Setting(variable: "GITHUB_ORG_ADMIN_TOKEN", summary: "GitHub token, the replaced system's name for it", isSecret: true, defaultValue: nil),
        Setting(variable: "GITHUB_ORGANIZATION_NAME", summary: "GitHub organisation", isSecret: false, defaultValue: nil),
        Setting(variable: "GITHUB_API_URL", summary: "GitHub API base URL", isSecret: false, defaultValue: "https://api.github.com"),
        Setting(variable: "GITHUB_TEAM", summary: "GitHub team every active member joins", isSecret: false, defaultValue: nil),
        Setting(variable: "GITHUB_REPOSITORY", summary: "the content repository pull requests go to (owner/name)", isSecret: false, defaultValue: "betagouv/beta.gouv.fr"),
        Setting(variable: "MAIL_HOST", summary: "SMTP server for the PR bot's emails (unset: the sandbox's SMTP receiver)", isSecret: false, defaultValue: nil),
        Setting(variable: "MAIL_PORT", summary: "SMTP port", isSecret: false, defaultValue: "587"),
        Setting(variable: "MAIL_USER", summary: "SMTP login", isSecret: false, defaultValue: nil),
        Setting(variable: "MAIL_PASS", summary: "SMTP password", isSecret: true, defaultValue: nil),
        Setting(variable: "MAIL_IGNORE_TLS", summary: "true: plain SMTP; otherwise STARTTLS is required", isSecret: false, defaultValue: nil),
        Setting(variable: "MAIL_FROM", summary: "sender of the PR bot's emails (default secretariat@SECRETARIAT_DOMAIN)", isSecret: false, defaultValue: nil),
        Setting(variable: "GITHUB_FORK", summary: "the bot's fork its branches are written to (owner/name)", isSecret: false, defaultValue: nil),
        Setting(variable: "GITHUB_BASE_BRANCH", summary: "the branch the bot's pull requests go to (unset: the content repository's default branch)", isSecret: false, defaultValue: nil),
        Setting(variable: "GITHUB_APP_ID", summary: "the GitHub App that writes check runs (its id)", isSecret: false, defaultValue: nil),
        Setting(variable: "GITHUB_APP_INSTALLATION_ID", summary: "the App's installation on the content repository", isSecret: false, defaultValue: nil),
        Setting(variable: "GITHUB_APP_PRIVATE_KEY", summary: "the App's private key (PEM text)", isSecret: true, defaultValue: nil),
        Setting(variable: "GITHUB_WEBHOOK_SECRET", summary: "the secret GitHub signs webhook deliveries with (HMAC-SHA256)", isSecret: true, defaultValue: nil),
        Setting(variable: "FICHESYNC_LINK_SECRET", summary: "the secret the referent's confirmation links are signed with (HMAC-SHA256, 16 bytes at least)", isSecret: true, defaultValue: nil),
        Setting(variable: "FICHESYNC_PUBLIC_URL", summary: "where fichesync's web pages are served (links in messages)", isSecret: false, defaultValue: "http://localhost:8080"),
        Setting(variable: "FICHESYNC_AUTOMERGE", summary: "confirmed: a referent's confirmation merges the PR once its fiches pass", isSecret: false, defaultValue: nil),
        Setting(variable: "GITHUB_MERGE_TOKEN", summary: "a token that may merge on GITHUB_REPOSITORY (for FICHESYNC_AUTOMERGE)", isSecret: true, defaultValue: nil),
        Setting(variable: "FICHESYNC_ADMIN_TOKEN", summary: "`serve`: the bearer token of the operator's routes under /admin (unset: admin is off)", isSecret: true, defaultValue: nil),
        Setting(variable: "FICHESYNC_TRUSTED_PROXIES", summary: "`serve`: proxies whose X-Forwarded-For names the client the rate limit counts (addresses or CIDR networks, comma-separated)", isSecret: false, defaultValue: nil),
        Setting(variable: "FICHESYNC_FORM_SECRET", summary: "`serve`: the key its forms' anti-forgery tokens are signed with (unset: random per process)", isSecret: true, defaultValue: nil),
    ]

    /// Values found in the environment, by variable (empty values count as unset).
    private let found: [String: String]

    /// Reads every known setting from `environment` (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let secrets = Set(Self.known.filter(\.isSecret).map(\.variable))
        let reader = ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment,
                                                                         secretsSpecifier: .specific(secrets)))
        var found: [String: String] = [:]
        for setting in Self.known {
            if let value = reader.string(forKey: setting.key, isSecret: setting.isSecret), !value.isEmpty {
                found[setting.variable] = value
            }
        }
        self.found = found
    }

    /// The value of `variable`, or its default.
    public func value(_ variable: String) -> String? {
        found[variable] ?? Self.known.first { $0.variable == variable }?.defaultValue
    }

    /// Whether `variable` was set (not defaulted): providers configure themselves from what was set.
    public func isSet(_ variable: String) -> Bool { found[variable] != nil }

    /// The set values, as an environment: for code that takes one (provider wiring).
    public var environment: [String: String] { found }

    public var databaseURL: String? { found["DATABASE_URL"] }
    public var home: String { value("FICHESYNC_HOME") ?? ".fichesync" }
    public var fichesRepository: String { value("FICHES_REPOSITORY") ?? "." }
    public var logLevel: String { value("FICHESYNC_LOG_LEVEL") ?? "notice" }
    public var protectedAccounts: Set<String> {
        Set((found["FICHESYNC_PROTECTED_ACCOUNTS"] ?? "").split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty })
    }
    public var githubTeam: String? { found["GITHUB_TEAM"] }
    public var githubRepository: String { value("GITHUB_REPOSITORY") ?? "betagouv/beta.gouv.fr" }
    public var githubFork: String? { found["GITHUB_FORK"] }
    public var githubBaseBranch: String? { found["GITHUB_BASE_BRANCH"] }
    public var githubWebhookSecret: String? { found["GITHUB_WEBHOOK_SECRET"] }
    public var linkSecret: String? { found["FICHESYNC_LINK_SECRET"] }
    public var publicURL: String { value("FICHESYNC_PUBLIC_URL") ?? "http://localhost:8080" }
    /// Whether a referent's confirmation may merge (`FICHESYNC_AUTOMERGE=confirmed`).
    public var mergesOnConfirmation: Bool { found["FICHESYNC_AUTOMERGE"] == "confirmed" }

    /// Every setting with the value in effect and where it came from. Secrets show as
    /// `<secret>` (a `DATABASE_URL` keeps its host and database, its password masked).
    public var report: [(setting: Setting, shown: String, source: Source)] {
        Self.known.map { setting in
            if let value = found[setting.variable] {
                let shown = setting.variable == "DATABASE_URL" ? Self.maskingPassword(value) : setting.isSecret ? "<secret>" : value
                return (setting, shown, .environment)
            }
            if let value = setting.defaultValue { return (setting, value, .default) }
            return (setting, "", .unset)
        }
    }

    /// `postgres://user:****@host/db`; anything that does not parse as a URL is fully hidden.
    static func maskingPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.scheme != nil else { return "<secret>" }
        if components.password != nil { components.password = "****" }
        return components.string ?? "<secret>"
    }
}
