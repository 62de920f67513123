import FicheSync

/// The settings planning depends on: names of teams, the domain, the safety rules.
public struct AccountSettings: Hashable, Sendable {
    public var domain: String
    public var communityTeam: String
    public var alumniTeam: String
    public var githubTeam: String?
    /// Accounts never touched, whatever the fiches say (usernames, mailbox names, logins).
    public var protectedAccounts: Set<String>
    public var lifecycle: Lifecycle
    /// How many removals/suspensions per provider a run may make; `nil`: the default limit
    /// (more than 10, or more than 5 % of that provider's accounts when that is larger).
    public var maxDeletions: Int?
    /// Whether `set-<startup>` lists are planned: OVH needs a request per list to read them,
    /// so they are a weekly job rather than part of every run.
    public var mailingLists: Bool

    public init(domain: String, communityTeam: String = "community", alumniTeam: String = "alumni",
                githubTeam: String? = nil, protectedAccounts: Set<String> = [], lifecycle: Lifecycle = Lifecycle(),
                maxDeletions: Int? = nil, mailingLists: Bool = true) {
        self.mailingLists = mailingLists
        self.domain = domain
        self.communityTeam = communityTeam
        self.alumniTeam = alumniTeam
        self.githubTeam = githubTeam
        self.protectedAccounts = protectedAccounts
        self.lifecycle = lifecycle
        self.maxDeletions = maxDeletions
    }
}
