import FicheSync
import Foundation

/// The Git Data API's shapes: `short-blob`, `blob`, `git-tree`, `git-commit`, `git-ref`,
/// built from what libgit2 read, every required field present.
extension GitHubObjects {
    /// `short-blob`: `POST /git/blobs`.
    struct ShortBlob: Encodable, Sendable {
        var url, sha: String
    }

    /// `blob`: `GET /git/blobs/{sha}`.
    struct Blob: Encodable, Sendable {
        var content: String
        var encoding = "base64"
        var url, sha: String
        var size: Int
        var node_id: String
    }

    func blob(repository: String, sha: String, bytes: [UInt8]) -> Blob {
        Blob(content: Self.base64(bytes), url: "\(api)/repos/\(repository)/git/blobs/\(sha)", sha: sha, size: bytes.count,
             node_id: Self.nodeID("B", sha))
    }

    /// `git-tree`: `POST /git/trees`, `GET /git/trees/{sha}`.
    struct Tree: Encodable, Sendable {
        var sha, url: String
        var truncated = false
        var tree: [Item]

        struct Item: Encodable, Sendable {
            var path, mode, type, sha: String
            var size: Int?
            var url: String
        }
    }

    func tree(repository: String, sha: String, entries: [(entry: GitTreeEntry, size: Int?)]) -> Tree {
        let base = "\(api)/repos/\(repository)/git"
        return Tree(sha: sha, url: "\(base)/trees/\(sha)", tree: entries.map { entry, size in
            let kind = entry.kind.rawValue
            return Tree.Item(path: entry.path, mode: entry.modeText, type: kind, sha: entry.oid.description, size: size,
                             url: "\(base)/\(kind == "tree" ? "trees" : kind == "commit" ? "commits" : "blobs")/\(entry.oid)")
        })
    }

    /// `git-commit`: `POST /git/commits`, `GET /git/commits/{sha}`.
    struct Commit: Encodable, Sendable {
        var sha, node_id, url, html_url: String
        var author, committer: Person
        var message: String
        var tree: Reference
        var parents: [Parent]
        var verification = Verification()

        struct Person: Encodable, Sendable {
            var name, email, date: String
        }

        struct Reference: Encodable, Sendable {
            var sha, url: String
        }

        struct Parent: Encodable, Sendable {
            var sha, url, html_url: String
        }

        struct Verification: Encodable, Sendable {
            var verified = false
            var reason = "unsigned"
            @Nullable var signature: String? = nil
            @Nullable var payload: String? = nil
            @Nullable var verified_at: String? = nil
        }
    }

    func commit(repository: String, _ info: GitCommitInfo) -> Commit {
        let base = "\(api)/repos/\(repository)/git"
        func person(_ signature: GitSignature) -> Commit.Person {
            Commit.Person(name: signature.name, email: signature.email,
                          date: Date(timeIntervalSince1970: TimeInterval(signature.time)).formatted(.iso8601))
        }
        let sha = info.oid.description
        return Commit(sha: sha, node_id: Self.nodeID("C", sha), url: "\(base)/commits/\(sha)",
                      html_url: "https://github.com/\(repository)/commit/\(sha)", author: person(info.author),
                      committer: person(info.committer), message: info.message,
                      tree: .init(sha: info.tree.description, url: "\(base)/trees/\(info.tree)"),
                      parents: info.parents.map {
                          .init(sha: $0.description, url: "\(base)/commits/\($0)", html_url: "https://github.com/\(repository)/commit/\($0)")
                      })
    }

    /// `commit` (the repository's view of a commit, not the Git Data API's `git-commit`):
    /// `GET /repos/{owner}/{repo}/commits/{ref}`. The GitHub accounts of its author and
    /// committer are `null`, as GitHub answers for an address it links to no account.
    struct RepositoryCommit: Encodable, Sendable {
        var url, sha, node_id, html_url, comments_url: String
        var commit: Inner
        @Nullable var author: String? = nil
        @Nullable var committer: String? = nil
        var parents: [Commit.Parent]

        struct Inner: Encodable, Sendable {
            var url: String
            var author, committer: Commit.Person
            var message: String
            var comment_count = 0
            var tree: Commit.Reference
            var verification = Commit.Verification()
        }
    }

    func repositoryCommit(repository: String, _ info: GitCommitInfo) -> RepositoryCommit {
        let git = commit(repository: repository, info)
        let sha = git.sha
        return RepositoryCommit(url: "\(api)/repos/\(repository)/commits/\(sha)", sha: sha, node_id: git.node_id, html_url: git.html_url,
                                comments_url: "\(api)/repos/\(repository)/commits/\(sha)/comments",
                                commit: .init(url: git.url, author: git.author, committer: git.committer, message: git.message, tree: git.tree),
                                parents: info.parents.map {
                                    .init(sha: $0.description, url: "\(api)/repos/\(repository)/commits/\($0)",
                                          html_url: "https://github.com/\(repository)/commit/\($0)")
                                })
    }

    /// `git-ref`: `GET /git/ref/{ref}`, `POST /git/refs`, `PATCH /git/refs/{ref}`.
    struct Ref: Encodable, Sendable {
        var ref, node_id, url: String
        var object: Object

        struct Object: Encodable, Sendable {
            var type, sha, url: String
        }
    }

    /// `name` is the full name (`refs/heads/x`), as the repository's owner sees it.
    func ref(repository: String, name: String, oid: GitOID, kind: GitObjectKind) -> Ref {
        let base = "\(api)/repos/\(repository)/git"
        let plural = kind == .tree ? "trees" : kind == .blob ? "blobs" : kind == .tag ? "tags" : "commits"
        return Ref(ref: name, node_id: Self.nodeID("REF", name), url: "\(base)/\(name)",
                   object: .init(type: kind.rawValue, sha: oid.description, url: "\(base)/\(plural)/\(oid)"))
    }

    /// Node ids of objects named by text (a sha, a ref): opaque, stable.
    static func nodeID(_ prefix: String, _ text: String) -> String {
        "\(prefix)_kwDO" + Data(text.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }
}
