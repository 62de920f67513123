/// Organisation members and memberships.
extension GitHubClient {
    /// The answer to `PUT /orgs/{org}/memberships/{username}`: `active` or `pending`, and who.
    public struct Membership: Codable, Sendable, Equatable {
        public var state: String
        public var user: Account?
    }

    /// The body of a membership (organisation or team): the role given.
    struct Role: Encodable {
        var role = "member"
    }

    /// - Parameter role: `all`, `admin` or `member`.
    public func members(role: String = "all") async throws -> [Account] {
        try await paginate("\(try orgPath())/members?role=\(try Self.segment(role))&per_page=100")
    }

    /// Invites (or keeps) a member; calling it again while an invitation is pending is
    /// harmless. The answer names the account, with its immutable id.
    @discardableResult
    public func setMembership(_ login: String) async throws -> Membership {
        try await transport.send(ProviderRoute(.PUT, "\(try orgPath())/memberships/\(try Self.segment(login))"), body: Role(),
                                 as: Membership.self).value
    }

    /// Removes a member (or cancels their pending membership); one already gone counts as done.
    public func removeMembership(_ login: String) async throws {
        _ = try await transport.send(ProviderRoute(.DELETE, "\(try orgPath())/memberships/\(try Self.segment(login))", alreadyDone: [404]))
    }
}
