import Foundation
import Testing
@testable import PRBot

/// GitHub's webhook payloads as its documentation shows them ("Webhook events and payloads",
/// `pull_request` closed with `merged: true`, and `push`), trimmed of the URL fields fichesync
/// never reads but keeping every kind of value around the ones it does.
@Suite struct WebhookPayloadTests {
    static let merged = #"""
    {
      "action": "closed",
      "number": 2,
      "pull_request": {
        "url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/2",
        "id": 279147437,
        "node_id": "MDExOlB1bGxSZXF1ZXN0Mjc5MTQ3NDM3",
        "html_url": "https://github.com/Codertocat/Hello-World/pull/2",
        "number": 2,
        "state": "closed",
        "locked": false,
        "title": "Update the README with new information.",
        "user": {"login": "Codertocat", "id": 21031067, "node_id": "MDQ6VXNlcjIxMDMxMDY3", "type": "User", "site_admin": false},
        "body": "This is a pretty simple change that we need to pull into master.",
        "created_at": "2019-05-15T15:20:33Z",
        "updated_at": "2019-05-15T15:20:33Z",
        "closed_at": "2019-05-15T16:02:41Z",
        "merged_at": "2019-05-15T16:02:41Z",
        "merge_commit_sha": "c4295bd74fb0f4fda03689c3df3f2803b658fd85",
        "assignee": null, "assignees": [], "requested_reviewers": [], "requested_teams": [], "labels": [], "milestone": null,
        "draft": false,
        "head": {
          "label": "Codertocat:changes", "ref": "changes", "sha": "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
          "user": {"login": "Codertocat", "id": 21031067},
          "repo": {"id": 186853002, "name": "Hello-World", "full_name": "Codertocat/Hello-World", "private": false, "default_branch": "master"}
        },
        "base": {
          "label": "Codertocat:master", "ref": "master", "sha": "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
          "user": {"login": "Codertocat", "id": 21031067},
          "repo": {"id": 186853002, "name": "Hello-World", "full_name": "Codertocat/Hello-World", "private": false, "default_branch": "master"}
        },
        "author_association": "OWNER",
        "merged": true,
        "mergeable": null,
        "rebaseable": null,
        "mergeable_state": "unknown",
        "merged_by": {"login": "Codertocat", "id": 21031067},
        "comments": 0, "review_comments": 0, "maintainer_can_modify": false, "commits": 1, "additions": 1, "deletions": 1, "changed_files": 1
      },
      "repository": {"id": 186853002, "name": "Hello-World", "full_name": "Codertocat/Hello-World", "private": false,
                     "owner": {"login": "Codertocat", "id": 21031067}, "default_branch": "master"},
      "sender": {"login": "Codertocat", "id": 21031067, "type": "User", "site_admin": false}
    }
    """#

    static let push = #"""
    {
      "ref": "refs/tags/simple-tag",
      "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
      "after": "0000000000000000000000000000000000000000",
      "created": false, "deleted": true, "forced": false, "base_ref": null,
      "compare": "https://github.com/Codertocat/Hello-World/compare/6113728f27ae...000000000000",
      "commits": [], "head_commit": null,
      "repository": {"id": 186853002, "name": "Hello-World", "full_name": "Codertocat/Hello-World", "default_branch": "master",
                     "master_branch": "master"},
      "pusher": {"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com"},
      "sender": {"login": "Codertocat", "id": 21031067}
    }
    """#

    @Test func aMergedPullRequestsPayloadIsAMergeObservation() throws {
        let payload = try JSONDecoder().decode(WebhookPayloads.PullRequestEvent.self, from: Data(Self.merged.utf8))
        #expect(payload.action == "closed" && payload.repository.fullName == "Codertocat/Hello-World")
        let observedAt = Date()
        let observation = try PullRequestObservation(payload.pullRequest, members: nil, observedAt: observedAt)
        #expect(observation.status == .merged(at: try Date("2019-05-15T16:02:41Z", strategy: .iso8601)))
        #expect(observation.number == 2)
        #expect(observation.apiURL == "https://api.github.com/repos/Codertocat/Hello-World/pulls/2")
        #expect(observation.htmlURL == "https://github.com/Codertocat/Hello-World/pull/2")
        #expect(observation.headRepository == "Codertocat/Hello-World" && observation.headBranch == "changes")
        #expect(observation.headSHA == "ec26c3e57ca3a959ca5aad62de7213c562f8c821" && observation.baseBranch == "master")
        #expect(observation.openedAt == (try Date("2019-05-15T15:20:33Z", strategy: .iso8601)))
        // Closed without merging: the other end state.
        let refused = Self.merged.replacingOccurrences(of: #""merged": true"#, with: #""merged": false"#)
            .replacingOccurrences(of: #""merged_at": "2019-05-15T16:02:41Z""#, with: #""merged_at": null"#)
        let closed = try JSONDecoder().decode(WebhookPayloads.PullRequestEvent.self, from: Data(refused.utf8))
        #expect(try PullRequestObservation(closed.pullRequest, members: nil, observedAt: observedAt).status
            == .closed(at: try Date("2019-05-15T16:02:41Z", strategy: .iso8601)))
    }

    @Test func identifiersFromOutsideAreChecked() throws {
        for (field, hostile) in [("\"changes\"", "\"../../etc\""), ("\"ec26c3e57ca3a959ca5aad62de7213c562f8c821\"", "\"ec26; DROP TABLE\""),
                                 ("\"Codertocat/Hello-World\", \"private\"", "\"Codertocat/Hello/World\", \"private\"")] {
            let text = Self.merged.replacingOccurrences(of: field, with: hostile)
            #expect(text != Self.merged)
            let payload = try JSONDecoder().decode(WebhookPayloads.PullRequestEvent.self, from: Data(text.utf8))
            #expect(throws: ObservationProblem.self) { try PullRequestObservation(payload.pullRequest, members: nil, observedAt: Date()) }
        }
    }

    @Test func aPushPayloadDecodes() throws {
        let payload = try JSONDecoder().decode(WebhookPayloads.PushEvent.self, from: Data(Self.push.utf8))
        #expect(payload.ref == "refs/tags/simple-tag" && payload.after == String(repeating: "0", count: 40))
        #expect(payload.repository.defaultBranch == "master")
    }
}
