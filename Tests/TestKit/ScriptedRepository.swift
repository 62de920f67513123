import Foundation
import Testing
@testable import FicheSync

/// A content repository built commit by commit, without a work tree.
public final class ScriptedRepository {
    public let directory: TemporaryDirectory
    public let repository: GitRepository
    public var files: [String: [UInt8]]
    public var head: GitOID?

    public init(files: [GitRepository.FileWrite]) throws {
        directory = try TemporaryDirectory()
        repository = try GitRepository.initBare(at: directory.sub("content.git"))
        self.files = Dictionary(files.map { ($0.path, $0.bytes) }, uniquingKeysWith: { _, last in last })
    }

    public var path: String { repository.path }

    @discardableResult
    public func commit(_ message: String) throws -> GitOID {
        let writes = files.map { GitRepository.FileWrite(path: $0.key, bytes: $0.value) }
        let oid = try repository.commit(files: writes, message: message, parents: head.map { [$0] } ?? [],
                                        reference: "refs/heads/master")
        head = oid
        return oid
    }

    public func text(_ path: String) throws -> String { String(decoding: try #require(files[path]), as: UTF8.self) }

    public func edit(_ path: String, _ change: (String) -> String) throws {
        files[path] = Array(change(try text(path)).utf8)
    }

    public func move(_ from: String, to: String) throws {
        let bytes = files.removeValue(forKey: from)
        files[to] = try #require(bytes)
    }
}

public struct InjectedCrash: Error {
    public init() {}
}
