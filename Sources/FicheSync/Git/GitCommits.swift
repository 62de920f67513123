import CGit2

/// Who wrote or committed a commit, and when (seconds since 1970, the offset in minutes).
public struct GitSignature: Sendable, Hashable {
    public var name: String
    public var email: String
    public var time: Int64
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ signature: git_signature) {
        name = signature.name.map { String(cString: $0) } ?? ""
        email = signature.email.map { String(cString: $0) } ?? ""
        time = signature.when.time
        offsetMinutes = signature.when.offset
    }
}

/// A commit as read back: what the Git Data API's `GET /git/commits/{sha}` shows.
public struct GitCommitInfo: Sendable, Hashable {
    public var oid: GitOID
    public var tree: GitOID
    public var parents: [GitOID]
    public var author: GitSignature
    public var committer: GitSignature
    public var message: String
}

extension GitRepository {
    /// Reads a commit's tree, parents, signatures and message.
    public func commitInfo(_ oid: GitOID) throws(GitError) -> GitCommitInfo {
        var commit: OpaquePointer?
        try oid.withPointer { pointer throws(GitError) in
            try check("read commit \(oid)", git_commit_lookup(&commit, handle, pointer))
        }
        defer { git_commit_free(commit) }
        let parents = (0..<git_commit_parentcount(commit)).compactMap { git_commit_parent_id(commit, $0).map { GitOID($0.pointee) } }
        guard let tree = git_commit_tree_id(commit), let author = git_commit_author(commit), let committer = git_commit_committer(commit)
        else { throw GitError(code: -1, operation: "read commit \(oid)", message: "incomplete commit") }
        return GitCommitInfo(oid: oid, tree: GitOID(tree.pointee), parents: parents, author: GitSignature(author.pointee),
                             committer: GitSignature(committer.pointee),
                             message: git_commit_message(commit).map { String(cString: $0) } ?? "")
    }

    /// Writes a commit of `tree` with `parents`, moving no reference (the Git Data API's
    /// `POST /git/commits`: a ref is moved by a call of its own).
    public func writeCommit(tree: GitOID, parents: [GitOID], message: String, author: GitSignature,
                            committer: GitSignature? = nil, reference: String? = nil) throws(GitError) -> GitOID {
        let treeObject = try lookupTree(tree)
        defer { git_tree_free(treeObject) }
        let authorSignature = try makeSignature(author)
        defer { git_signature_free(authorSignature) }
        let committerSignature = try makeSignature(committer ?? author)
        defer { git_signature_free(committerSignature) }
        var parentCommits: [OpaquePointer?] = []
        defer { parentCommits.forEach { git_commit_free($0) } }
        for parent in parents {
            var commit: OpaquePointer?
            try parent.withPointer { pointer throws(GitError) in
                try check("read parent \(parent)", git_commit_lookup(&commit, handle, pointer))
            }
            parentCommits.append(commit)
        }
        var commitOID = git_oid()
        let result = parentCommits.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&commitOID, handle, reference, authorSignature, committerSignature, "UTF-8",
                              message, treeObject, buffer.count, buffer.baseAddress)
        }
        try check("write commit", result)
        return GitOID(commitOID)
    }

    private func makeSignature(_ signature: GitSignature) throws(GitError) -> UnsafeMutablePointer<git_signature>? {
        var out: UnsafeMutablePointer<git_signature>?
        try check("make signature", git_signature_new(&out, signature.name, signature.email, signature.time,
                                                      signature.offsetMinutes))
        return out
    }
}
