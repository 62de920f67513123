/// Comments on a pull request (an issue, to this API): the bot's merge preview is one comment,
/// found again by a marker and edited in place rather than posted anew.
extension GitHubClient {
    public struct IssueComment: Decodable, Sendable, Equatable {
        public struct User: Decodable, Sendable, Equatable { public var login: String }
        public var id: Int
        public var body: String?
        public var user: User?
    }

    struct CommentBody: Encodable { var body: String }

    public func comments(_ repository: RepositoryName, issue: Int) async throws -> [IssueComment] {
        try await paginate("\(repository.path)/issues/\(issue)/comments?per_page=100")
    }

    /// Not resent blindly: a second try would post a second comment.
    public func createComment(_ repository: RepositoryName, issue: Int, body: String) async throws -> IssueComment {
        try await transport.send(ProviderRoute(.POST, "\(repository.path)/issues/\(issue)/comments"), body: CommentBody(body: body), as: IssueComment.self).value
    }

    /// Replacing a comment's text is harmless to repeat.
    public func updateComment(_ repository: RepositoryName, id: Int, body: String) async throws -> IssueComment {
        try await transport.send(ProviderRoute(.PATCH, "\(repository.path)/issues/comments/\(id)").repeatable(), body: CommentBody(body: body),
                                 as: IssueComment.self).value
    }
}
