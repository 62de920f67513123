import CGit2
import Foundation

/// Bare mirrors of remote content repositories, one per URL, under a cache folder
/// (`$FICHESYNC_HOME/repositories`). The first use clones; later uses only fetch.
public struct RepositoryCache: Sendable {
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public enum Outcome: Sendable, Equatable { case cloned, fetched }

    /// The local mirror of `url`, cloned or brought up to date.
    public func mirror(of url: String, showProgress: Bool = false) throws -> (GitRepository, Outcome) {
        let target = (directory as NSString).appendingPathComponent(Self.folderName(for: url))
        let fileManager = FileManager.default
        try createFolder()
        // One fetch per mirror at a time: concurrent fetches would race on git's ref locks.
        let lock = try lockFile(for: target)
        try lock.lock(exclusive: true)
        defer { lock.unlock() }
        if fileManager.fileExists(atPath: target) {
            let repository = try GitRepository(at: target)
            try repository.fetchMirror(from: url, showProgress: showProgress)
            return (repository, .fetched)
        }
        // Clone into a private folder and rename it into place: an interrupted clone never
        // leaves a half-filled mirror, and two processes cloning at once both succeed.
        let staging = target + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        try? fileManager.removeItem(atPath: staging)
        do {
            let repository = try GitRepository.initBare(at: staging)
            try repository.fetchMirror(from: url, showProgress: showProgress)
        } catch {
            try? fileManager.removeItem(atPath: staging)
            throw error
        }
        if rename(staging, target) != 0 {
            try? fileManager.removeItem(atPath: staging)
            guard fileManager.fileExists(atPath: target) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
            }
            let repository = try GitRepository(at: target)
            try repository.fetchMirror(from: url, showProgress: showProgress)
            return (repository, .fetched)
        }
        return (try GitRepository(at: target), .cloned)
    }

    /// Creates the cache folder, or says in one line why it cannot be and what to change
    /// (Foundation's error is "NSCocoaErrorDomain error 512").
    func createFolder() throws {
        if let reason = FolderCreation.create(directory) {
            throw ContentSource.Problem("cannot create \(directory) (under FICHESYNC_HOME): \(reason) — set FICHESYNC_HOME to a writable folder")
        }
    }

    /// The lock serialising work on one repository of the cache (in a hidden `.locks` folder,
    /// so the cache lists only repositories).
    func lockFile(for repository: String) throws -> FileLock {
        let folder = (directory as NSString).appendingPathComponent(".locks")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try FileLock(path: (folder as NSString).appendingPathComponent((repository as NSString).lastPathComponent + ".lock"))
    }

    /// A readable, collision-free folder name: the URL's last component and a hash of it.
    static func folderName(for url: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in url.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let last = url.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? "repository"
        let base = last.hasSuffix(".git") ? String(last.dropLast(4)) : last
        let safe = String(base.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "-" || $0 == "_" ? Character($0) : "_" })
        return "\(safe.isEmpty ? "repository" : safe)-\(String(hash, radix: 16).prefix(12)).git"
    }
}
