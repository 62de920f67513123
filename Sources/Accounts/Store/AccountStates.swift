import Logging
import PostgresNIO

/// Where each member's accounts stand, as fichesync knows it from its journal: the state
/// names of the replaced system (`EMAIL_ACTIVE`, `EMAIL_SUSPENDED`…) and the Mattermost and
/// GitHub statuses. Providers are the truth; this is what fichesync did and is doing.
public struct AccountState: Sendable, Equatable, Codable {
    public var member: String
    public var email: String
    public var mattermost: String
    public var github: String
    /// The member's GitHub account as fichesync knows it (`login #id`), once learned.
    public var githubAccount: String?

    /// From one member's operations, oldest first (action, status).
    static func derive(member: String, operations: [(provider: String, action: String, status: String, group: String?)]) -> AccountState {
        var email = "EMAIL_UNSET", mattermost = "none", github = "none"
        for op in operations {
            let done = op.status == "done", open = ["pending", "running", "failed"].contains(op.status)
            switch (op.provider, op.action) {
            case ("ovh", "create"): if done { email = "EMAIL_ACTIVE" } else if open { email = "EMAIL_CREATION_PENDING" }
            case ("ovh", "reactivate"): if done { email = "EMAIL_ACTIVE" } else if open { email = "EMAIL_RECREATION_PENDING" }
            case ("ovh", "create-redirection"):
                if email == "EMAIL_UNSET" || email.hasPrefix("EMAIL_REDIRECTION") || email == "EMAIL_DELETED" {
                    if done { email = "EMAIL_REDIRECTION_ACTIVE" } else if open { email = "EMAIL_REDIRECTION_PENDING" }
                }
            case ("ovh", "suspend"): if done { email = "EMAIL_SUSPENDED" }
            case ("ovh", "delete"): if done { email = "EMAIL_DELETED" }
            case ("mattermost", "invite"): if done { mattermost = "invited" } else if open { mattermost = "invitation pending" }
            case ("mattermost", "add-to-team"): if done { mattermost = "in \(op.group ?? "team")" }
            case ("mattermost", "remove-from-team"): if done, mattermost == "in \(op.group ?? "")" { mattermost = "left \(op.group ?? "team")" }
            case ("github", "invite"): if done { github = "invited" } else if open { github = "invitation pending" }
            case ("github", "cancel-invitation"): if done, github != "member" { github = "invitation expired" }
            case ("github", "add-to-team"): if done { github = "member, in \(op.group ?? "team")" }
            case ("github", "remove"): if done { github = "removed" }
            default: break
            }
        }
        return AccountState(member: member, email: email, mattermost: mattermost, github: github)
    }

    /// Every member with journaled operations (or one), by id.
    public static func load(member: String? = nil, from connection: PostgresConnection, logger: Logger) async throws -> [AccountState] {
        let rows = try await connection.query("""
            SELECT member, provider, action, status, grp FROM account_operations
            WHERE member IS NOT NULL AND status <> 'superseded' AND (\(member)::text IS NULL OR member = \(member))
            ORDER BY member, id
            """, logger: logger)
        var byMember: [String: [(provider: String, action: String, status: String, group: String?)]] = [:]
        for try await (id, provider, action, status, group) in rows.decode((String, String, String, String, String?).self) {
            byMember[id, default: []].append((provider, action, status, group))
        }
        var states = byMember.keys.sorted().map { derive(member: $0, operations: byMember[$0] ?? []) }
        let identities = try await AccountMemory(connection: connection, logger: logger).githubIdentities()
        for index in states.indices {
            if let identity = identities[states[index].member] { states[index].githubAccount = "\(identity.githubLogin) #\(identity.id)" }
        }
        return states
    }
}
