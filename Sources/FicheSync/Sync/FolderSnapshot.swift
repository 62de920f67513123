import Foundation

extension RepositoryCache {
    /// Commits the fiches of a folder (a checkout, the bundled fixtures) into a private bare
    /// repository, so a folder can be synced like a repository: each run that finds the
    /// folder changed adds a commit, and the sync sees the difference as a git diff.
    ///
    /// Snapshots are deterministic (fixed author and time): the same folder content on the
    /// same parent is the same commit, whichever process takes it; a lock serialises
    /// processes snapshotting the same folder at once.
    public func snapshot(of folder: String) throws -> (GitRepository, GitOID) {
        let absolute = URL(fileURLWithPath: folder).standardizedFileURL.path
        let path = (directory as NSString).appendingPathComponent("folder-" + Self.folderName(for: absolute))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let lock = try lockFile(for: path)
        try lock.lock(exclusive: true)
        defer { lock.unlock() }
        let repository = FileManager.default.fileExists(atPath: path) ? try GitRepository(at: path) : try GitRepository.initBare(at: path)
        let parent = try? repository.commit(for: "refs/heads/master")
        var files: [GitRepository.FileWrite] = []
        var buffer: [UInt8] = []
        for location in try CatalogReader.ficheLocations(inDirectory: absolute) {
            try CatalogReader.readFile((absolute as NSString).appendingPathComponent(location.path), into: &buffer)
            files.append(GitRepository.FileWrite(path: location.path, bytes: buffer))
        }
        let commit = try repository.commit(files: files, message: "Snapshot of \(absolute)", parents: parent.map { [$0] } ?? [],
                                           reference: "refs/heads/master", skipIfUnchanged: true)
        return (repository, commit)
    }
}
