import Foundation

/// Puts generated files on the disk or into a git repository.
public enum CorpusWriter {
    public static func write(_ files: [GitRepository.FileWrite], toDirectory root: String) throws {
        let fileManager = FileManager.default
        var created = Set<String>()
        for file in files {
            let path = (root as NSString).appendingPathComponent(file.path)
            let folder = (path as NSString).deletingLastPathComponent
            if created.insert(folder).inserted {
                try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            try Data(file.bytes).write(to: URL(fileURLWithPath: path))
        }
    }

    /// Creates a bare repository at `path` whose `master` holds exactly `files` in one commit,
    /// packed as a clone would be.
    @discardableResult
    public static func commit(_ files: [GitRepository.FileWrite], toNewBareRepository path: String,
                              message: String = "Generated corpus") throws -> GitOID {
        let repository = try GitRepository.initBare(at: path)
        let commit = try repository.commit(files: files, message: message, reference: "refs/heads/master")
        try repository.pack(reachableFrom: commit)
        return commit
    }
}
