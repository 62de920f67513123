/// Team memberships.
extension GitHubClient {
    public func teamMembers(_ team: String) async throws -> [Account] {
        try await paginate("\(try orgPath())/teams/\(try Self.segment(team))/members?per_page=100")
    }

    /// Adds (or keeps) a member of a team: a PUT, harmless to repeat.
    public func addToTeam(_ login: String, team: String) async throws {
        _ = try await transport.send(ProviderRoute(.PUT, "\(try orgPath())/teams/\(try Self.segment(team))/memberships/\(try Self.segment(login))"),
                                     body: Role())
    }
}
