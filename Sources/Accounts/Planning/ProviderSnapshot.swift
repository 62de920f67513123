/// What the providers hold now, as listed from their APIs (plus what fichesync remembers for
/// what providers cannot say, like "this mailbox was suspended by us" or "this GitHub
/// account is that member's").
public struct ProviderSnapshot: Hashable, Sendable {
    /// OVH mailboxes by local part (`jeanne.dupont`), with whether fichesync suspended it.
    public var mailboxes: [String: Mailbox] = [:]
    /// OVH redirections from addresses of the domain, by local part.
    public var redirections: [String: [Redirection]] = [:]
    /// OVH mailing lists (`set-<startup>`) and their subscriber addresses.
    public var mailingLists: [String: Set<String>] = [:]
    /// Mattermost users by username, with the teams they are in.
    public var mattermostUsers: [String: Set<String>] = [:]
    /// Invitations fichesync sent to people with no Mattermost account yet, by username.
    public var mattermostInvitations: [String: Invitation] = [:]
    /// GitHub organisation members, admins included: lowercased login → immutable user id.
    public var githubMembers: [String: Int] = [:]
    /// Organisation admins: never touched.
    public var githubAdmins: Set<String> = []
    /// Pending or failed organisation invitations, by lowercased login.
    public var githubInvitations: [String: Invitation] = [:]
    /// Members of the configured GitHub team (lowercased logins).
    public var githubTeamMembers: Set<String> = []
    /// GitHub identities learned by earlier runs, by member id.
    public var githubIdentities: [String: GitHubIdentity] = [:]

    public struct Mailbox: Hashable, Sendable {
        public var suspended: Bool
        public init(suspended: Bool) { self.suspended = suspended }
    }

    public struct Redirection: Hashable, Sendable, Codable {
        /// OVH's id, what deleting it needs.
        public var id: String
        public var to: String
        public init(id: String, to: String) {
            self.id = id
            self.to = to
        }
    }

    public init() {}
}
