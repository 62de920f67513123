import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// How one fiche file differs between two commits.
public struct FicheChange: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case added, modified, deleted, renamed }

    public var kind: Kind
    /// The file before (deleted, modified, renamed).
    public var old: FicheLocation?
    /// The file after (added, modified, renamed), with the blob that holds it.
    public var new: FicheLocation?
    public var newBlob: GitOID?
}

extension GitRepository {
    /// The fiche files that differ between two commits, with rename detection on (a member
    /// who changes name is one rename, not a deletion plus an addition). A rename into or out
    /// of `content/_<kind>s/` is an addition or a deletion.
    public func ficheChanges(from old: GitOID, to new: GitOID) throws(GitError) -> [FicheChange] {
        let oldTree = try tree(ofCommit: old)
        defer { git_tree_free(oldTree) }
        let newTree = try tree(ofCommit: new)
        defer { git_tree_free(newTree) }

        var options = git_diff_options()
        try check("diff options", git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)))
        var diff: OpaquePointer?
        let prefix = strdup("content/")
        defer { free(prefix) }
        var pathspec = [prefix]
        let result = pathspec.withUnsafeMutableBufferPointer { buffer in
            options.pathspec = git_strarray(strings: buffer.baseAddress, count: 1)
            return git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &options)
        }
        try check("diff \(old)..\(new)", result)
        defer { git_diff_free(diff) }
        var find = git_diff_find_options()
        try check("rename options", git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)))
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue
        try check("find renames", git_diff_find_similar(diff, &find))

        var changes: [FicheChange] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let oldLocation = delta.old_file.path.flatMap { FicheLocation(path: String(cString: $0)) }
            let newLocation = delta.new_file.path.flatMap { FicheLocation(path: String(cString: $0)) }
            let blob = GitOID(delta.new_file.id)
            switch delta.status {
            case GIT_DELTA_ADDED:
                if let newLocation { changes.append(FicheChange(kind: .added, new: newLocation, newBlob: blob)) }
            case GIT_DELTA_DELETED:
                if let oldLocation { changes.append(FicheChange(kind: .deleted, old: oldLocation)) }
            case GIT_DELTA_MODIFIED, GIT_DELTA_TYPECHANGE:
                if let newLocation { changes.append(FicheChange(kind: .modified, old: oldLocation, new: newLocation, newBlob: blob)) }
            case GIT_DELTA_RENAMED, GIT_DELTA_COPIED:
                switch (oldLocation, newLocation) {
                case let (old?, new?) where old.kind == new.kind && delta.status == GIT_DELTA_RENAMED:
                    changes.append(FicheChange(kind: .renamed, old: old, new: new, newBlob: blob))
                default:
                    if let oldLocation, delta.status == GIT_DELTA_RENAMED { changes.append(FicheChange(kind: .deleted, old: oldLocation)) }
                    if let newLocation { changes.append(FicheChange(kind: .added, new: newLocation, newBlob: blob)) }
                }
            default:
                continue
            }
        }
        return changes
    }

    /// Whether `oid` names a commit this repository has (a synced commit may have been
    /// rewritten away by a force-push).
    public func hasCommit(_ oid: GitOID) -> Bool {
        var commit: OpaquePointer?
        let found = oid.withPointer { git_commit_lookup(&commit, handle, $0) } == 0
        git_commit_free(commit)
        return found
    }
}
