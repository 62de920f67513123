import CGit2

/// What merging `theirs` into `ours` comes to, as GitHub's merge button and `merge-upstream`
/// need to know it before writing anything.
public enum GitMergeOutcome: Sendable, Equatable {
    /// `theirs` is already in `ours`: nothing to do.
    case upToDate
    /// `ours` is in `theirs`: moving the branch to `theirs` is the merge.
    case fastForward
    /// A true merge: the merged tree, written, for a merge (or squash) commit to point at.
    case merged(tree: GitOID)
    /// Both sides changed these paths differently.
    case conflict(paths: [String])
}

extension GitRepository {
    /// Merges two commits in memory (libgit2's `git_merge_commits`, from their merge base),
    /// without a work tree or an index on disk.
    public func merge(ours: GitOID, theirs: GitOID) throws(GitError) -> GitMergeOutcome {
        if ours == theirs { return .upToDate }
        if try isDescendant(ours, of: theirs) { return .upToDate }
        if try isDescendant(theirs, of: ours) { return .fastForward }
        var ourCommit: OpaquePointer?
        var theirCommit: OpaquePointer?
        defer {
            git_commit_free(ourCommit)
            git_commit_free(theirCommit)
        }
        try ours.withPointer { pointer throws(GitError) in try check("read commit \(ours)", git_commit_lookup(&ourCommit, handle, pointer)) }
        try theirs.withPointer { pointer throws(GitError) in
            try check("read commit \(theirs)", git_commit_lookup(&theirCommit, handle, pointer))
        }
        var options = git_merge_options()
        try check("merge options", git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)))
        var index: OpaquePointer?
        try check("merge \(theirs) into \(ours)", git_merge_commits(&index, handle, ourCommit, theirCommit, &options))
        defer { git_index_free(index) }
        if git_index_has_conflicts(index) == 1 {
            return .conflict(paths: try conflictPaths(index))
        }
        var tree = git_oid()
        try check("write merged tree", git_index_write_tree_to(&tree, index, handle))
        return .merged(tree: GitOID(tree))
    }

    private func conflictPaths(_ index: OpaquePointer?) throws(GitError) -> [String] {
        var iterator: OpaquePointer?
        try check("list conflicts", git_index_conflict_iterator_new(&iterator, index))
        defer { git_index_conflict_iterator_free(iterator) }
        var paths: Set<String> = []
        var ancestor: UnsafePointer<git_index_entry>?
        var ours: UnsafePointer<git_index_entry>?
        var theirs: UnsafePointer<git_index_entry>?
        while git_index_conflict_next(&ancestor, &ours, &theirs, iterator) == 0 {
            for entry in [ancestor, ours, theirs] {
                if let path = entry?.pointee.path { paths.insert(String(cString: path)) }
            }
        }
        return paths.sorted()
    }
}
