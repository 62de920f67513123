import FicheSync
import Foundation

/// Hosted repositories themselves: reading one, forking it, a commit and a file's contents at a ref, and
/// bringing a fork's branch up to date with its upstream (`merge-upstream`).
extension FakeGitHubServer {
    static let reposRoutes: [GitHubRoute] = [
        GitHubRoute(.GET, "/repos/{owner}/{repo}", documentation: "repos/repos#get-a-repository", access: .read) { _, call, session in
            call.reply(session.fullRepository(try session.target(call).record, call.objects))
        },
        GitHubRoute(.POST, "/repos/{owner}/{repo}/forks", documentation: "repos/forks#create-a-fork", access: .read) { _, call, session in
            let source = try session.target(call).record
            let organization = call.body["organization"] as? String
            if let organization, !GitHubNames.isOwner(organization) { throw GitHubFailure(.notFound, "Not Found") }
            let owner = organization ?? session.user.login
            let fork = try session.fork(source, owner: owner, ownerID: organization == nil ? session.user.id : 1,
                                        ownerType: organization == nil ? "User" : "Organization",
                                        defaultBranchOnly: call.body["default_branch_only"] as? Bool ?? false)
            return call.reply(.accepted, session.fullRepository(fork, call.objects))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/contents/{path+}", documentation: "repos/contents#get-repository-content",
                    access: .read) { _, call, session in
            let target = try session.target(call)
            let path = call.raw["path"] ?? ""
            guard GitHubNames.isTreePath(path) else { throw GitHubFailure(.notFound, "Not Found") }
            let ref = call.request.query["ref"] ?? target.record.defaultBranch
            guard let commit = try target.commit(ref) else { throw GitHubFailure(.notFound, "No commit found for the ref \(ref)") }
            guard let entry = try target.git.entry(at: path, inCommit: commit), entry.kind == .blob else {
                throw GitHubFailure(.notFound, "Not Found")
            }
            return call.reply(call.objects.contentFile(repository: target.record.fullName, ref: ref, path: path,
                                                       blob: entry.oid.description, bytes: try target.git.blob(entry.oid)))
        },
        // One segment: `commits/{ref}/check-runs` is another endpoint (a branch with slashes is sent escaped).
        GitHubRoute(.GET, "/repos/{owner}/{repo}/commits/{ref}", documentation: "commits/commits#get-a-commit", access: .read) { _, call, session in
            let target = try session.target(call)
            let ref = (call.raw["ref"] ?? "").removingPercentEncoding ?? ""
            guard let commit = try target.commit(ref) else { throw GitHubFailure(.unprocessableEntity, "No commit found for SHA: \(ref)") }
            return call.reply(call.objects.repositoryCommit(repository: target.record.fullName, try target.git.commitInfo(commit)))
        },
        GitHubRoute(.POST, "/repos/{owner}/{repo}/merge-upstream", documentation: "branches/branches#sync-a-fork-branch-with-the-upstream-repository",
                    access: .write) { _, call, session in
            let fork = try session.target(call)
            guard let branch = call.body["branch"] as? String else {
                throw GitHubFailure.validation("Repository", "branch is missing", field: "branch", code: "missing_field")
            }
            guard let parentKey = fork.record.parent, let parent = session.records.repositories[parentKey] else {
                throw GitHubFailure(.unprocessableEntity, "This repository is not a fork")
            }
            let upstream = try session.target(parent.fullName)
            guard let ours = try fork.branch(branch) else { throw GitHubFailure(.notFound, "Branch not found") }
            guard let theirs = try upstream.branch(branch) else { throw GitHubFailure(.notFound, "Branch not found in the upstream") }
            let label = "\(parent.owner):\(branch)"
            let moved: GitOID
            let kind: String
            switch try fork.git.merge(ours: ours, theirs: theirs) {
            case .upToDate:
                return call.reply(GitHubObjects.MergedUpstream(message: "This branch is not behind the upstream", merge_type: "none",
                                                              base_branch: label))
            case .conflict:
                throw GitHubFailure(.conflict, "There are merge conflicts")
            case .fastForward:
                (moved, kind) = (theirs, "fast-forward")
            case .merged(let tree):
                let author = GitSignature(name: "GitHub", email: "noreply@github.com", time: Int64(Date().timeIntervalSince1970))
                moved = try fork.git.writeCommit(tree: tree, parents: [ours, theirs], message: "Merge branch '\(branch)' of github.com:\(parent.fullName)",
                                                 author: author)
                kind = "merge"
            }
            try fork.git.setReference(fork.reference("heads/" + branch), to: moved, force: true)
            try session.headMoved(fork.record, branch: branch, to: moved)
            let verb = kind == "merge" ? "merged" : "fast-forwarded"
            return call.reply(GitHubObjects.MergedUpstream(message: "Successfully fetched and \(verb) from upstream \(label)",
                                                          merge_type: kind, base_branch: label))
        },
    ]
}
