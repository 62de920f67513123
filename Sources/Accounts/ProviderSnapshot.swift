/// What the providers hold now, as listed from their APIs (plus the states fichesync keeps
/// for what providers cannot say, like "this mailbox was suspended by us").
public struct ProviderSnapshot: Hashable, Sendable {
    /// OVH mailboxes by local part (`jeanne.dupont`), with whether fichesync suspended it.
    public var mailboxes: [String: Mailbox] = [:]
    /// OVH mailing lists (`set-<startup>`) and their subscriber addresses.
    public var mailingLists: [String: Set<String>] = [:]
    /// Mattermost users by username, with the teams they are in.
    public var mattermostUsers: [String: Set<String>] = [:]
    /// Pending Mattermost invitations, by username: they count as present.
    public var mattermostInvitations: Set<String> = []
    /// GitHub organisation members (lowercased logins), admins included.
    public var githubMembers: Set<String> = []
    /// Organisation admins: never touched.
    public var githubAdmins: Set<String> = []
    /// Pending organisation invitations (lowercased logins): they count as present.
    public var githubInvitations: Set<String> = []
    /// Members of the configured GitHub team (lowercased logins).
    public var githubTeamMembers: Set<String> = []

    public struct Mailbox: Hashable, Sendable {
        public var suspended: Bool
        public init(suspended: Bool) { self.suspended = suspended }
    }

    public init() {}
}
