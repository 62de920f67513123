import Providers

/// The Mattermost side of reconcile: who exists, in which team; invitations and team moves.
public struct MattermostAccounts: Sendable {
    let client: MattermostClient
    /// Team names used in plans (`community`, `alumni`) → Mattermost team ids.
    let teamIDs: [String: String]
    /// The team invitations go to.
    let communityTeam: String
    let domain: String

    public init(client: MattermostClient, teamIDs: [String: String], communityTeam: String = "community", domain: String) {
        self.client = client
        self.teamIDs = teamIDs
        self.communityTeam = communityTeam
        self.domain = domain
    }

    /// Users and their teams, from paginated lists: O(pages) requests, not O(members).
    /// `sent` are the invitations of earlier runs (from `AccountMemory`), by member id: they
    /// stand until the account appears.
    ///
    /// Users are keyed by member id: the local part of their address in the domain (people
    /// choose their username when they accept an invitation), else their username.
    public func snapshot(into snapshot: inout ProviderSnapshot, sent: [String: Invitation]) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for user in try await client.users() {
            let key = memberKey(user)
            snapshot.mattermostUsers[key] = []
            ids[key] = user.id
        }
        for (name, id) in teamIDs.sorted(by: { $0.key < $1.key }) {
            for user in try await client.users(inTeam: id) { snapshot.mattermostUsers[memberKey(user), default: []].insert(name) }
        }
        snapshot.mattermostInvitations = sent.filter { ids[$0.key] == nil }
        return ids
    }

    func memberKey(_ user: MattermostClient.User) -> String {
        let email = user.email.lowercased(), suffix = "@\(domain.lowercased())"
        return email.hasSuffix(suffix) ? String(email.dropLast(suffix.count)) : user.username
    }

    /// - Parameter userIDs: member id → user id, from the snapshot of this run.
    public func perform(_ op: AccountOperation, userIDs: [String: String]) async throws {
        switch op.action {
        case .invite:
            guard let team = teamIDs[communityTeam] else { throw missing("team \(communityTeam)") }
            try await client.invite(email: "\(op.target)@\(domain)", toTeam: team)
        case .addToTeam, .removeFromTeam:
            guard let team = op.group.flatMap({ teamIDs[$0] }) else { throw missing("team \(op.group ?? "?")") }
            guard let user = userIDs[op.target] else { throw missing("user \(op.target)") }
            if op.action == .addToTeam {
                try await client.addToTeam(userID: user, team: team)
            } else {
                try await client.removeFromTeam(userID: user, team: team)
            }
        default:
            throw ProviderError(.invalidRequest, provider: "mattermost", method: "-", path: "-", status: nil, message: "Mattermost has no \(op.action.rawValue)")
        }
    }

    private func missing(_ what: String) -> ProviderError {
        ProviderError(.invalidRequest, provider: "mattermost", method: "-", path: "-", status: nil, message: "unknown \(what)")
    }
}
