import CGit2
import Foundation

extension GitRepository {
    /// A file to write in a commit: its path in the tree and its bytes.
    public struct FileWrite: Sendable {
        public var path: String
        public var bytes: [UInt8]

        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// Writes a commit whose tree holds exactly `files`, without any work tree, and moves
    /// `reference` (default `HEAD`'s branch; `nil`: no reference moves) to it. With `skipIfUnchanged`, a tree equal to
    /// the single parent's gives back the parent instead of an empty commit. Used to build test histories and corpora,
    /// and by the PR bot to prepare a branch.
    @discardableResult
    public func commit(files: [FileWrite], message: String, parents: [GitOID] = [],
                       reference: String? = "HEAD", skipIfUnchanged: Bool = false,
                       author: (name: String, email: String) = ("fichesync", "fichesync@localhost"),
                       time: Int64 = 1_700_000_000) throws(GitError) -> GitOID {
        // Blobs first, then trees bottom-up from a path → blob map.
        var blobs: [String: git_oid] = [:]
        for file in files {
            var oid = git_oid()
            let result = file.bytes.withUnsafeBytes { git_blob_create_from_buffer(&oid, handle, $0.baseAddress, $0.count) }
            try check("write blob \(file.path)", result)
            blobs[file.path] = oid
        }
        var treeOID = try writeTree(blobs.map { (Substring($0.key), $0.value) })
        if skipIfUnchanged, parents.count == 1, let parent = parents.first {
            let parentTree = try tree(ofCommit: parent)
            defer { git_tree_free(parentTree) }
            if git_oid_equal(git_tree_id(parentTree), &treeOID) == 1 { return parent }
        }
        return try writeCommit(tree: GitOID(treeOID), parents: parents, message: message,
                               author: GitSignature(name: author.name, email: author.email, time: time), reference: reference)
    }

    /// Writes the tree for `entries` (paths relative to this tree) and returns its id.
    private func writeTree(_ entries: [(path: Substring, oid: git_oid)]) throws(GitError) -> git_oid {
        var builder: OpaquePointer?
        try check("make tree", git_treebuilder_new(&builder, handle, nil))
        defer { git_treebuilder_free(builder) }
        var subtrees: [Substring: [(path: Substring, oid: git_oid)]] = [:]
        for entry in entries {
            if let slash = entry.path.firstIndex(of: "/") {
                subtrees[entry.path[..<slash], default: []].append((entry.path[entry.path.index(after: slash)...], entry.oid))
            } else {
                var oid = entry.oid
                try check("add \(entry.path) to tree", git_treebuilder_insert(nil, builder, String(entry.path), &oid, GIT_FILEMODE_BLOB))
            }
        }
        for (name, children) in subtrees {
            var oid = try writeTree(children)
            try check("add \(name)/ to tree", git_treebuilder_insert(nil, builder, String(name), &oid, GIT_FILEMODE_TREE))
        }
        var out = git_oid()
        try check("write tree", git_treebuilder_write(&out, builder))
        return out
    }
}

extension GitRepository {
    /// Packs every object reachable from `commit` into one packfile and removes the loose
    /// copies, so a repository built object by object reads like a cloned one (one pack,
    /// not thousands of small files).
    public func pack(reachableFrom commit: GitOID) throws {
        var builder: OpaquePointer?
        try check("make pack", git_packbuilder_new(&builder, handle))
        defer { git_packbuilder_free(builder) }
        try commit.withPointer { pointer throws(GitError) in
            try check("add commit to pack", git_packbuilder_insert_commit(builder, pointer))
        }
        try check("write pack", git_packbuilder_write(builder, nil, 0, nil, nil))
        let objects = (path as NSString).appendingPathComponent("objects")
        for folder in try FileManager.default.contentsOfDirectory(atPath: objects)
        where folder.count == 2 && folder.allSatisfy(\.isHexDigit) {
            try FileManager.default.removeItem(atPath: (objects as NSString).appendingPathComponent(folder))
        }
    }
}
