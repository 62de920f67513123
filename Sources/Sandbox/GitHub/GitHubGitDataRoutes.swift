import FicheSync
import Foundation

/// The Git Data API on the hosted repositories: blobs, trees (with `base_tree`, nested
/// paths, `sha: null` removing a file), commits and refs, written to the real bare
/// repository through libgit2, so every sha is git's own.
extension FakeGitHubServer {
    static let gitDataRoutes: [GitHubRoute] = [
        GitHubRoute(.POST, "/repos/{owner}/{repo}/git/blobs", documentation: "git/blobs#create-a-blob", access: .write) { _, call, session in
            let target = try session.target(call)
            guard let content = call.body["content"] as? String else {
                throw GitHubFailure.validation("Blob", "content is missing", field: "content", code: "missing_field")
            }
            let bytes: [UInt8]
            switch call.body["encoding"] as? String ?? "utf-8" {
            case "utf-8", "utf8": bytes = Array(content.utf8)
            case "base64":
                guard let data = Data(base64Encoded: content, options: .ignoreUnknownCharacters) else {
                    throw GitHubFailure.validation("Blob", "content is not valid Base64", field: "content", code: "invalid")
                }
                bytes = Array(data)
            default:
                throw GitHubFailure.validation("Blob", "encoding must be utf-8 or base64", field: "encoding", code: "invalid")
            }
            let oid = try target.git.writeBlob(bytes)
            return call.reply(.created, GitHubObjects.ShortBlob(url: "\(call.objects.api)/repos/\(target.record.fullName)/git/blobs/\(oid)",
                                                                sha: oid.description))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/git/blobs/{file_sha}", documentation: "git/blobs#get-a-blob", access: .read) { _, call, session in
            let target = try session.target(call)
            guard let oid = GitHubNames.oid(call["file_sha"]), target.git.objectKind(oid) == .blob else { throw GitHubFailure(.notFound, "Not Found") }
            return call.reply(call.objects.blob(repository: target.record.fullName, sha: oid.description, bytes: try target.git.blob(oid)))
        },
        GitHubRoute(.POST, "/repos/{owner}/{repo}/git/trees", documentation: "git/trees#create-a-tree", access: .write) { _, call, session in
            let target = try session.target(call)
            let git = target.git
            var base: GitOID?
            if let text = call.body["base_tree"] as? String {
                guard let oid = GitHubNames.oid(text), let kind = git.objectKind(oid), kind == .tree || kind == .commit else {
                    throw GitHubFailure(.unprocessableEntity, "base_tree is not a valid tree oid")
                }
                base = kind == .commit ? try git.treeID(ofCommit: oid) : oid
            }
            guard let items = call.body["tree"] as? [[String: Any]] else {
                throw GitHubFailure.validation("Tree", "tree is missing", field: "tree", code: "missing_field")
            }
            var changes: [GitTreeChange] = []
            for item in items {
                guard let path = item["path"] as? String, GitHubNames.isTreePath(path) else {
                    throw GitHubFailure(.unprocessableEntity, "tree.path contains a malformed path component")
                }
                let mode = (item["mode"] as? String).flatMap { Int32($0, radix: 8) } ?? 0
                let type = item["type"] as? String ?? "blob"
                guard [0o100644, 0o100755, 0o040000, 0o160000, 0o120000].contains(mode), ["blob", "tree", "commit"].contains(type) else {
                    throw GitHubFailure(.unprocessableEntity, "tree.mode and tree.type must name a blob, a tree or a commit")
                }
                if let content = item["content"] as? String {
                    changes.append(GitTreeChange(path: path, mode: mode, oid: try git.writeBlob(Array(content.utf8))))
                } else if item.keys.contains("sha"), item["sha"] is NSNull {
                    changes.append(GitTreeChange(path: path, mode: mode, oid: nil))
                } else {
                    let sha = item["sha"] as? String
                    guard let oid = GitHubNames.oid(sha), type == "commit" || git.objectKind(oid)?.rawValue == type else {
                        throw GitHubFailure(.unprocessableEntity, "tree.sha \(sha ?? "") is not a valid \(type)")
                    }
                    changes.append(GitTreeChange(path: path, mode: mode, oid: oid))
                }
            }
            let tree = try git.writeTree(base: base, changes: changes)
            return call.reply(.created, try FakeGitHubServer.treeObject(target, tree, call, recursive: false))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/git/trees/{tree_sha}", documentation: "git/trees#get-a-tree", access: .read) { _, call, session in
            let target = try session.target(call)
            guard let oid = try target.commit(call.raw["tree_sha"] ?? "").map({ try target.git.treeID(ofCommit: $0) })
                ?? GitHubNames.oid(call["tree_sha"]).flatMap({ target.git.objectKind($0) == .tree ? $0 : nil })
            else { throw GitHubFailure(.notFound, "Not Found") }
            let recursive = call.request.query["recursive"].map { !$0.isEmpty && $0 != "0" && $0 != "false" } ?? false
            return call.reply(try FakeGitHubServer.treeObject(target, oid, call, recursive: recursive))
        },
        GitHubRoute(.POST, "/repos/{owner}/{repo}/git/commits", documentation: "git/commits#create-a-commit", access: .write) { _, call, session in
            let target = try session.target(call)
            let git = target.git
            guard let message = call.body["message"] as? String else {
                throw GitHubFailure.validation("Commit", "message is missing", field: "message", code: "missing_field")
            }
            guard let tree = GitHubNames.oid(call.body["tree"] as? String), git.objectKind(tree) == .tree else {
                throw GitHubFailure(.unprocessableEntity, "Tree SHA does not exist")
            }
            var parents: [GitOID] = []
            for text in call.body["parents"] as? [Any] ?? [] {
                guard let oid = GitHubNames.oid(text as? String), git.objectKind(oid) == .commit else {
                    throw GitHubFailure(.unprocessableEntity, "Parent SHA does not exist or is not a commit object")
                }
                parents.append(oid)
            }
            let author = try FakeGitHubServer.signature(call.body["author"], default: session.user)
            let committer = try FakeGitHubServer.signature(call.body["committer"], default: session.user, fallback: author)
            let oid = try git.writeCommit(tree: tree, parents: parents, message: message, author: author, committer: committer)
            return call.reply(.created, call.objects.commit(repository: target.record.fullName, try git.commitInfo(oid)))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/git/commits/{commit_sha}", documentation: "git/commits#get-a-commit-object",
                    access: .read) { _, call, session in
            let target = try session.target(call)
            guard let oid = GitHubNames.oid(call["commit_sha"]), target.git.objectKind(oid) == .commit else { throw GitHubFailure(.notFound, "Not Found") }
            return call.reply(call.objects.commit(repository: target.record.fullName, try target.git.commitInfo(oid)))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/git/ref/{ref+}", documentation: "git/refs#get-a-reference", access: .read) { _, call, session in
            let target = try session.target(call)
            let name = "refs/" + (call.raw["ref"] ?? "")
            guard GitHubNames.isReference(name), let oid = try target.git.reference(target.reference(name)) else {
                throw GitHubFailure(.notFound, "Not Found")
            }
            return call.reply(FakeGitHubServer.refObject(target, name, oid, call))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/git/matching-refs/{ref+}", documentation: "git/refs#list-matching-references",
                    access: .read) { _, call, session in
            let target = try session.target(call)
            let prefix = "refs/" + (call.raw["ref"] ?? "")
            guard !prefix.contains(".."), !prefix.unicodeScalars.contains(where: { $0.value < 0x20 || "*?[\\".unicodeScalars.contains($0) })
            else { return call.reply([GitHubObjects.Ref]()) }
            let found = try target.git.references(withPrefix: target.reference(prefix))
            return call.reply(found.map { FakeGitHubServer.refObject(target, "refs/" + $0.name.dropFirst(target.record.referencePrefix.count), $0.oid, call) })
        },
        GitHubRoute(.POST, "/repos/{owner}/{repo}/git/refs", documentation: "git/refs#create-a-reference", access: .write) { _, call, session in
            let target = try session.target(call)
            guard let name = call.body["ref"] as? String, name.hasPrefix("refs/"), name.split(separator: "/").count >= 3 else {
                throw GitHubFailure(.unprocessableEntity, "Reference name must start with 'refs/' and have at least two slashes.")
            }
            guard GitHubNames.isReference(name) else { throw GitHubFailure(.unprocessableEntity, "\(name) is not a valid ref name.") }
            guard let oid = GitHubNames.oid(call.body["sha"] as? String), target.git.objectKind(oid) != nil else {
                throw GitHubFailure(.unprocessableEntity, "Object does not exist")
            }
            guard try target.git.reference(target.reference(name)) == nil else {
                throw GitHubFailure(.unprocessableEntity, "Reference already exists")
            }
            try target.git.setReference(target.reference(name), to: oid, force: false)
            if name.hasPrefix("refs/heads/") { try session.headMoved(target.record, branch: String(name.dropFirst(11)), to: oid) }
            return call.reply(.created, FakeGitHubServer.refObject(target, name, oid, call))
        },
        GitHubRoute(.PATCH, "/repos/{owner}/{repo}/git/refs/{ref+}", documentation: "git/refs#update-a-reference", access: .write) { _, call, session in
            let target = try session.target(call)
            let name = "refs/" + (call.raw["ref"] ?? "")
            guard GitHubNames.isReference(name), let current = try target.git.reference(target.reference(name)) else {
                throw GitHubFailure(.unprocessableEntity, "Reference does not exist")
            }
            guard let oid = GitHubNames.oid(call.body["sha"] as? String), target.git.objectKind(oid) != nil else {
                throw GitHubFailure(.unprocessableEntity, "Object does not exist")
            }
            let force = call.body["force"] as? Bool ?? false
            if !force, oid != current, try !target.git.isDescendant(oid, of: current) {
                throw GitHubFailure(.unprocessableEntity, "Update is not a fast forward")
            }
            try target.git.setReference(target.reference(name), to: oid, force: true)
            if name.hasPrefix("refs/heads/") { try session.headMoved(target.record, branch: String(name.dropFirst(11)), to: oid) }
            return call.reply(FakeGitHubServer.refObject(target, name, oid, call))
        },
        GitHubRoute(.DELETE, "/repos/{owner}/{repo}/git/refs/{ref+}", documentation: "git/refs#delete-a-reference", access: .write) { _, call, session in
            let target = try session.target(call)
            let name = "refs/" + (call.raw["ref"] ?? "")
            guard GitHubNames.isReference(name), try target.git.deleteReference(target.reference(name)) else {
                throw GitHubFailure(.unprocessableEntity, "Reference does not exist")
            }
            if name.hasPrefix("refs/heads/") { try session.headMoved(target.record, branch: String(name.dropFirst(11)), to: nil) }
            return .noContent
        },
    ]

    static func refObject(_ target: HostedTarget, _ name: String, _ oid: GitOID, _ call: GitHubCall) -> GitHubObjects.Ref {
        call.objects.ref(repository: target.record.fullName, name: name, oid: oid, kind: target.git.objectKind(oid) ?? .commit)
    }

    static func treeObject(_ target: HostedTarget, _ tree: GitOID, _ call: GitHubCall, recursive: Bool) throws -> GitHubObjects.Tree {
        let entries = try target.git.treeEntries(tree, recursive: recursive).map { entry in
            (entry: entry, size: entry.kind == .blob ? try target.git.blobSize(entry.oid) : nil)
        }
        return call.objects.tree(repository: target.record.fullName, sha: tree.description, entries: entries)
    }

    /// `author` / `committer` of `POST /git/commits` (`{name, email, date?}`), else the
    /// caller's own, dated now.
    static func signature(_ value: Any?, default user: GitHubAccount, fallback: GitSignature? = nil) throws -> GitSignature {
        let now = Int64(Date().timeIntervalSince1970)
        guard let object = value as? [String: Any] else {
            return fallback ?? GitSignature(name: user.login, email: "\(user.id)+\(user.login)@users.noreply.github.com", time: now)
        }
        guard let name = object["name"] as? String, let email = object["email"] as? String,
              !name.unicodeScalars.contains(where: { $0.value < 0x20 }), !email.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "<" || $0 == ">" })
        else { throw GitHubFailure.validation("Commit", "author needs a name and an email", field: "author", code: "invalid") }
        var time = now
        if let date = object["date"] as? String {
            guard let parsed = try? Date(date, strategy: .iso8601) else {
                throw GitHubFailure.validation("Commit", "author.date is not an ISO 8601 time", field: "author.date", code: "invalid")
            }
            time = Int64(parsed.timeIntervalSince1970)
        }
        return GitSignature(name: name, email: email, time: time)
    }
}
