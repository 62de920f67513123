import AsyncHTTPClient
import Providers

/// Which providers reconcile talks to, read from the environment under the replaced system's
/// variable names (so a deployment keeps its settings). In the library rather than the CLI so
/// that every command that reconciles (`reconcile` today, `serve` next) reads them the same way.
///
/// A provider is configured when all its required variables are set, left out when none of its
/// variables are, and an error otherwise: a half-configured provider silently left out (or a
/// run silently falling back to the sandbox) is a typo nobody sees until accounts are missing.
public struct ProviderConfiguration: Sendable {
    /// `SECRETARIAT_DOMAIN`: the mailboxes' domain, and how Mattermost users are recognised.
    public var domain: String
    public var ovh: OVHCredentials?
    public var mattermost: Mattermost?
    public var github: GitHubCredentials?
    /// `GITHUB_TEAM`: the team active members join, besides the organisation.
    public var githubTeam: String?

    public struct Mattermost: Sendable {
        public var credentials: MattermostCredentials
        /// Plan team names (`community`, `alumni`) → Mattermost team ids.
        public var teamIDs: [String: String]
    }

    /// The variables of one provider: all of `required` must be set (each a list of names any
    /// one of which will do), `optional` ones only count as an intent to configure it.
    public struct Variables: Sendable {
        public var provider: AccountOperation.Provider
        /// How people name it: `OVH`, `Mattermost`, `GitHub`.
        public var label: String
        public var required: [[String]]
        public var optional: [String]

        public var all: [String] { required.flatMap { $0 } + optional }
    }

    public static let variables: [Variables] = [
        Variables(provider: .ovh, label: "OVH", required: [["OVH_APP_KEY"], ["OVH_APP_SECRET"], ["OVH_CONSUMER_KEY"]],
                  optional: [OVHCredentials.endpointVariable]),
        Variables(provider: .mattermost, label: "Mattermost",
                  required: [[MattermostCredentials.urlVariable], ["MATTERMOST_BOT_TOKEN"], ["MATTERMOST_TEAM_ID"]],
                  optional: ["MATTERMOST_ALUMNI_TEAM_ID"]),
        Variables(provider: .github, label: "GitHub",
                  required: [["GITHUB_TOKEN", "GITHUB_ORG_ADMIN_TOKEN"], ["GITHUB_ORGANIZATION_NAME"]],
                  optional: [GitHubCredentials.apiURLVariable, "GITHUB_TEAM"]),
    ]

    /// Every variable that configures a provider (tests clear them all to get the sandbox).
    public static var allVariables: [String] { variables.flatMap(\.all) }

    /// What is wrong with the environment, in one line saying what to set or unset.
    public struct Problem: Error, Sendable, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Providers configured, in plan order.
    public var configured: [AccountOperation.Provider] {
        [ovh.map { _ in .ovh }, mattermost.map { _ in .mattermost }, github.map { _ in .github }].compactMap { $0 }
    }

    /// No provider configured: the caller decides what that means (reconcile: the sandbox).
    public var isEmpty: Bool { configured.isEmpty }

    /// Providers not configured while others are: left out of the run, which says so.
    public var leftOut: [AccountOperation.Provider] {
        isEmpty ? [] : AccountOperation.Provider.allCases.filter { !configured.contains($0) }
    }

    /// Reads the environment; an empty value counts as unset.
    public init(environment: [String: String]) throws(Problem) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var problems: [String] = []
        var complete: Set<AccountOperation.Provider> = []
        for provider in Self.variables {
            let set = provider.all.filter { value($0) != nil }
            guard !set.isEmpty else { continue }
            let missing = provider.required.filter { names in names.allSatisfy { value($0) == nil } }
            guard missing.isEmpty else {
                problems.append(Self.partlyConfigured(provider, set: set, missing: missing))
                continue
            }
            complete.insert(provider.provider)
        }
        domain = value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr"
        func url(_ name: String, default fallback: String, example: String) -> String {
            guard let text = value(name) else { return fallback }
            if !Self.isHTTPURL(text) { problems.append("\(name) is not an http(s) URL: \"\(text)\" (e.g. \(example))") }
            return text
        }
        if complete.contains(.ovh), let key = value("OVH_APP_KEY"), let secret = value("OVH_APP_SECRET"), let consumer = value("OVH_CONSUMER_KEY") {
            let endpoint = url(OVHCredentials.endpointVariable, default: "https://eu.api.ovh.com/1.0", example: "https://eu.api.ovh.com/1.0")
            ovh = OVHCredentials(endpoint: endpoint, applicationKey: key, applicationSecret: secret, consumerKey: consumer)
        }
        if complete.contains(.mattermost), let token = value("MATTERMOST_BOT_TOKEN"), let team = value("MATTERMOST_TEAM_ID") {
            let server = url(MattermostCredentials.urlVariable, default: "", example: "https://mattermost.example.org")
            var teams = ["community": team]
            teams["alumni"] = value("MATTERMOST_ALUMNI_TEAM_ID")
            mattermost = Mattermost(credentials: MattermostCredentials(url: server, token: token), teamIDs: teams)
        }
        if complete.contains(.github), let token = value("GITHUB_ORG_ADMIN_TOKEN") ?? value("GITHUB_TOKEN"),
           let organization = value("GITHUB_ORGANIZATION_NAME") {
            let api = url(GitHubCredentials.apiURLVariable, default: "https://api.github.com", example: "https://api.github.com")
            github = GitHubCredentials(apiURL: api, token: token, organization: organization)
            githubTeam = value("GITHUB_TEAM")
        }
        guard problems.isEmpty else { throw Problem(description: problems.joined(separator: "; ")) }
    }

    /// `OVH is partly configured: OVH_CONSUMER_KEY is missing (set it, or unset OVH_APP_KEY and
    /// OVH_APP_SECRET to leave OVH out)`: both ways out, since only the operator knows which was meant.
    static func partlyConfigured(_ provider: Variables, set: [String], missing: [[String]]) -> String {
        let names = missing.map { alternatives in
            alternatives.count == 1 ? alternatives[0] : "\(alternatives[0]) (or \(alternatives.dropFirst().joined(separator: " or ")))"
        }
        let verb = names.count == 1 ? "is" : "are"
        return "\(provider.label) is partly configured: \(list(names)) \(verb) missing "
            + "(set \(names.count == 1 ? "it" : "them"), or unset \(list(set)) to leave \(provider.label) out)"
    }

    /// `A`, `A and B`, `A, B and C`.
    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "")
    }

    /// What to set to include a provider that is left out.
    public static func requirement(of provider: AccountOperation.Provider) -> String {
        guard let variables = variables.first(where: { $0.provider == provider }) else { return "" }
        return list(variables.required.map { $0[0] })
    }

    static func isHTTPURL(_ text: String) -> Bool {
        for scheme in ["http://", "https://"] where text.lowercased().hasPrefix(scheme) {
            let host = text.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            return !host.isEmpty && !host.hasPrefix(":") && !host.contains(where: \.isWhitespace)
        }
        return false
    }

    /// A reconciler talking to the configured providers (none for the left-out ones).
    public func reconciler(http: HTTPClient) -> Reconciler {
        var reconciler = Reconciler(ovh: nil, mattermost: nil, github: nil)
        if let ovh {
            reconciler.ovh = OVHAccounts(client: OVHClient(http: http, credentials: ovh, domain: domain), domain: domain)
        }
        if let mattermost {
            reconciler.mattermost = MattermostAccounts(client: MattermostClient(http: http, credentials: mattermost.credentials),
                                                       teamIDs: mattermost.teamIDs, domain: domain)
        }
        if let github {
            reconciler.github = GitHubAccounts(client: GitHubClient(http: http, credentials: github), team: githubTeam)
        }
        return reconciler
    }
}
