import CGit2

extension GitRepository {
    /// Whether `name` is a reference name git accepts (`refs/heads/x`; no `..`, no `~^:?*[\`,
    /// no control characters, no `.lock` component…): checked before any name from outside
    /// reaches the reference database, which is files on disk.
    public static func isValidReferenceName(_ name: String) -> Bool {
        LibGit2.ensureInitialized()
        guard name.hasPrefix("refs/"), !name.utf8.contains(0) else { return false }
        var valid: Int32 = 0
        return git_reference_name_is_valid(&valid, name) == 0 && valid == 1
    }

    /// The commit (or other object) a reference points at, following symbolic references;
    /// nil when there is no such reference.
    public func reference(_ name: String) throws(GitError) -> GitOID? {
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, handle, name)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue { return nil }
        try check("read reference \(name)", result)
        return GitOID(oid)
    }

    /// Every reference whose name starts with `prefix`, sorted by name, with what it points at.
    public func references(withPrefix prefix: String) throws(GitError) -> [(name: String, oid: GitOID)] {
        var iterator: OpaquePointer?
        try check("list references", git_reference_iterator_glob_new(&iterator, handle, prefix + "*"))
        defer { git_reference_iterator_free(iterator) }
        var found: [(name: String, oid: GitOID)] = []
        var name: UnsafePointer<CChar>?
        while git_reference_next_name(&name, iterator) == 0 {
            guard let name else { continue }
            let text = String(cString: name)
            if let oid = try reference(text) { found.append((text, oid)) }
        }
        return found.sorted { $0.name < $1.name }
    }

    /// Points `name` at `oid`: a new reference (with `force` false, `GIT_EEXISTS` when it
    /// exists), or moved wherever it was (with `force`).
    public func setReference(_ name: String, to oid: GitOID, force: Bool, message: String = "fichesync") throws(GitError) {
        var reference: OpaquePointer?
        let result = oid.withPointer { git_reference_create(&reference, handle, name, $0, force ? 1 : 0, message) }
        git_reference_free(reference)
        try check("set reference \(name)", result)
    }

    /// Removes `name`; false when there was no such reference.
    @discardableResult
    public func deleteReference(_ name: String) throws(GitError) -> Bool {
        var reference: OpaquePointer?
        let found = git_reference_lookup(&reference, handle, name)
        if found == GIT_ENOTFOUND.rawValue { return false }
        try check("read reference \(name)", found)
        defer { git_reference_free(reference) }
        try check("delete reference \(name)", git_reference_delete(reference))
        return true
    }

    /// Whether `commit` has `ancestor` in its history (a commit is not its own descendant):
    /// a move from `ancestor` to `commit` is a fast-forward.
    public func isDescendant(_ commit: GitOID, of ancestor: GitOID) throws(GitError) -> Bool {
        let result = commit.withPointer { c in ancestor.withPointer { a in git_graph_descendant_of(handle, c, a) } }
        try check("compare \(commit) with \(ancestor)", result)
        return result == 1
    }

    /// The best common ancestor of two commits, or nil when their histories are unrelated.
    public func mergeBase(_ one: GitOID, _ other: GitOID) throws(GitError) -> GitOID? {
        var out = git_oid()
        let result = one.withPointer { a in other.withPointer { b in git_merge_base(&out, handle, a, b) } }
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check("merge base of \(one) and \(other)", result)
        return GitOID(out)
    }
}

extension GitRepository {
    /// Points `HEAD` at `reference` (`refs/heads/master`): what a bare repository's default
    /// branch is, for those who read it at `HEAD` (`fichesync sync` of a path).
    public func setSymbolicHead(_ reference: String) throws(GitError) {
        try check("point HEAD at \(reference)", git_repository_set_head(handle, reference))
    }

    /// How many commits `commit` has that `base` lacks, and the reverse: a pull request's
    /// `commits`, a fork's "ahead" and "behind".
    public func aheadBehind(_ commit: GitOID, _ base: GitOID) throws(GitError) -> (ahead: Int, behind: Int) {
        var ahead = 0, behind = 0
        let result = commit.withPointer { c in base.withPointer { b in git_graph_ahead_behind(&ahead, &behind, handle, c, b) } }
        try check("count commits between \(base) and \(commit)", result)
        return (ahead, behind)
    }
}
