/// One pull request as `GET /pulls/{number}` gives it: with `mergeable`, which GitHub computes
/// in the background (`nil` until it has: ask again later), and the body.
extension GitHubClient {
    public struct PullRequestDetail: Decodable, Sendable, Equatable {
        public var number: Int
        public var state: String
        public var merged: Bool?
        public var mergeable: Bool?
        public var mergeableState: String?
        public var body: String?
        public var head: PullRequest.Branch
        public var base: PullRequest.Branch

        enum CodingKeys: String, CodingKey {
            case number, state, merged, mergeable, mergeableState = "mergeable_state", body, head, base
        }
    }

    public func pullRequestDetail(_ repository: RepositoryName, number: Int) async throws -> PullRequestDetail {
        try await transport.send(ProviderRoute(.GET, "\(repository.path)/pulls/\(number)"), as: PullRequestDetail.self).value
    }
}
