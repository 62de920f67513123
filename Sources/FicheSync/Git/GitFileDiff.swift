import CGit2

/// How one file differs between two commits, with its line counts and patch: what a pull
/// request's "Files changed" tab (`GET /pulls/{n}/files`) lists for each file.
public struct GitFileDiff: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable { case added, modified, removed, renamed }

    public var status: Status
    /// The path after (or, for a removed file, before).
    public var path: String
    /// The path before, for a rename.
    public var previousPath: String?
    /// The blob after (for a removed file, the blob it had).
    public var blob: GitOID
    public var additions: Int
    public var deletions: Int
    /// The hunks in unified format (from the first `@@`), nil for a binary file.
    public var patch: String?
}

extension GitRepository {
    /// Every file that differs from commit `old` to commit `new` (any path, renames found),
    /// in path order.
    public func fileDiffs(from old: GitOID, to new: GitOID) throws(GitError) -> [GitFileDiff] {
        let oldTree = try tree(ofCommit: old)
        defer { git_tree_free(oldTree) }
        let newTree = try tree(ofCommit: new)
        defer { git_tree_free(newTree) }
        var diff: OpaquePointer?
        try check("diff \(old)..\(new)", git_diff_tree_to_tree(&diff, handle, oldTree, newTree, nil))
        defer { git_diff_free(diff) }
        var find = git_diff_find_options()
        try check("rename options", git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)))
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue
        try check("find renames", git_diff_find_similar(diff, &find))

        var files: [GitFileDiff] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let oldPath = delta.old_file.path.map { String(cString: $0) } ?? ""
            let newPath = delta.new_file.path.map { String(cString: $0) } ?? ""
            let status: GitFileDiff.Status
            switch delta.status {
            case GIT_DELTA_ADDED: status = .added
            case GIT_DELTA_DELETED: status = .removed
            case GIT_DELTA_RENAMED: status = .renamed
            default: status = .modified
            }
            var patch: OpaquePointer?
            try check("patch of \(newPath)", git_patch_from_diff(&patch, diff, index))
            defer { git_patch_free(patch) }
            var context = 0, additions = 0, deletions = 0
            try check("count lines of \(newPath)", git_patch_line_stats(&context, &additions, &deletions, patch))
            let binary = delta.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0
            files.append(GitFileDiff(status: status, path: status == .removed ? oldPath : newPath,
                                     previousPath: status == .renamed ? oldPath : nil,
                                     blob: GitOID(status == .removed ? delta.old_file.id : delta.new_file.id),
                                     additions: additions, deletions: deletions,
                                     patch: binary ? nil : try hunks(of: patch)))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// A patch's text from its first hunk on: GitHub's `patch` field leaves out the
    /// `diff --git`, `index`, `---` and `+++` header lines.
    private func hunks(of patch: OpaquePointer?) throws(GitError) -> String {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try check("print patch", git_patch_to_buf(&buffer, patch))
        guard let pointer = buffer.ptr else { return "" }
        let text = String(decoding: UnsafeRawBufferPointer(start: pointer, count: buffer.size), as: UTF8.self)
        guard let start = text.range(of: "\n@@")?.lowerBound else { return text.hasPrefix("@@") ? text : "" }
        var body = String(text[text.index(after: start)...])
        if body.hasSuffix("\n") { body.removeLast() }
        return body
    }
}
