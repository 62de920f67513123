import FicheSync
import Foundation

/// Pull requests on the hosted repositories: opened from a branch of the repository or of a
/// fork of it (`head: "owner:branch"`), listed page by page, read with their real
/// mergeability and counts, their files as git diffs them, merged (merge or squash commit,
/// written by libgit2's merge) and closed. Each keeps `refs/pull/<n>/head` on its base, as
/// GitHub does.
extension FakeGitHubServer {
    static let pullsRoutes: [GitHubRoute] = [
        GitHubRoute(.POST, "/repos/{owner}/{repo}/pulls", documentation: "pulls/pulls#create-a-pull-request",
                    access: .contribute) { _, call, session in
            let base = try session.target(call)
            guard let title = call.body["title"] as? String, !title.isEmpty else {
                throw GitHubFailure.validation("PullRequest", "title is missing", field: "title", code: "missing_field")
            }
            guard let headText = call.body["head"] as? String, let baseBranch = call.body["base"] as? String else {
                throw GitHubFailure.validation("PullRequest", "head and base are required", field: "head", code: "missing_field")
            }
            let parts = headText.split(separator: ":", maxSplits: 1).map(String.init)
            let (headOwner, headBranch) = parts.count == 2 ? (parts[0], parts[1]) : (base.record.owner, headText)
            let headRecord = session.records.repositories.values.first {
                $0.owner.lowercased() == headOwner.lowercased() && $0.network == base.record.network
            }
            guard let headRecord, let headSHA = try HostedTarget(record: headRecord, git: base.git).branch(headBranch) else {
                throw GitHubFailure.validation("PullRequest", "head is invalid", field: "head", code: "invalid")
            }
            guard let baseSHA = try base.branch(baseBranch) else {
                throw GitHubFailure.validation("PullRequest", "base is invalid", field: "base", code: "invalid")
            }
            let pulls = session.records.pulls[base.record.key] ?? []
            if pulls.contains(where: { $0.state == "open" && $0.headRepository == headRecord.key && $0.headBranch == headBranch }) {
                throw GitHubFailure.validation("PullRequest", "A pull request already exists for \(headRecord.owner):\(headBranch).")
            }
            if try headSHA == baseSHA || base.git.isDescendant(baseSHA, of: headSHA) {
                throw GitHubFailure.validation("PullRequest", "No commits between \(baseBranch) and \(headText)")
            }
            let now = GitHubClock.now
            session.records.lastPullID += 1
            let pull = HostedPull(number: (pulls.map(\.number).max() ?? 0) + 1, id: session.records.lastPullID, title: title,
                                  body: call.body["body"] as? String, state: "open", draft: call.body["draft"] as? Bool ?? false,
                                  maintainerCanModify: (call.body["maintainer_can_modify"] as? Bool ?? false) && headRecord.ownerType == "User",
                                  author: session.user.login, authorID: session.user.id, headRepository: headRecord.key,
                                  headBranch: headBranch, headSHA: headSHA.description, baseBranch: baseBranch, createdAt: now, updatedAt: now)
            session.records.pulls[base.record.key, default: []].append(pull)
            try base.git.setReference(base.reference("pull/\(pull.number)/head"), to: headSHA, force: true)
            return call.reply(.created, try FakeGitHubServer.pullObject(pull, base, session, call))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/pulls", documentation: "pulls/pulls#list-pull-requests", access: .read) { server, call, session in
            let base = try session.target(call)
            let state = call.request.query["state"] ?? "open"
            let head = call.request.query["head"]?.lowercased()
            var pulls = (session.records.pulls[base.record.key] ?? []).filter { pull in
                (state == "all" || pull.state == state)
                    && (call.request.query["base"].map { $0 == pull.baseBranch } ?? true)
                    && (head.map { head in
                        let owner = session.records.repositories[pull.headRepository]?.owner.lowercased() ?? ""
                        return head == "\(owner):\(pull.headBranch.lowercased())"
                    } ?? true)
            }
            pulls.reverse()  // newest first, GitHub's default (sort=created, direction=desc)
            if call.request.query["direction"] == "asc" { pulls.reverse() }
            let shapes = try pulls.map { try FakeGitHubServer.pullSimple($0, base, session, call) }
            return server.page(shapes, call.request) { $0 }
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/pulls/{pull_number}", documentation: "pulls/pulls#get-a-pull-request",
                    access: .read) { _, call, session in
            let base = try session.target(call)
            return call.reply(try FakeGitHubServer.pullObject(try FakeGitHubServer.pull(call, base, session), base, session, call))
        },
        GitHubRoute(.PATCH, "/repos/{owner}/{repo}/pulls/{pull_number}", documentation: "pulls/pulls#update-a-pull-request",
                    access: .contribute) { _, call, session in
            let base = try session.target(call)
            var pull = try FakeGitHubServer.pull(call, base, session)
            guard session.user.isMaintainer || session.user.login == pull.author else {
                throw GitHubFailure(.forbidden, "Resource not accessible by personal access token")
            }
            if let title = call.body["title"] as? String { pull.title = title }
            if let body = call.body["body"] as? String { pull.body = body }
            if let state = call.body["state"] as? String, !pull.merged {
                guard state == "open" || state == "closed" else {
                    throw GitHubFailure.validation("PullRequest", "state is invalid", field: "state", code: "invalid")
                }
                if state != pull.state { pull.closedAt = state == "closed" ? GitHubClock.now : nil }
                pull.state = state
            }
            pull.updatedAt = GitHubClock.now
            try FakeGitHubServer.store(pull, base, session)
            return call.reply(try FakeGitHubServer.pullObject(pull, base, session, call))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/pulls/{pull_number}/files", documentation: "pulls/pulls#list-pull-requests-files",
                    access: .read) { server, call, session in
            let base = try session.target(call)
            let pull = try FakeGitHubServer.pull(call, base, session)
            let full = base.record.fullName
            let head = pull.headSHA
            let files = try FakeGitHubServer.files(pull, base).map { file in
                let escaped = file.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? file.path
                return GitHubObjects.DiffEntry(sha: file.blob.description, filename: file.path, status: file.status.rawValue,
                                               additions: file.additions, deletions: file.deletions, changes: file.additions + file.deletions,
                                               blob_url: "https://github.com/\(full)/blob/\(head)/\(escaped)",
                                               raw_url: "https://github.com/\(full)/raw/\(head)/\(escaped)",
                                               contents_url: "\(call.objects.api)/repos/\(full)/contents/\(escaped)?ref=\(head)",
                                               patch: file.patch, previous_filename: file.previousPath)
            }
            return server.page(files, call.request) { $0 }
        },
        GitHubRoute(.PUT, "/repos/{owner}/{repo}/pulls/{pull_number}/merge", documentation: "pulls/pulls#merge-a-pull-request",
                    access: .write) { _, call, session in
            let base = try session.target(call)
            var pull = try FakeGitHubServer.pull(call, base, session)
            let method = call.body["merge_method"] as? String ?? "merge"
            guard method == "merge" || method == "squash" else {
                throw GitHubFailure(.methodNotAllowed, "\(method.capitalized) merges are not allowed on this repository.")
            }
            guard pull.state == "open", let head = GitHubNames.oid(pull.headSHA), let current = try base.branch(pull.baseBranch) else {
                throw GitHubFailure(.methodNotAllowed, "Pull Request is not mergeable")
            }
            if let sha = call.body["sha"] as? String, sha != pull.headSHA {
                throw GitHubFailure(.conflict, "Head branch was modified. Review and try the merge again.")
            }
            let tree: GitOID
            switch try base.git.merge(ours: current, theirs: head) {
            case .upToDate, .conflict: throw GitHubFailure(.methodNotAllowed, "Pull Request is not mergeable")
            case .fastForward: tree = try base.git.treeID(ofCommit: head)
            case .merged(let merged): tree = merged
            }
            let owner = session.records.repositories[pull.headRepository]?.owner ?? pull.author
            let title = call.body["commit_title"] as? String
                ?? (method == "squash" ? "\(pull.title) (#\(pull.number))" : "Merge pull request #\(pull.number) from \(owner)/\(pull.headBranch)")
            let detail = call.body["commit_message"] as? String ?? (method == "squash" ? pull.body ?? "" : pull.title)
            let now = Int64(Date().timeIntervalSince1970)
            let merger = GitSignature(name: session.user.login, email: "\(session.user.id)+\(session.user.login)@users.noreply.github.com", time: now)
            let author = method == "squash"
                ? GitSignature(name: pull.author, email: "\(pull.authorID)+\(pull.author)@users.noreply.github.com", time: now) : merger
            let commit = try base.git.writeCommit(tree: tree, parents: method == "squash" ? [current] : [current, head],
                                                  message: detail.isEmpty ? title : "\(title)\n\n\(detail)", author: author,
                                                  committer: GitSignature(name: "GitHub", email: "noreply@github.com", time: now))
            try base.git.setReference(base.reference("heads/" + pull.baseBranch), to: commit, force: true)
            pull.state = "closed"
            pull.mergedAt = GitHubClock.now
            pull.closedAt = pull.mergedAt
            pull.updatedAt = GitHubClock.now
            pull.mergeCommitSHA = commit.description
            pull.mergedBy = session.user.login
            try FakeGitHubServer.store(pull, base, session)
            try session.headMoved(base.record, branch: pull.baseBranch, to: commit)
            return call.reply(GitHubObjects.MergeResult(sha: commit.description, merged: true, message: "Pull Request successfully merged"))
        },
    ]

    static func pull(_ call: GitHubCall, _ base: HostedTarget, _ session: HostedSession) throws -> HostedPull {
        guard let number = Int(call["pull_number"]), let pull = session.records.pulls[base.record.key]?.first(where: { $0.number == number })
        else { throw GitHubFailure(.notFound, "Not Found") }
        return pull
    }

    static func store(_ pull: HostedPull, _ base: HostedTarget, _ session: HostedSession) throws {
        guard let index = session.records.pulls[base.record.key]?.firstIndex(where: { $0.number == pull.number }) else { return }
        session.records.pulls[base.record.key]?[index] = pull
    }

    /// The files a pull request changes: from where its head left the base (the merge base;
    /// once merged, the base as it was before the merge) to its head.
    static func files(_ pull: HostedPull, _ base: HostedTarget) throws -> [GitFileDiff] {
        guard let head = GitHubNames.oid(pull.headSHA) else { return [] }
        var baseline: GitOID?
        if let merge = GitHubNames.oid(pull.mergeCommitSHA) {
            baseline = try base.git.commitInfo(merge).parents.first
        } else {
            baseline = try base.branch(pull.baseBranch)
        }
        guard let baseline, let from = try base.git.mergeBase(baseline, head) else { return [] }
        return try base.git.fileDiffs(from: from, to: head)
    }

    static func pullSimple(_ pull: HostedPull, _ base: HostedTarget, _ session: HostedSession,
                           _ call: GitHubCall) throws -> GitHubObjects.PullRequestSimple {
        let headRecord = session.records.repositories[pull.headRepository] ?? base.record
        let baseSHA = try base.branch(pull.baseBranch)?.description ?? pull.headSHA
        func branch(_ record: HostedRepository, _ name: String, _ sha: String) -> GitHubObjects.PullRequestSimple.Branch {
            .init(label: "\(record.owner):\(name)", ref: name, sha: sha, repo: session.repositoryObject(record, call.objects),
                  user: call.objects.account(login: record.owner, id: record.ownerID, type: record.ownerType))
        }
        return call.objects.pullRequestSimple(pull, repository: base.record.fullName,
                                              head: branch(headRecord, pull.headBranch, pull.headSHA),
                                              base: branch(base.record, pull.baseBranch, baseSHA),
                                              author: session.account(pull.author, call.objects))
    }

    /// The whole `pull-request`: mergeability computed by a real merge of head into base
    /// (`dirty` on a conflict), counts from the commits and the diff.
    static func pullObject(_ pull: HostedPull, _ base: HostedTarget, _ session: HostedSession,
                           _ call: GitHubCall) throws -> GitHubObjects.PullRequest {
        var mergeable: Bool?
        var state = "unknown"
        if pull.state == "open", let head = GitHubNames.oid(pull.headSHA), let current = try base.branch(pull.baseBranch) {
            if case .conflict = try base.git.merge(ours: current, theirs: head) {
                (mergeable, state) = (false, "dirty")
            } else {
                (mergeable, state) = (true, pull.draft ? "draft" : "clean")
            }
        }
        let files = try files(pull, base)
        var commits = 0
        if let head = GitHubNames.oid(pull.headSHA), let baseline = try base.branch(pull.baseBranch), pull.mergedAt == nil {
            commits = try base.git.aheadBehind(head, baseline).ahead
        } else if let head = GitHubNames.oid(pull.headSHA), let merge = GitHubNames.oid(pull.mergeCommitSHA),
                  let before = try base.git.commitInfo(merge).parents.first {
            commits = try base.git.aheadBehind(head, before).ahead
        }
        return GitHubObjects.PullRequest(
            simple: try pullSimple(pull, base, session, call),
            details: .init(merged: pull.merged, mergeable: mergeable, rebaseable: mergeable, mergeable_state: state,
                           merged_by: pull.mergedBy.map { session.account($0, call.objects) },
                           maintainer_can_modify: pull.maintainerCanModify, commits: commits,
                           additions: files.reduce(0) { $0 + $1.additions }, deletions: files.reduce(0) { $0 + $1.deletions },
                           changed_files: files.count))
    }
}
