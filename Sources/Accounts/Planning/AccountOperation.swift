/// One change to make on a provider, with the reason a maintainer reads in the plan.
public struct AccountOperation: Hashable, Sendable, Comparable, Codable {
    public enum Provider: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
        case ovh, mattermost, github

        public static func < (lhs: Provider, rhs: Provider) -> Bool {
            allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
        }
    }

    /// What to do. The order of the cases is the order of application within a provider:
    /// creations before memberships, removals last.
    public enum Action: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
        case create, reactivate, createRedirection = "create-redirection", cancelInvitation = "cancel-invitation", invite
        case addToTeam = "add-to-team", createList = "create-list", subscribe
        case unsubscribe, removeFromTeam = "remove-from-team", suspend, remove, deleteRedirection = "delete-redirection", delete

        /// Removals and suspensions: what the deletion limit counts.
        public var isDestructive: Bool { [.suspend, .remove, .deleteRedirection, .delete, .removeFromTeam].contains(self) }

        public static func < (lhs: Action, rhs: Action) -> Bool {
            allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
        }
    }

    public var provider: Provider
    public var action: Action
    /// The account, team or list acted on: `jeanne.dupont@domain`, `github:login`, `set-aides-jeunes`…
    public var target: String
    /// For team and list operations: the team or list.
    public var group: String?
    /// The member whose fiche asks for it (`nil` for list creations).
    public var member: String?
    public var reason: String

    public init(_ provider: Provider, _ action: Action, target: String, group: String? = nil, member: String?, reason: String) {
        self.provider = provider
        self.action = action
        self.target = target
        self.group = group
        self.member = member
        self.reason = reason
    }

    /// Same plan, same order: by provider, action, target, group.
    public static func < (lhs: AccountOperation, rhs: AccountOperation) -> Bool {
        (lhs.provider, lhs.action, lhs.target, lhs.group ?? "") < (rhs.provider, rhs.action, rhs.target, rhs.group ?? "")
    }

    /// Whether the provider shows that this operation was done, so that one interrupted
    /// mid-call can be checked rather than repeated. Mattermost lists no pending email
    /// invitations: an invitation cut off mid-call cannot be told from one never sent.
    public var isObservable: Bool { !(provider == .mattermost && action == .invite) }

    /// A stable key for the journal: the same operation planned twice is the same row.
    public var idempotencyKey: String {
        [provider.rawValue, action.rawValue, target, group ?? ""].joined(separator: "|")
    }
}
