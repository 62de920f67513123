/// Organisation invitations: pending, failed, cancelled.
extension GitHubClient {
    /// An organisation invitation (pending, or from `failed_invitations`). Times are
    /// ISO 8601 as GitHub sends them.
    public struct Invitation: Codable, Sendable, Equatable {
        public var id: Int
        public var login: String?
        public var email: String?
        public var createdAt: String?
        public var failedAt: String?
        public var failedReason: String?

        enum CodingKeys: String, CodingKey {
            case id, login, email, createdAt = "created_at", failedAt = "failed_at", failedReason = "failed_reason"
        }
    }

    public func invitations() async throws -> [Invitation] {
        try await paginate("\(try orgPath())/invitations?per_page=100")
    }

    /// Invitations that failed (expired after 7 days, or refused).
    public func failedInvitations() async throws -> [Invitation] {
        try await paginate("\(try orgPath())/failed_invitations?per_page=100")
    }

    /// Cancels an invitation; one already gone counts as done.
    public func cancelInvitation(_ id: Int) async throws {
        _ = try await transport.send(ProviderRoute(.DELETE, "\(try orgPath())/invitations/\(id)", alreadyDone: [404]))
    }
}
