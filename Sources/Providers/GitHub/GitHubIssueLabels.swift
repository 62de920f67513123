/// Labels on a pull request (an issue, to this API) and its merge: what the referent's
/// confirmation does to the PR it confirms.
extension GitHubClient {
    /// `label`, as GitHub answers it.
    public struct Label: Decodable, Sendable, Equatable {
        public var id: Int
        public var name: String
    }

    struct LabelsBody: Encodable { var labels: [String] }

    /// Adds `labels` (creating those the repository lacks); the issue's labels after it.
    /// Adding a label twice is harmless, so the call may be resent.
    public func addLabels(_ repository: RepositoryName, issue: Int, labels: [String]) async throws -> [Label] {
        try await transport.send(ProviderRoute(.POST, "\(repository.path)/issues/\(issue)/labels").repeatable(),
                                 body: LabelsBody(labels: labels), as: [Label].self).value
    }

    /// `pull-request-merge-result`.
    public struct MergeResult: Decodable, Sendable, Equatable {
        public var sha: String
        public var merged: Bool
        public var message: String
    }

    struct MergeBody: Encodable {
        var sha: String
        var merge_method: String
    }

    /// Merges the PR if its head is still `sha` (GitHub answers 409 otherwise: a push after
    /// the check is not merged unchecked). Not resent: the second try would meet a merged PR.
    public func mergePullRequest(_ repository: RepositoryName, number: Int, sha: String) async throws -> MergeResult {
        try await transport.send(ProviderRoute(.PUT, "\(repository.path)/pulls/\(number)/merge"),
                                 body: MergeBody(sha: try Self.sha(sha), merge_method: "merge"), as: MergeResult.self).value
    }
}
