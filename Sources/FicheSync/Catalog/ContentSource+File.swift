import Foundation

extension ContentSource {
    /// The bytes of one fiche as this source has it at `revision` (default `HEAD`), or `nil`
    /// when the source has no such fiche. Blocks (disk, libgit2): call it off the concurrency pool.
    public func fiche(_ location: FicheLocation, revision: String?, cache: RepositoryCache) throws -> [UInt8]? {
        switch self {
        case .directory(let root):
            let path = (root as NSString).appendingPathComponent(location.path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        case .repository(let path):
            return try Self.fiche(location, in: GitRepository(at: path), revision: revision)
        case .remote(let url):
            return try Self.fiche(location, in: cache.mirror(of: url).0, revision: revision)
        }
    }

    private static func fiche(_ location: FicheLocation, in repository: GitRepository, revision: String?) throws -> [UInt8]? {
        let commit = try repository.commit(for: revision ?? "HEAD")
        guard let entry = try repository.ficheEntries(at: commit).first(where: { $0.location == location && $0.kind == .file }) else { return nil }
        return try repository.withBlob(entry.blob) { Array($0) }
    }
}
