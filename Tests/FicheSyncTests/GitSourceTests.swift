import Foundation
import Testing
import TestKit
@testable import FicheSync

/// Reading through libgit2: bare repositories, revisions, mirrors cloned over `file://`.
@Suite struct GitSourceTests {
    /// The fixture files as they would be committed.
    static func fixtureFiles() throws -> [GitRepository.FileWrite] {
        let root = Package.fixtures
        let enumerator = FileManager.default.enumerator(atPath: root + "/content")
        var files: [GitRepository.FileWrite] = []
        while let relative = enumerator?.nextObject() as? String {
            let path = "content/" + relative
            guard FicheLocation(path: path) != nil else { continue }
            files.append(.init(path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + path)))))
        }
        return files
    }

    @Test func bareRepositoryAndDirectoryGiveTheSameCatalog() throws {
        let tmp = try TemporaryDirectory()
        let bare = tmp.sub("content.git")
        let commit = try CorpusWriter.commit(Self.fixtureFiles(), toNewBareRepository: bare)
        let fromDirectory = try CatalogReader.read(directory: Package.fixtures)
        let fromGit = try CatalogReader.read(repository: bare, commit: commit)
        #expect(fromGit.0 == fromDirectory.0)
        #expect(fromGit.1 == fromDirectory.1)
        #expect(fromGit.0.fileCount == 224)
    }

    @Test func oneWorkerAndManyWorkersAgree() throws {
        let one = try CatalogReader.read(directory: Package.fixtures, workers: 1).0
        let many = try CatalogReader.read(directory: Package.fixtures, workers: 7).0
        #expect(one == many)
    }

    @Test func revisionsSelectTheCommit() throws {
        let tmp = try TemporaryDirectory()
        let repository = try GitRepository.initBare(at: tmp.sub("r.git"))
        var files = Array(validTree.map { GitRepository.FileWrite(path: $0.key, bytes: Array($0.value.utf8)) })
        let first = try repository.commit(files: files, message: "first", reference: "refs/heads/master")
        files.append(.init(path: "content/_authors/Bad.Name.md", bytes: Array(validTree["content/_authors/jeanne.dupont.md"]!.utf8)))
        files.append(.init(path: "README.md", bytes: Array("not a fiche".utf8)))
        let second = try repository.commit(files: files, message: "second", parents: [first], reference: "refs/heads/master")

        #expect(try repository.commit(for: "HEAD") == second)
        #expect(try repository.commit(for: "master~1") == first)
        #expect(try repository.commit(for: first.description) == first)
        let source = try ContentSource.classify(tmp.sub("r.git"), revisionRequested: true)
        #expect(source == .repository(path: tmp.sub("r.git")))
        let cache = RepositoryCache(directory: tmp.sub("cache"))
        let old = try source.load(revision: "master~1", cache: cache)
        #expect(old.commit == first)
        #expect(old.catalog.fileCount == validTree.count)
        let new = try source.load(revision: nil, cache: cache)
        #expect(new.catalog.fileCount == validTree.count + 1)
        #expect(Validator(today: FicheDate(year: 2026, month: 1, day: 1)!).validate(new.catalog).map(\.rule) == [.authorFileName, .duplicateFullname])
    }

    @Test func unknownRevisionIsAGitError() throws {
        let tmp = try TemporaryDirectory()
        let repository = try GitRepository.initBare(at: tmp.sub("r.git"))
        try repository.commit(files: [], message: "empty", reference: "refs/heads/master")
        #expect(throws: GitError.self) { try repository.commit(for: "no-such-branch") }
        do {
            _ = try repository.commit(for: "no-such-branch")
        } catch {
            #expect(error.isNotFound)
            #expect(error.description.contains("no-such-branch"))
        }
    }

    @Test func cloneOverFileURLThenOnlyFetch() throws {
        let tmp = try TemporaryDirectory()
        let upstreamPath = tmp.sub("upstream.git")
        let upstream = try GitRepository.initBare(at: upstreamPath)
        var files = try Self.fixtureFiles()
        let first = try upstream.commit(files: files, message: "first", reference: "refs/heads/master")
        let url = "file://" + upstreamPath
        let cache = RepositoryCache(directory: tmp.sub("cache"))

        let cloned = try ContentSource.remote(url: url).load(revision: nil, cache: cache)
        #expect(cloned.mirrorOutcome == .cloned)
        #expect(cloned.commit == first)
        #expect(cloned.catalog.fileCount == 224)
        let mirrors = try FileManager.default.contentsOfDirectory(atPath: tmp.sub("cache")).filter { !$0.hasPrefix(".") }
        #expect(mirrors.count == 1)
        #expect(mirrors.first?.hasSuffix(".git") == true)

        files.removeAll { $0.path == "content/_authors/jean.dupont.md" }
        let second = try upstream.commit(files: files, message: "second", parents: [first], reference: "refs/heads/master")
        let fetched = try ContentSource.remote(url: url).load(revision: nil, cache: cache)
        #expect(fetched.mirrorOutcome == .fetched)
        #expect(fetched.commit == second)
        #expect(fetched.catalog.fileCount == 223)
        #expect(try ContentSource.remote(url: url).load(revision: first.description, cache: cache).catalog.fileCount == 224)
    }

    @Test func unreachableURLIsAnError() throws {
        let tmp = try TemporaryDirectory()
        let cache = RepositoryCache(directory: tmp.sub("cache"))
        #expect(throws: GitError.self) {
            try ContentSource.remote(url: "file://" + tmp.sub("missing.git")).load(revision: nil, cache: cache)
        }
        // Nothing half-made is left in the cache.
        #expect((try? FileManager.default.contentsOfDirectory(atPath: tmp.sub("cache")).filter { !$0.hasPrefix(".") }) ?? [] == [])
    }

    @Test func credentialsNeverLeaveTheURL() {
        #expect(ContentSource.redacted("https://x-access-token:ghp_secret@github.com/betagouv/beta.gouv.fr")
            == "https://github.com/betagouv/beta.gouv.fr")
        #expect(ContentSource.redacted("https://github.com/a/b@c") == "https://github.com/a/b@c")
        #expect(ContentSource.redacted("/srv/content.git") == "/srv/content.git")
    }

    @Test func sourcesAreClassified() throws {
        let tmp = try TemporaryDirectory()
        #expect(try ContentSource.classify(Package.fixtures, revisionRequested: false) == .directory(Package.fixtures))
        #expect(try ContentSource.classify("https://github.com/betagouv/beta.gouv.fr", revisionRequested: false)
            == .remote(url: "https://github.com/betagouv/beta.gouv.fr"))
        #expect(try ContentSource.classify("git@github.com:betagouv/beta.gouv.fr.git", revisionRequested: false)
            == .remote(url: "git@github.com:betagouv/beta.gouv.fr.git"))
        #expect(throws: ContentSource.Problem.self) { try ContentSource.classify(tmp.sub("nope"), revisionRequested: false) }
        #expect(throws: ContentSource.Problem.self) { try ContentSource.classify(tmp.path, revisionRequested: false) }
        #expect(throws: ContentSource.Problem.self) { try ContentSource.classify(Package.fixtures, revisionRequested: true) }
    }
}
