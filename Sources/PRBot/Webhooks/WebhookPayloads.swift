import Providers

/// The fields fichesync reads of GitHub's webhook payloads (docs: "Webhook events and
/// payloads"); everything else in them is ignored. The `pull_request` object of a
/// `pull_request` event has the REST API's pull-request shape, so it decodes as one.
enum WebhookPayloads {
    struct Repository: Decodable, Sendable {
        var fullName: String
        var defaultBranch: String?
        enum CodingKeys: String, CodingKey { case fullName = "full_name", defaultBranch = "default_branch" }
    }

    /// `pull_request`: `opened`, `synchronize`, `reopened`, `edited`, `closed` (with
    /// `pull_request.merged`), `converted_to_draft`, `ready_for_review`, and others fichesync ignores.
    struct PullRequestEvent: Decodable, Sendable {
        var action: String
        var number: Int
        var pullRequest: GitHubClient.PullRequest
        var repository: Repository
        enum CodingKeys: String, CodingKey { case action, number, pullRequest = "pull_request", repository }
    }

    /// `push`: the ref moved from `before` to `after`.
    struct PushEvent: Decodable, Sendable {
        var ref: String
        var before: String
        var after: String
        var repository: Repository
    }
}
