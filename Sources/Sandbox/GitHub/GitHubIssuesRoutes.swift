import Foundation
import Synchronization

/// Comments on issues and pull requests (a pull request is an issue to this API): created,
/// listed with pages, edited in place. Kept in memory (not in `hosting.json`).
extension FakeGitHubServer {
    static let issuesRoutes: [GitHubRoute] = [
        GitHubRoute(.POST, "/repos/{owner}/{repo}/issues/{issue_number}/comments", documentation: "issues/comments#create-an-issue-comment",
                    access: .read) { server, call, session in
            let target = try session.target(call)
            guard let number = Int(call["issue_number"]),
                  (session.records.pulls[target.record.fullName.lowercased()] ?? []).contains(where: { $0.number == number }) else {
                throw GitHubFailure(.notFound, "Not Found")
            }
            guard let body = call.body["body"] as? String, !body.isEmpty else {
                throw GitHubFailure.validation("IssueComment", "body is missing", field: "body", code: "missing_field")
            }
            let comment = FakeIssueComment(id: server.comments.nextID(), repository: target.record.fullName, issue: number, body: body,
                                           login: session.user.login, userID: session.user.id, createdAt: call.now, updatedAt: call.now)
            server.comments.save(comment)
            return call.reply(.created, call.objects.issueComment(comment))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/issues/{issue_number}/comments", documentation: "issues/comments#list-issue-comments",
                    access: .read) { server, call, session in
            let target = try session.target(call)
            let comments = server.comments.all(on: Int(call["issue_number"]) ?? -1, in: target.record.fullName)
            return server.page(comments, call.request) { call.objects.issueComment($0) }
        },
        // Labels need triage access: a maintainer, or the App (its `pull_requests: write`); the
        // bot's own token, a stranger to the upstream, is refused as GitHub refuses it.
        GitHubRoute(.POST, "/repos/{owner}/{repo}/issues/{issue_number}/labels", documentation: "issues/labels#add-labels-to-an-issue",
                    access: .read) { _, call, session in
            let target = try session.target(call)
            guard session.user.isMaintainer || session.user.isApp else {
                throw GitHubFailure(.forbidden, "Resource not accessible by personal access token")
            }
            guard let number = Int(call["issue_number"]),
                  var pull = session.records.pulls[target.record.key]?.first(where: { $0.number == number }) else {
                throw GitHubFailure(.notFound, "Not Found")
            }
            guard let names = call.body["labels"] as? [String], !names.isEmpty,
                  names.allSatisfy({ !$0.isEmpty && $0.count <= 50 && !$0.contains(",") }) else {
                throw GitHubFailure.validation("Label", "labels is invalid", field: "labels", code: "invalid")
            }
            var labels = pull.labels ?? []
            for name in names where !labels.contains(where: { $0.lowercased() == name.lowercased() }) { labels.append(name) }
            pull.labels = labels
            pull.updatedAt = call.now
            try FakeGitHubServer.store(pull, target, session)
            return call.reply(labels.map { call.objects.label($0, repository: target.record.fullName) })
        },
        GitHubRoute(.PATCH, "/repos/{owner}/{repo}/issues/comments/{comment_id}", documentation: "issues/comments#update-an-issue-comment",
                    access: .read) { server, call, session in
            let target = try session.target(call)
            guard var comment = server.comments.comment(Int(call["comment_id"]) ?? -1), comment.repository == target.record.fullName else {
                throw GitHubFailure(.notFound, "Not Found")
            }
            guard comment.login == session.user.login || session.user.isMaintainer else {
                throw GitHubFailure(.forbidden, "Resource not accessible by personal access token")
            }
            guard let body = call.body["body"] as? String, !body.isEmpty else {
                throw GitHubFailure.validation("IssueComment", "body is missing", field: "body", code: "missing_field")
            }
            comment.body = body
            comment.updatedAt = call.now
            server.comments.save(comment)
            return call.reply(call.objects.issueComment(comment))
        },
    ]
}

struct FakeIssueComment: Sendable {
    var id: Int
    var repository: String
    var issue: Int
    var body: String
    var login: String
    var userID: Int
    var createdAt: String
    var updatedAt: String
}

final class FakeIssueComments: Sendable {
    private let comments = Mutex<[Int: FakeIssueComment]>([:])
    private let last = Atomic<Int>(1_900_000_000)

    func nextID() -> Int { last.add(1, ordering: .relaxed).newValue }
    func save(_ comment: FakeIssueComment) { comments.withLock { $0[comment.id] = comment } }
    func comment(_ id: Int) -> FakeIssueComment? { comments.withLock { $0[id] } }
    func all(on issue: Int, in repository: String) -> [FakeIssueComment] {
        comments.withLock { $0.values.filter { $0.issue == issue && $0.repository == repository }.sorted { $0.id < $1.id } }
    }
}

extension GitHubObjects {
    /// `label`, every required field present.
    struct Label: Encodable, Sendable {
        var id: Int
        var node_id: String
        var url: String
        var name: String
        @Nullable var description: String?
        var color: String
        var `default`: Bool
        /// GitHub's archived labels (the schema requires both, null when not archived).
        @Nullable var archived_at: String? = nil
        @Nullable var archived_by: SimpleUser? = nil
    }

    func label(_ name: String, repository: String) -> Label {
        // A stable id from the name, as GitHub's is stable for a repository's label.
        let id = 4_000_000_000 + Int(name.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 } % 1_000_000_000)
        let escaped = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? name
        return Label(id: id, node_id: "LA_kwDO\(id)", url: "\(api)/repos/\(repository)/labels/\(escaped)", name: name,
                     description: nil, color: "0e8a16", default: false)
    }

    /// `issue-comment`, every required field present.
    struct IssueComment: Encodable, Sendable {
        var id: Int
        var node_id: String
        var url: String
        var body: String
        var html_url: String
        var user: SimpleUser
        var created_at: String
        var updated_at: String
        var issue_url: String
        var author_association: String
    }

    func issueComment(_ comment: FakeIssueComment) -> IssueComment {
        IssueComment(
            id: comment.id, node_id: "IC_kwDO\(comment.id)", url: "\(api)/repos/\(comment.repository)/issues/comments/\(comment.id)",
            body: comment.body, html_url: "https://github.com/\(comment.repository)/pull/\(comment.issue)#issuecomment-\(comment.id)",
            user: simpleUser(login: comment.login, id: comment.userID), created_at: comment.createdAt, updated_at: comment.updatedAt,
            issue_url: "\(api)/repos/\(comment.repository)/issues/\(comment.issue)", author_association: "CONTRIBUTOR")
    }
}
