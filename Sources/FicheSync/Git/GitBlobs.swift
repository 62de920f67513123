import CGit2

extension GitRepository {
    /// Writes `bytes` as a blob (the Git Data API's `POST /git/blobs`, the PR bot's fiches)
    /// and returns its id; writing the same bytes twice gives the same id and one object.
    public func writeBlob(_ bytes: [UInt8]) throws(GitError) -> GitOID {
        var oid = git_oid()
        let result = bytes.withUnsafeBytes { git_blob_create_from_buffer(&oid, handle, $0.baseAddress, $0.count) }
        try check("write blob", result)
        return GitOID(oid)
    }

    /// A blob's bytes, copied out (``withBlob(_:_:)`` reads them in place).
    public func blob(_ oid: GitOID) throws(GitError) -> [UInt8] {
        var blob: OpaquePointer?
        try oid.withPointer { pointer throws(GitError) in
            try check("read blob \(oid)", git_blob_lookup(&blob, handle, pointer))
        }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let start = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: start, count: size))
    }

    /// A blob's size in bytes, without reading its content into memory.
    public func blobSize(_ oid: GitOID) throws(GitError) -> Int {
        var blob: OpaquePointer?
        try oid.withPointer { pointer throws(GitError) in
            try check("read blob \(oid)", git_blob_lookup(&blob, handle, pointer))
        }
        defer { git_blob_free(blob) }
        return Int(git_blob_rawsize(blob))
    }

    /// The kind of object `oid` names in this repository, or nil when there is none: callers
    /// from outside (an API's `sha` field) learn "no such object" without parsing an error.
    public func objectKind(_ oid: GitOID) -> GitObjectKind? {
        var object: OpaquePointer?
        guard oid.withPointer({ git_object_lookup(&object, handle, $0, GIT_OBJECT_ANY) }) == 0 else { return nil }
        defer { git_object_free(object) }
        switch git_object_type(object) {
        case GIT_OBJECT_BLOB: return .blob
        case GIT_OBJECT_TREE: return .tree
        case GIT_OBJECT_COMMIT: return .commit
        case GIT_OBJECT_TAG: return .tag
        default: return nil
        }
    }
}

/// What a git object is, as the Git Data API names it (`blob`, `tree`, `commit`, `tag`).
public enum GitObjectKind: String, Sendable, Hashable {
    case blob, tree, commit, tag
}
