import Foundation

/// A repository named `owner/name`, each part checked before it reaches a path.
public struct RepositoryName: Sendable, Hashable, CustomStringConvertible {
    public var owner: String
    public var name: String

    /// `nil` unless `text` is `owner/name` with GitHub's characters in each part.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, (try? GitHubClient.segment(parts[0])) != nil, (try? GitHubClient.segment(parts[1])) != nil else { return nil }
        owner = parts[0]
        name = parts[1]
    }

    public var description: String { "\(owner)/\(name)" }
    var path: String { "/repos/\(owner)/\(name)" }
}

/// The repository endpoints the PR bot uses: reads from the upstream, Git Data writes to the
/// fork (one commit for any number of files, no clone, no push), pull requests.
///
/// Git objects are content-addressed: creating the same blob, tree or commit twice makes the
/// same object (or an unreferenced twin), so those POSTs are safe to resend. Setting a ref to
/// a sha is too. Opening a pull request is refused the second time ("A pull request already
/// exists"), which the caller turns into the existing one.
extension GitHubClient {
    public struct Repository: Decodable, Sendable, Equatable {
        public var fullName: String
        public var defaultBranch: String
        enum CodingKeys: String, CodingKey { case fullName = "full_name", defaultBranch = "default_branch" }
    }

    public struct Reference: Decodable, Sendable, Equatable {
        public struct Object: Decodable, Sendable, Equatable { public var sha: String }
        public var ref: String
        public var object: Object
    }

    public struct Commit: Decodable, Sendable, Equatable {
        public struct Tree: Decodable, Sendable, Equatable { public var sha: String }
        public var sha: String
        public var tree: Tree
    }

    public struct Created: Decodable, Sendable, Equatable { public var sha: String }

    public struct ContentFile: Decodable, Sendable, Equatable {
        public var sha: String
        public var content: String?
        public var encoding: String?

        /// The file's bytes (GitHub sends base64 cut in lines).
        public var bytes: [UInt8]? {
            guard encoding == "base64", let content else { return nil }
            return Data(base64Encoded: content.filter { !$0.isWhitespace }).map(Array.init)
        }
    }

    public struct PullRequest: Decodable, Sendable, Equatable {
        public struct Branch: Decodable, Sendable, Equatable {
            public struct Repo: Decodable, Sendable, Equatable {
                public var fullName: String
                enum CodingKeys: String, CodingKey { case fullName = "full_name" }
            }
            public var ref: String
            public var sha: String
            public var label: String?
            public var repo: Repo?
        }
        public struct User: Decodable, Sendable, Equatable { public var login: String }

        public var number: Int
        public var htmlURL: String
        /// The API URL (`…/repos/o/r/pulls/n`); the replaced system once compared it with the HTML one.
        public var url: String?
        public var state: String
        public var title: String
        public var draft: Bool?
        /// In a single pull request and in webhooks, not in lists (which have `merged_at`).
        public var merged: Bool?
        public var head: Branch
        public var base: Branch
        public var user: User?
        /// ISO 8601 times.
        public var createdAt: String?
        public var mergedAt: String?
        public var closedAt: String?
        public var body: String?
        /// In a single pull request only: GitHub computes it in the background (`nil` until it
        /// has: ask again later, and once the pull request is closed).
        public var mergeable: Bool?
        public var mergeableState: String?

        enum CodingKeys: String, CodingKey {
            case number, htmlURL = "html_url", url, state, title, draft, merged, head, base, user, body, mergeable
            case createdAt = "created_at", mergedAt = "merged_at", closedAt = "closed_at", mergeableState = "mergeable_state"
        }
    }

    public struct PullRequestFile: Decodable, Sendable, Equatable {
        public var filename: String
        /// `added`, `modified`, `removed`, `renamed`, …
        public var status: String
        public var previousFilename: String?
        enum CodingKeys: String, CodingKey { case filename, status, previousFilename = "previous_filename" }
    }

    /// A file of a new tree: its path and UTF-8 content (GitHub makes the blob).
    public struct TreeFile: Sendable, Equatable {
        public var path: String
        public var content: String
        public init(path: String, content: String) {
            self.path = path
            self.content = content
        }
    }

    public func repository(_ repository: RepositoryName) async throws -> Repository {
        try await transport.send(ProviderRoute(.GET, repository.path), as: Repository.self).value
    }

    /// `heads/master` → the ref, or `nil` when the repository has no such ref.
    public func reference(_ repository: RepositoryName, _ ref: String) async throws -> Reference? {
        do {
            return try await transport.send(ProviderRoute(.GET, "\(repository.path)/git/ref/\(try Self.refPath(ref))"), as: Reference.self).value
        } catch let error as ProviderError where error.status == 404 {
            return nil
        }
    }

    /// The commit a branch (or a tag, or a sha) points to, with its tree: one request where
    /// `git/ref` then `git/commits` take two. `nil` when no commit has that name (GitHub
    /// answers 422 for it, 404 for a repository it does not know).
    public func commit(_ repository: RepositoryName, at ref: String) async throws -> Commit? {
        /// `commit`, the repository's view: the tree is inside `commit`.
        struct RepositoryCommit: Decodable {
            struct Inner: Decodable { var tree: Commit.Tree }
            var sha: String
            var commit: Inner
        }
        let name = try Self.refPath(ref).replacingOccurrences(of: "/", with: "%2F")
        do {
            let found = try await transport.send(ProviderRoute(.GET, "\(repository.path)/commits/\(name)"), as: RepositoryCommit.self).value
            return Commit(sha: try Self.sha(found.sha), tree: found.commit.tree)
        } catch let error as ProviderError where error.status == 422 {
            return nil
        }
    }

    public func commit(_ repository: RepositoryName, sha: String) async throws -> Commit {
        try await transport.send(ProviderRoute(.GET, "\(repository.path)/git/commits/\(try Self.sha(sha))"), as: Commit.self).value
    }

    /// A file at `ref` through the contents API, or `nil` when there is none.
    public func file(_ repository: RepositoryName, path: String, ref: String) async throws -> ContentFile? {
        let route = ProviderRoute(.GET, "\(repository.path)/contents/\(try Self.filePath(path))?ref=\(try Self.sha(ref))")
        do {
            return try await transport.send(route, as: ContentFile.self).value
        } catch let error as ProviderError where error.status == 404 {
            return nil
        }
    }

    struct NewTree: Encodable {
        struct Entry: Encodable {
            var path: String
            var mode = "100644"
            var type = "blob"
            var content: String
        }
        var base_tree: String
        var tree: [Entry]
    }

    public func createTree(_ repository: RepositoryName, base: String, files: [TreeFile]) async throws -> String {
        for file in files { _ = try Self.filePath(file.path) }
        let body = NewTree(base_tree: try Self.sha(base), tree: files.map { NewTree.Entry(path: $0.path, content: $0.content) })
        return try await transport.send(ProviderRoute(.POST, "\(repository.path)/git/trees").repeatable(), body: body, as: Created.self).value.sha
    }

    struct NewCommit: Encodable {
        struct Person: Encodable {
            var name: String
            var email: String
            var date: String
        }
        var message: String
        var tree: String
        var parents: [String]
        var author: Person?
    }

    /// - Parameter author: name, email and ISO 8601 date: given, the commit is the same object when sent again.
    public func createCommit(_ repository: RepositoryName, message: String, tree: String, parents: [String],
                             author: (name: String, email: String, date: String)? = nil) async throws -> String {
        let body = NewCommit(message: message, tree: try Self.sha(tree), parents: try parents.map { try Self.sha($0) },
                             author: author.map { NewCommit.Person(name: $0.name, email: $0.email, date: $0.date) })
        return try await transport.send(ProviderRoute(.POST, "\(repository.path)/git/commits").repeatable(), body: body, as: Created.self).value.sha
    }

    struct NewReference: Encodable {
        var ref: String
        var sha: String
    }

    struct MovedReference: Encodable {
        var sha: String
        var force: Bool
    }

    /// Creates `refs/heads/<branch>`. Not resent blindly: a second try answers "Reference
    /// already exists", which the caller reads as its own branch made by the first.
    public func createBranch(_ repository: RepositoryName, _ branch: String, sha: String) async throws {
        let body = NewReference(ref: "refs/heads/\(try Self.refPath(branch))", sha: try Self.sha(sha))
        _ = try await transport.send(ProviderRoute(.POST, "\(repository.path)/git/refs"), body: body)
    }

    /// Moves a branch to `sha` (setting a ref is harmless to repeat).
    public func moveBranch(_ repository: RepositoryName, _ branch: String, sha: String, force: Bool) async throws {
        let body = MovedReference(sha: try Self.sha(sha), force: force)
        _ = try await transport.send(ProviderRoute(.PATCH, "\(repository.path)/git/refs/heads/\(try Self.refPath(branch))").repeatable(), body: body)
    }

    /// Deletes a branch; one already gone (422 "Reference does not exist") counts as done.
    public func deleteBranch(_ repository: RepositoryName, _ branch: String) async throws {
        _ = try await transport.send(ProviderRoute(.DELETE, "\(repository.path)/git/refs/heads/\(try Self.refPath(branch))", alreadyDone: [404, 422]))
    }

    /// Every open pull request (100 a page, every page).
    public func openPullRequests(_ repository: RepositoryName) async throws -> [PullRequest] {
        try await paginate("\(repository.path)/pulls?state=open&per_page=100")
    }

    /// Open pull requests whose head is `owner:branch`.
    public func openPullRequests(_ repository: RepositoryName, head owner: String, branch: String) async throws -> [PullRequest] {
        try await paginate("\(repository.path)/pulls?state=open&head=\(try Self.segment(owner)):\(try Self.refPath(branch))&per_page=100")
    }

    /// One pull request, whatever its state: how the poll learns whether one that left the
    /// open list was merged or closed without merging. `nil` when there is none.
    public func pullRequest(_ repository: RepositoryName, number: Int) async throws -> PullRequest? {
        guard number > 0 else { return nil }
        do {
            return try await transport.send(ProviderRoute(.GET, "\(repository.path)/pulls/\(number)"), as: PullRequest.self).value
        } catch let error as ProviderError where error.status == 404 {
            return nil
        }
    }

    public func pullRequestFiles(_ repository: RepositoryName, number: Int) async throws -> [PullRequestFile] {
        try await paginate("\(repository.path)/pulls/\(number)/files?per_page=100")
    }

    struct NewPullRequest: Encodable {
        var title: String
        var head: String
        var base: String
        var body: String
        var maintainer_can_modify: Bool
    }

    /// Opens a pull request from `head` (`owner:branch`). Safe to resend: GitHub refuses a
    /// second one for the same head ("A pull request already exists").
    public func createPullRequest(_ repository: RepositoryName, title: String, head: String, base: String, body: String,
                                  maintainerCanModify: Bool) async throws -> PullRequest {
        let request = NewPullRequest(title: title, head: head, base: try Self.refPath(base), body: body, maintainer_can_modify: maintainerCanModify)
        return try await transport.send(ProviderRoute(.POST, "\(repository.path)/pulls").repeatable(), body: request, as: PullRequest.self).value
    }

    /// A ref or branch name as git allows it, checked before it reaches a URL.
    public static func refPath(_ ref: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/")
        guard !ref.isEmpty, ref.allSatisfy(allowed.contains), !ref.contains(".."), !ref.hasPrefix("/"), !ref.hasSuffix("/"),
              !ref.hasSuffix(".lock"), !ref.contains("//") else {
            throw ProviderError(.invalidRequest, provider: "github", method: "-", path: "-", status: nil, message: "\"\(ref)\" cannot be a git ref")
        }
        return ref
    }

    public static func sha(_ text: String) throws -> String {
        guard (4...64).contains(text.count), text.allSatisfy(\.isHexDigit) else {
            throw ProviderError(.invalidRequest, provider: "github", method: "-", path: "-", status: nil, message: "\"\(text)\" is not a git sha")
        }
        return text
    }

    /// A repository file path (`content/_authors/x.md`): segments of safe characters, percent-encoded.
    static func filePath(_ path: String) throws -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.isEmpty, segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") }) else {
            throw ProviderError(.invalidRequest, provider: "github", method: "-", path: "-", status: nil, message: "\"\(path)\" cannot be a file path")
        }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%;")
        return try segments.map { segment in
            guard let encoded = String(segment).addingPercentEncoding(withAllowedCharacters: allowed) else {
                throw ProviderError(.invalidRequest, provider: "github", method: "-", path: "-", status: nil, message: "\"\(path)\" cannot be a file path")
            }
            return encoded
        }.joined(separator: "/")
    }
}
