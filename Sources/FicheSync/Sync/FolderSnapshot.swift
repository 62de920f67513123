import Foundation

extension RepositoryCache {
    /// Commits the fiches of a folder (a checkout, the bundled fixtures) into a private bare
    /// repository, so a folder can be synced like a repository: each run that finds the
    /// folder changed adds a commit, and the sync sees the difference as a git diff.
    ///
    /// Snapshots are deterministic (fixed author and time): the same folder content on the
    /// same parent is the same commit, whichever process takes it; a lock serialises
    /// processes snapshotting the same folder at once.
    ///
    /// Only regular files go into the snapshot, read as `check` reads the folder; entries
    /// named like fiches that are not (``UnreadableEntry``) come back as `unreadable-file`
    /// diagnostics instead, for the caller to refuse the sync with: git could not hold them
    /// all (a pipe, a name that is not UTF-8), and left out silently their members would
    /// vanish from the database.
    public func snapshot(of folder: String) throws -> FolderSnapshot {
        let absolute = URL(fileURLWithPath: folder).standardizedFileURL.path
        let path = (directory as NSString).appendingPathComponent("folder-" + Self.folderName(for: absolute))
        try createFolder()
        let lock = try lockFile(for: path)
        try lock.lock(exclusive: true)
        defer { lock.unlock() }
        let repository = FileManager.default.fileExists(atPath: path) ? try GitRepository(at: path) : try GitRepository.initBare(at: path)
        let parent = try? repository.commit(for: "refs/heads/master")
        let (files, unreadable) = try CatalogReader.fileWrites(inDirectory: absolute)
        let commit = try repository.commit(files: files, message: "Snapshot of \(absolute)", parents: parent.map { [$0] } ?? [],
                                           reference: "refs/heads/master", skipIfUnchanged: true)
        return FolderSnapshot(repository: repository, commit: commit, unreadable: unreadable.map(\.diagnostic).sorted())
    }
}

extension CatalogReader {
    /// The fiche files of a folder as files to commit (read as `check` reads them), and the
    /// entries named like fiches that are not regular, readable files. Used for snapshots and
    /// to seed the sandbox's hosted repository from the fixtures.
    static func fileWrites(inDirectory folder: String) throws -> (files: [GitRepository.FileWrite], unreadable: [UnreadableEntry]) {
        var files: [GitRepository.FileWrite] = []
        var buffer: [UInt8] = []
        let listing = try ficheFiles(inDirectory: folder)
        var unreadable = listing.unreadable
        for location in listing.files {
            if let reason = readRegularFile((folder as NSString).appendingPathComponent(location.path), into: &buffer) {
                unreadable.append(UnreadableEntry(path: location.path, reason: reason))
                continue
            }
            files.append(GitRepository.FileWrite(path: location.path, bytes: buffer))
        }
        return (files, unreadable)
    }

    /// The fiche files of a folder as files to commit, leaving out what is not a readable file.
    public static func readableFileWrites(inDirectory folder: String) throws -> [GitRepository.FileWrite] {
        try fileWrites(inDirectory: folder).files
    }
}

/// A folder committed into its snapshot repository (``RepositoryCache/snapshot(of:)``).
public struct FolderSnapshot {
    public var repository: GitRepository
    public var commit: GitOID
    /// Entries named like fiches that are not regular, readable files: not in the commit.
    public var unreadable: [Diagnostic]
}
