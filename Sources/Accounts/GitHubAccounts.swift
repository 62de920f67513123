import Providers

/// The GitHub side of reconcile: organisation members, admins, invitations, one team.
public struct GitHubAccounts: Sendable {
    let client: GitHubClient
    let team: String?

    public init(client: GitHubClient, team: String?) {
        self.client = client
        self.team = team
    }

    /// O(pages) requests: members, admins, invitations, team members.
    public func snapshot(into snapshot: inout ProviderSnapshot) async throws {
        snapshot.githubMembers = Set(try await client.members().map { $0.login.lowercased() })
        snapshot.githubAdmins = Set(try await client.members(role: "admin").map { $0.login.lowercased() })
        snapshot.githubInvitations = Set(try await client.invitations().compactMap { $0.login?.lowercased() })
        if let team { snapshot.githubTeamMembers = Set(try await client.teamMembers(team).map { $0.login.lowercased() }) }
    }

    public func perform(_ op: AccountOperation) async throws {
        switch op.action {
        case .invite: try await client.setMembership(op.target)
        case .remove: try await client.removeMembership(op.target)
        case .addToTeam: try await client.addToTeam(op.target, team: op.group ?? team ?? "")
        default:
            throw ProviderError(provider: "github", method: "-", path: "-", status: nil, message: "GitHub has no \(op.action.rawValue)")
        }
    }
}
