import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// One entry of a tree, as `git ls-tree` shows it and the Git Data API lists it.
public struct GitTreeEntry: Sendable, Hashable {
    /// The path from the tree listed (a name, or `a/b/c` in a recursive listing).
    public var path: String
    /// The git file mode as a number: 0o100644 (file), 0o100755, 0o040000 (tree), 0o120000
    /// (link), 0o160000 (submodule).
    public var mode: Int32
    public var kind: GitObjectKind
    public var oid: GitOID

    public init(path: String, mode: Int32, kind: GitObjectKind, oid: GitOID) {
        self.path = path
        self.mode = mode
        self.kind = kind
        self.oid = oid
    }

    /// The mode as git writes it: six octal digits (`100644`, `040000`).
    public var modeText: String {
        let octal = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 6 - octal.count)) + octal
    }
}

/// A change to a tree: `path` (nested, `content/_authors/x.md`) gets `oid` with `mode`, or is
/// removed when `oid` is nil.
public struct GitTreeChange: Sendable, Hashable {
    public var path: String
    public var mode: Int32
    public var oid: GitOID?

    public init(path: String, mode: Int32 = 0o100644, oid: GitOID?) {
        self.path = path
        self.mode = mode
        self.oid = oid
    }
}

extension GitRepository {
    /// The tree a commit points at.
    public func treeID(ofCommit commit: GitOID) throws(GitError) -> GitOID {
        let tree = try tree(ofCommit: commit)
        defer { git_tree_free(tree) }
        return GitOID(git_tree_id(tree).pointee)
    }

    /// The entries of tree `oid`; with `recursive`, every entry below it too (trees listed
    /// before what they hold, paths from `oid`).
    public func treeEntries(_ oid: GitOID, recursive: Bool = false) throws(GitError) -> [GitTreeEntry] {
        let tree = try lookupTree(oid)
        defer { git_tree_free(tree) }
        var entries: [GitTreeEntry] = []
        try appendEntries(of: tree, prefix: "", recursive: recursive, to: &entries)
        return entries
    }

    private func appendEntries(of tree: OpaquePointer, prefix: String, recursive: Bool,
                               to entries: inout [GitTreeEntry]) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index), let name = git_tree_entry_name(entry) else { continue }
            let path = prefix + String(cString: name)
            let kind: GitObjectKind
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE: kind = .tree
            case GIT_OBJECT_COMMIT: kind = .commit
            default: kind = .blob
            }
            let oid = GitOID(git_tree_entry_id(entry).pointee)
            entries.append(GitTreeEntry(path: path, mode: Int32(git_tree_entry_filemode(entry).rawValue), kind: kind, oid: oid))
            if recursive && kind == .tree {
                let subtree = try lookupTree(oid)
                defer { git_tree_free(subtree) }
                try appendEntries(of: subtree, prefix: path + "/", recursive: true, to: &entries)
            }
        }
    }

    /// The entry at `path` (nested) of a commit's tree, or nil when the path holds nothing.
    public func entry(at path: String, inCommit commit: GitOID) throws(GitError) -> GitTreeEntry? {
        let root = try tree(ofCommit: commit)
        defer { git_tree_free(root) }
        var entry: OpaquePointer?
        let found = git_tree_entry_bypath(&entry, root, path)
        if found == GIT_ENOTFOUND.rawValue { return nil }
        try check("read \(path)", found)
        defer { git_tree_entry_free(entry) }
        let kind: GitObjectKind = switch git_tree_entry_type(entry) {
        case GIT_OBJECT_TREE: .tree
        case GIT_OBJECT_COMMIT: .commit
        default: .blob
        }
        return GitTreeEntry(path: path, mode: Int32(git_tree_entry_filemode(entry).rawValue), kind: kind,
                            oid: GitOID(git_tree_entry_id(entry).pointee))
    }

    /// Writes the tree `base` (nil: an empty tree) with `changes` applied — nested paths
    /// create or reach their folders, a removal that empties a folder removes it — and
    /// returns its id. What `POST /git/trees` with `base_tree` does, without an index.
    public func writeTree(base: GitOID?, changes: [GitTreeChange]) throws(GitError) -> GitOID {
        let baseOID: GitOID
        if let base { baseOID = base } else { baseOID = try emptyTree() }
        let baseline = try lookupTree(baseOID)
        defer { git_tree_free(baseline) }
        // Paths as C strings that live until the call returns (strdup: a Swift string's
        // pointer would not outlive the closure it is lent to).
        let paths = changes.map { strdup($0.path) }
        defer { paths.forEach { free($0) } }
        var updates: [git_tree_update] = []
        updates.reserveCapacity(changes.count)
        for (change, path) in zip(changes, paths) {
            // Removing what is not there changes nothing (libgit2 would fail the whole tree).
            if change.oid == nil {
                var existing: OpaquePointer?
                guard git_tree_entry_bypath(&existing, baseline, change.path) == 0 else { continue }
                git_tree_entry_free(existing)
            }
            var update = git_tree_update()
            update.action = change.oid == nil ? GIT_TREE_UPDATE_REMOVE : GIT_TREE_UPDATE_UPSERT
            if let oid = change.oid { oid.withPointer { update.id = $0.pointee } }
            update.filemode = git_filemode_t(UInt32(change.mode))
            update.path = UnsafePointer(path)
            updates.append(update)
        }
        var out = git_oid()
        let result = git_tree_create_updated(&out, handle, baseline, updates.count, updates)
        try check("write tree", result)
        return GitOID(out)
    }

    /// The id of the empty tree, written if this repository lacks it.
    func emptyTree() throws(GitError) -> GitOID {
        var builder: OpaquePointer?
        try check("make tree", git_treebuilder_new(&builder, handle, nil))
        defer { git_treebuilder_free(builder) }
        var out = git_oid()
        try check("write empty tree", git_treebuilder_write(&out, builder))
        return GitOID(out)
    }

    func lookupTree(_ oid: GitOID) throws(GitError) -> OpaquePointer {
        var tree: OpaquePointer?
        try oid.withPointer { pointer throws(GitError) in
            try check("read tree \(oid)", git_tree_lookup(&tree, handle, pointer))
        }
        guard let tree else { throw GitError(code: -1, operation: "read tree \(oid)", message: "no tree") }
        return tree
    }
}
