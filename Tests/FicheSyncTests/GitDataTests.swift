import Foundation
import Testing
import TestKit
@testable import FicheSync

/// The object, reference, merge and diff layer the sandbox's hosted repositories (and the
/// PR bot) build on, against real bare repositories.
@Suite struct GitDataTests {
    static let who = GitSignature(name: "Test", email: "test@example.org", time: 1_700_000_000)

    /// A bare repository with one commit on master holding `files`.
    static func repository(_ files: [String: String]) throws -> (TemporaryDirectory, GitRepository, GitOID) {
        let tmp = try TemporaryDirectory()
        let repository = try GitRepository.initBare(at: tmp.sub("r.git"))
        let changes = try files.map { GitTreeChange(path: $0.key, oid: try repository.writeBlob(Array($0.value.utf8))) }
        let tree = try repository.writeTree(base: nil, changes: changes)
        let commit = try repository.writeCommit(tree: tree, parents: [], message: "first", author: who, reference: "refs/heads/master")
        return (tmp, repository, commit)
    }

    /// A commit on `parent` with `files` written (nil: removed).
    static func commit(_ repository: GitRepository, on parent: GitOID, _ files: [String: String?]) throws -> GitOID {
        let changes = try files.map { GitTreeChange(path: $0.key, oid: try $0.value.map { try repository.writeBlob(Array($0.utf8)) }) }
        let tree = try repository.writeTree(base: try repository.treeID(ofCommit: parent), changes: changes)
        return try repository.writeCommit(tree: tree, parents: [parent], message: "change", author: who)
    }

    @Test func blobsTreesAndCommitsReadBackAsWritten() throws {
        let (folder, repository, first) = try Self.repository(["README.md": "hello\n", "content/_authors/a.md": "a\n"])
        defer { withExtendedLifetime(folder) {} }
        let blob = try repository.writeBlob(Array("x\n".utf8))
        #expect(blob.description == "587be6b4c3f93f93c489c0111bba5596147a26cb", "git's own id for the blob \"x\\n\"")
        #expect(try repository.blob(blob) == Array("x\n".utf8))
        #expect(repository.objectKind(blob) == .blob)
        #expect(repository.objectKind(first) == .commit)

        // A nested path in a new folder, on a base tree: the rest of the tree stays.
        let second = try Self.commit(repository, on: first, ["content/_authors/b.md": "b\n", "content/_startups/s.md": "s\n"])
        let entries = try repository.treeEntries(try repository.treeID(ofCommit: second), recursive: true)
        #expect(entries.map(\.path) == ["README.md", "content", "content/_authors", "content/_authors/a.md",
                                        "content/_authors/b.md", "content/_startups", "content/_startups/s.md"])
        #expect(entries.first { $0.path == "content" }?.modeText == "040000")
        #expect(entries.first { $0.path == "README.md" }?.modeText == "100644")
        let info = try repository.commitInfo(second)
        #expect(info.parents == [first] && info.message == "change" && info.author == Self.who)
        #expect(try repository.entry(at: "content/_startups/s.md", inCommit: second)?.kind == .blob)
        #expect(try repository.entry(at: "content/_nothing/s.md", inCommit: second) == nil)

        // Removing a folder's last file removes the folder.
        let third = try Self.commit(repository, on: second, ["content/_startups/s.md": nil])
        #expect(try repository.entry(at: "content/_startups", inCommit: third) == nil)
        #expect(try repository.treeEntries(try repository.treeID(ofCommit: third), recursive: true).count == 5)
    }

    @Test func referencesAreCreatedMovedAndDeleted() throws {
        let (folder, repository, first) = try Self.repository(["a": "1\n"])
        defer { withExtendedLifetime(folder) {} }
        let second = try Self.commit(repository, on: first, ["a": "2\n"])
        #expect(try repository.reference("refs/heads/master") == first)
        #expect(try repository.reference("refs/heads/none") == nil)
        try repository.setReference("refs/heads/topic", to: second, force: false)
        #expect(throws: GitError.self) { try repository.setReference("refs/heads/topic", to: first, force: false) }
        #expect(try repository.references(withPrefix: "refs/heads/").map(\.name) == ["refs/heads/master", "refs/heads/topic"])
        #expect(try repository.isDescendant(second, of: first))
        #expect(try !repository.isDescendant(first, of: second))
        #expect(try repository.mergeBase(first, second) == first)
        #expect(try repository.deleteReference("refs/heads/topic"))
        #expect(try !repository.deleteReference("refs/heads/topic"))
        for bad in ["refs/heads/a..b", "heads/x", "refs/heads/x.lock", "refs/heads/a b", "refs/heads/x\u{0}y", "refs/heads/~x", "refs/heads/"] {
            #expect(!GitRepository.isValidReferenceName(bad), "\(bad)")
        }
        #expect(GitRepository.isValidReferenceName("refs/heads/authorcamille.dupont-3fa2b1"))
    }

    @Test func mergesFastForwardCleanAndConflicting() throws {
        let (folder, repository, base) = try Self.repository(["a": "1\n", "b": "1\n"])
        defer { withExtendedLifetime(folder) {} }
        let ours = try Self.commit(repository, on: base, ["a": "ours\n"])
        let theirs = try Self.commit(repository, on: base, ["b": "theirs\n"])
        let clash = try Self.commit(repository, on: base, ["a": "clash\n"])
        #expect(try repository.merge(ours: base, theirs: ours) == .fastForward)
        #expect(try repository.merge(ours: ours, theirs: base) == .upToDate)
        guard case .merged(let tree) = try repository.merge(ours: ours, theirs: theirs) else {
            Issue.record("a clean merge")
            return
        }
        let merged = try repository.writeCommit(tree: tree, parents: [ours, theirs], message: "merge", author: Self.who)
        #expect(try repository.blob(try #require(try repository.entry(at: "a", inCommit: merged)).oid) == Array("ours\n".utf8))
        #expect(try repository.blob(try #require(try repository.entry(at: "b", inCommit: merged)).oid) == Array("theirs\n".utf8))
        #expect(try repository.merge(ours: ours, theirs: clash) == .conflict(paths: ["a"]))
    }

    @Test func fileDiffsCountLinesAndCarryTheHunks() throws {
        let (folder, repository, base) = try Self.repository(["keep": "1\n2\n3\n", "gone": "x\n", "old-name": "same\nsame\nsame\nsame\n"])
        defer { withExtendedLifetime(folder) {} }
        let head = try Self.commit(repository, on: base, [
            "keep": "1\ntwo\n3\n", "gone": nil, "new": "n\n", "old-name": nil, "new-name": "same\nsame\nsame\nsame\n",
        ])
        let diffs = try repository.fileDiffs(from: base, to: head)
        #expect(diffs.map(\.path) == ["gone", "keep", "new", "new-name"])
        #expect(diffs.map(\.status) == [.removed, .modified, .added, .renamed])
        let keep = try #require(diffs.first { $0.path == "keep" })
        #expect(keep.additions == 1 && keep.deletions == 1)
        #expect(keep.patch == "@@ -1,3 +1,3 @@\n 1\n-2\n+two\n 3")
        #expect(diffs.first { $0.path == "new-name" }?.previousPath == "old-name")
        #expect(diffs.first { $0.path == "gone" }?.deletions == 1)
    }
}
