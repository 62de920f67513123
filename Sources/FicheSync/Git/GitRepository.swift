import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// One open libgit2 repository (bare or not). Reads trees and blobs straight from the object
/// database: fichesync never checks out a work tree.
///
/// Not `Sendable`: a libgit2 repository handle is used by one thread at a time. Readers that
/// work in parallel open one each (``path`` is enough to reopen it).
public final class GitRepository {
    let handle: OpaquePointer
    /// The path libgit2 opened (the `.git` folder for a work tree, the folder itself when bare).
    public let path: String

    /// Opens the repository at `path` (a bare repository, a work tree, or its `.git`).
    public init(at path: String) throws(GitError) {
        LibGit2.ensureInitialized()
        var repo: OpaquePointer?
        try check("open repository \(path)",
                  git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil))
        guard let repo else { throw GitError(code: -1, operation: "open repository \(path)", message: "no repository") }
        handle = repo
        self.path = String(cString: git_repository_path(repo))
    }

    private init(handle: OpaquePointer) {
        self.handle = handle
        path = String(cString: git_repository_path(handle))
    }

    /// Creates an empty bare repository.
    public static func initBare(at path: String) throws(GitError) -> GitRepository {
        LibGit2.ensureInitialized()
        var repo: OpaquePointer?
        try check("create repository \(path)", git_repository_init(&repo, path, 1))
        guard let repo else { throw GitError(code: -1, operation: "create repository \(path)", message: "no repository") }
        return GitRepository(handle: repo)
    }

    deinit { git_repository_free(handle) }

    public var isBare: Bool { git_repository_is_bare(handle) == 1 }

    /// The commit a revision names (`HEAD`, `master`, a sha, `HEAD~3`, a tag).
    public func commit(for revision: String) throws(GitError) -> GitOID {
        var object: OpaquePointer?
        try check("resolve revision \"\(revision)\"", git_revparse_single(&object, handle, revision))
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try check("resolve revision \"\(revision)\" to a commit", git_object_peel(&commit, object, GIT_OBJECT_COMMIT))
        defer { git_object_free(commit) }
        return GitOID(git_object_id(commit).pointee)
    }

    /// A fiche file of a commit: where it is and which blob holds it.
    public struct FicheEntry: Hashable, Sendable {
        /// What the tree holds under a fiche's name: only a file (mode 100644 or 100755) is a
        /// fiche's content; a link's blob is the link's text.
        public enum Kind: Hashable, Sendable { case file, symbolicLink, folder, submodule }

        public var location: FicheLocation
        /// The blob (for a folder, the tree; for a submodule, its commit).
        public var blob: GitOID
        public var kind: Kind = .file
        /// False when the name in the tree is not UTF-8 (``location`` then shows U+FFFD).
        public var nameIsUTF8 = true

        /// Whether this entry is read as a fiche (the others are `unreadable-file` errors).
        public var isReadable: Bool { kind == .file && nameIsUTF8 }
    }

    /// Every `content/_*/*.md` entry of `commit` (files, and what else is named like a
    /// fiche: links, folders, submodules), walking only the trees that can hold fiches.
    public func ficheEntries(at commit: GitOID) throws(GitError) -> [FicheEntry] {
        let root = try tree(ofCommit: commit)
        defer { git_tree_free(root) }
        var contentEntry: OpaquePointer?
        let found = git_tree_entry_bypath(&contentEntry, root, "content")
        if found == GIT_ENOTFOUND.rawValue { return [] }
        try check("read tree content/", found)
        defer { git_tree_entry_free(contentEntry) }
        guard git_tree_entry_type(contentEntry) == GIT_OBJECT_TREE else { return [] }
        let content = try lookupTree(git_tree_entry_id(contentEntry))
        defer { git_tree_free(content) }

        var entries: [FicheEntry] = []
        for i in 0..<git_tree_entrycount(content) {
            guard let folder = git_tree_entry_byindex(content, i), git_tree_entry_type(folder) == GIT_OBJECT_TREE,
                  let folderName = git_tree_entry_name(folder).map({ String(cString: $0) }), folderName.hasPrefix("_"),
                  // `_authors` holds authors; `_layouts` and the like hold no fiche: not even read.
                  folderName.hasSuffix("s"), let folderKind = FicheKind(rawValue: String(folderName.dropFirst().dropLast()))
            else { continue }
            let subtree = try lookupTree(git_tree_entry_id(folder))
            defer { git_tree_free(subtree) }
            let count = git_tree_entrycount(subtree)
            entries.reserveCapacity(entries.count + count)
            for j in 0..<count {
                guard let file = git_tree_entry_byindex(subtree, j), let rawName = git_tree_entry_name(file),
                      let (location, nameIsUTF8) = Self.ficheLocation(kind: folderKind, name: rawName)
                else { continue }
                let kind: FicheEntry.Kind
                switch git_tree_entry_filemode(file) {
                case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE: kind = .file
                case GIT_FILEMODE_LINK: kind = .symbolicLink
                case GIT_FILEMODE_TREE: kind = .folder
                case GIT_FILEMODE_COMMIT: kind = .submodule
                default: continue
                }
                entries.append(FicheEntry(location: location, blob: GitOID(git_tree_entry_id(file).pointee), kind: kind,
                                          nameIsUTF8: nameIsUTF8))
            }
        }
        return entries
    }

    /// The fiche a file `name` of the folder of `kind` is (`nil` unless it is `<id>.md`), and
    /// whether the name is UTF-8 — what `FicheLocation(path:)` finds in the file's path, read
    /// from the name's bytes: no path is built and parsed back for each of thousands of files.
    /// An id that is not UTF-8 shows U+FFFD for its bad bytes, as the path would.
    static func ficheLocation(kind: FicheKind, name: UnsafePointer<CChar>) -> (FicheLocation, nameIsUTF8: Bool)? {
        let length = strlen(name)
        return name.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            guard length > 3, bytes[length - 3] == UInt8(ascii: "."), bytes[length - 2] == UInt8(ascii: "m"),
                  bytes[length - 1] == UInt8(ascii: "d") else { return nil }
            let stem = UnsafeBufferPointer(start: bytes, count: length - 3)
            if let id = String(validating: stem, as: UTF8.self) { return (FicheLocation(kind: kind, id: id), true) }
            return (FicheLocation(kind: kind, id: String(decoding: stem, as: UTF8.self)), false)
        }
    }

    /// Why `entry` is not read as a fiche, when it is not (``UnreadableEntry``); a link's
    /// text is read from its blob to say where it leads.
    func unreadableEntry(_ entry: FicheEntry) throws -> UnreadableEntry? {
        let path = entry.location.path
        guard entry.nameIsUTF8 else { return UnreadableEntry(path: path, reason: .nameNotUTF8) }
        switch entry.kind {
        case .file: return nil
        case .folder: return UnreadableEntry(path: path, reason: .folder)
        case .submodule: return UnreadableEntry(path: path, reason: .submodule)
        case .symbolicLink:
            let target = try withBlob(entry.blob) { String(decoding: $0.prefix(4096), as: UTF8.self) }
            return UnreadableEntry(path: path, reason: .symbolicLink(target: target))
        }
    }

    /// Calls `body` with the raw bytes of a blob, without copying them.
    public func withBlob<R>(_ oid: GitOID, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        var blob: OpaquePointer?
        try oid.withPointer { pointer throws(GitError) in
            try check("read blob \(oid)", git_blob_lookup(&blob, handle, pointer))
        }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        return try body(UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size))
    }

    func tree(ofCommit oid: GitOID) throws(GitError) -> OpaquePointer {
        var commit: OpaquePointer?
        try oid.withPointer { pointer throws(GitError) in
            try check("read commit \(oid)", git_commit_lookup(&commit, handle, pointer))
        }
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try check("read tree of commit \(oid)", git_commit_tree(&tree, commit))
        guard let tree else { throw GitError(code: -1, operation: "read tree of commit \(oid)", message: "no tree") }
        return tree
    }

    private func lookupTree(_ oid: UnsafePointer<git_oid>?) throws(GitError) -> OpaquePointer {
        var tree: OpaquePointer?
        try check("read tree", git_tree_lookup(&tree, handle, oid))
        guard let tree else { throw GitError(code: -1, operation: "read tree", message: "no tree") }
        return tree
    }
}
