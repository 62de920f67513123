import Foundation

/// The pulls API's shapes: `pull-request-simple` (lists), `pull-request` (one, with its
/// mergeability and counts), `diff-entry` (its files) and `pull-request-merge-result`.
extension GitHubObjects {
    /// `pull-request-simple`, the fields every pull request answer has.
    struct PullRequestSimple: Encodable, Sendable {
        var url: String
        var id: Int
        var node_id, html_url, diff_url, patch_url, issue_url, commits_url, review_comments_url, review_comment_url: String
        var comments_url, statuses_url: String
        var number: Int
        var state: String
        var locked = false
        var title: String
        var user: SimpleUser
        @Nullable var body: String?
        var labels: [Label] = []
        @Nullable var milestone: String? = nil
        @Nullable var active_lock_reason: String? = nil
        var created_at, updated_at: String
        @Nullable var closed_at: String?
        @Nullable var merged_at: String?
        @Nullable var merge_commit_sha: String?
        @Nullable var assignee: SimpleUser? = nil
        var assignees: [SimpleUser] = []
        var requested_reviewers: [SimpleUser] = []
        var requested_teams: [String] = []
        var head, base: Branch
        var _links: Links
        var author_association: String
        @Nullable var auto_merge: String? = nil
        var draft: Bool

        struct Branch: Encodable, Sendable {
            var label, ref, sha: String
            var repo: Repository
            var user: SimpleUser
        }

        struct Links: Encodable, Sendable {
            var comments, commits, statuses, html, issue, review_comments, review_comment, `self`: Link
        }

        struct Link: Encodable, Sendable {
            var href: String
        }
    }

    /// `pull-request`: the simple shape and what GitHub computes for one pull request.
    struct PullRequest: Encodable, Sendable {
        var simple: PullRequestSimple
        var details: Details

        struct Details: Encodable, Sendable {
            var merged: Bool
            /// Null while GitHub computes it, and once the pull request is closed.
            @Nullable var mergeable: Bool?
            @Nullable var rebaseable: Bool?
            var mergeable_state: String
            @Nullable var merged_by: SimpleUser?
            var comments = 0, review_comments = 0
            var maintainer_can_modify: Bool
            var commits, additions, deletions, changed_files: Int
        }

        func encode(to encoder: any Encoder) throws {
            try simple.encode(to: encoder)
            try details.encode(to: encoder)
        }
    }

    /// The simple shape of `pull` in `repository` (`owner/name`), its head and base resolved.
    func pullRequestSimple(_ pull: HostedPull, repository: String, head: PullRequestSimple.Branch,
                           base: PullRequestSimple.Branch, author: SimpleUser) -> PullRequestSimple {
        let url = "\(api)/repos/\(repository)/pulls/\(pull.number)"
        let issue = "\(api)/repos/\(repository)/issues/\(pull.number)"
        let html = "https://github.com/\(repository)/pull/\(pull.number)"
        let statuses = "\(api)/repos/\(repository)/statuses/\(pull.headSHA)"
        return PullRequestSimple(
            url: url, id: pull.id, node_id: Self.nodeID("PR", pull.id), html_url: html, diff_url: html + ".diff",
            patch_url: html + ".patch", issue_url: issue, commits_url: url + "/commits", review_comments_url: url + "/comments",
            review_comment_url: "\(api)/repos/\(repository)/pulls/comments{/number}", comments_url: issue + "/comments",
            statuses_url: statuses, number: pull.number, state: pull.state, title: pull.title, user: author, body: pull.body,
            labels: (pull.labels ?? []).map { label($0, repository: repository) },
            created_at: pull.createdAt, updated_at: pull.updatedAt, closed_at: pull.closedAt, merged_at: pull.mergedAt,
            merge_commit_sha: pull.mergeCommitSHA, head: head, base: base,
            _links: .init(comments: .init(href: issue + "/comments"), commits: .init(href: url + "/commits"),
                          statuses: .init(href: statuses), html: .init(href: html), issue: .init(href: issue),
                          review_comments: .init(href: url + "/comments"),
                          review_comment: .init(href: "\(api)/repos/\(repository)/pulls/comments{/number}"), self: .init(href: url)),
            author_association: "CONTRIBUTOR", draft: pull.draft)
    }

    /// `diff-entry`: one file of `GET /pulls/{n}/files`.
    struct DiffEntry: Encodable, Sendable {
        var sha, filename, status: String
        var additions, deletions, changes: Int
        var blob_url, raw_url, contents_url: String
        var patch: String?
        var previous_filename: String?
    }

    /// `pull-request-merge-result`: `PUT /pulls/{n}/merge`.
    struct MergeResult: Encodable, Sendable {
        var sha: String
        var merged: Bool
        var message: String
    }
}
