import FicheSync
import Foundation
import NIOHTTP1
import Synchronization

/// The repositories the GitHub fake hosts, as real bare git repositories under `root` (one
/// per fork network: `<root>/<owner>/<name>.git` for an upstream, its forks' refs in the same
/// repository under `refs/namespaces/<fork owner>/`), with their records (`hosting.json`).
///
/// Every call that touches them runs under one lock, on NIO's blocking thread pool (libgit2
/// and file I/O block): one hosted call at a time, so a ref check and the move that follows
/// it cannot interleave with another request, as GitHub's own ref updates are atomic.
public final class GitHubHosting: Sendable {
    public let root: String
    private let records: Mutex<HostedRecords>

    private init(root: String, records: HostedRecords) {
        self.root = root
        self.records = Mutex(records)
    }

    /// The hosting in `root` (created if missing), with the records a previous run saved there.
    public static func open(root: String) async throws -> GitHubHosting {
        try await BlockingWork.run {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let file = (root as NSString).appendingPathComponent("hosting.json")
            let records = FileManager.default.fileExists(atPath: file)
                ? try JSONDecoder().decode(HostedRecords.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
                : HostedRecords()
            return GitHubHosting(root: root, records: records)
        }
    }

    /// The records as they stand (repositories, pull requests, writes).
    public var snapshot: HostedRecords { records.withLock { $0 } }

    /// Every write accepted so far.
    public var writes: [HostedWrite] { snapshot.writes }

    /// The bare repository holding `fullName`'s objects (its network's), nil when not hosted.
    /// An upstream's path is what `fichesync sync` reads (`FICHES_REPOSITORY`).
    public func path(of fullName: String) -> String? {
        guard let repository = snapshot.repositories[fullName.lowercased()] else { return nil }
        return networkPath(repository.network)
    }

    func networkPath(_ network: String) -> String {
        (root as NSString).appendingPathComponent(network + ".git")
    }

    /// Runs `body` with the records and the repositories, under the lock; saves the records
    /// when the body changed them. Blocking: call it from NIO's thread pool.
    func run<Result: Sendable>(as user: GitHubAccount, _ body: (HostedSession) throws -> Result) throws -> Result {
        try records.withLock { records -> Result in
            let session = HostedSession(hosting: self, records: records, user: user)
            defer {
                if session.records != records {
                    records = session.records
                    try? save(records)
                }
            }
            return try body(session)
        }
    }

    /// Runs `body` as `run` does, from async code: on NIO's thread pool.
    func perform<Result: Sendable>(as user: GitHubAccount = .bot,
                                   _ body: @escaping @Sendable (HostedSession) throws -> Result) async throws -> Result {
        try await BlockingWork.run { try self.run(as: user, body) }
    }

    private func save(_ records: HostedRecords) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(records).write(to: URL(fileURLWithPath: (root as NSString).appendingPathComponent("hosting.json")),
                                          options: .atomic)
    }

    // MARK: Seeding (tests and `fichesync sandbox`)

    /// Hosts a new upstream repository whose default branch holds `files` in one commit;
    /// an existing one is left as it is (the sandbox keeps its repositories between runs).
    public func createRepository(_ fullName: String, ownerType: String = "Organization", ownerID: Int = 1,
                                 files: [GitRepository.FileWrite], defaultBranch: String = "master",
                                 message: String = "Initial content") async throws {
        try await perform { session in
            let (owner, name) = try Self.split(fullName)
            guard session.records.repositories[fullName.lowercased()] == nil else { return }
            let path = session.hosting.networkPath(fullName.lowercased())
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            let git = try GitRepository.initBare(at: path)
            let branch = "refs/heads/\(defaultBranch)"
            try git.commit(files: files, message: message, reference: branch)
            try git.setSymbolicHead(branch)
            session.records.lastRepositoryID += 1
            let now = GitHubClock.now
            session.records.repositories[fullName.lowercased()] = HostedRepository(
                owner: owner, name: name, id: session.records.lastRepositoryID, ownerType: ownerType, ownerID: ownerID,
                defaultBranch: defaultBranch, parent: nil, network: fullName.lowercased(), createdAt: now, pushedAt: now)
        }
    }

    /// Forks `upstream` for `owner` (as `POST /forks` does), unless that fork exists.
    public func fork(_ upstream: String, owner: String, ownerID: Int) async throws {
        try await perform { session in
            guard let source = session.records.repositories[upstream.lowercased()] else {
                throw GitHubFailure(.notFound, "Not Found")
            }
            _ = try session.fork(source, owner: owner, ownerID: ownerID, ownerType: "User", defaultBranchOnly: false)
        }
    }

    /// Makes `branch` the default branch of `fullName`, made at `sha` if it is new, as a
    /// maintainer does in the repository's settings (tests: a default branch not `master`).
    public func setDefaultBranch(of fullName: String, to branch: String, at sha: String) async throws {
        try await perform(as: .maintainer) { session in
            let target = try session.target(fullName)
            let name = "refs/heads/\(branch)"
            guard GitHubNames.isReference(name), let oid = GitHubNames.oid(sha), target.git.objectKind(oid) == .commit else {
                throw GitHubFailure(.unprocessableEntity, "\(branch) at \(sha) cannot be a branch")
            }
            if try target.git.reference(target.reference(name)) == nil {
                try target.git.setReference(target.reference(name), to: oid, force: false)
            }
            session.records.repositories[target.record.fullName.lowercased()]?.defaultBranch = branch
        }
    }

    /// The branches of `fullName` with their heads (tests check no stray branch is left).
    public func branches(of fullName: String) async throws -> [String: String] {
        try await perform { session in
            let target = try session.target(fullName)
            var branches: [String: String] = [:]
            for (name, oid) in try target.git.references(withPrefix: target.record.referencePrefix + "heads/") {
                branches[String(name.dropFirst(target.record.referencePrefix.count + "heads/".count))] = oid.description
            }
            return branches
        }
    }

    static func split(_ fullName: String) throws(GitHubFailure) -> (String, String) {
        let parts = fullName.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, GitHubNames.isOwner(parts[0]), GitHubNames.isRepository(parts[1]) else {
            throw GitHubFailure(.notFound, "Not Found")
        }
        return (parts[0], parts[1])
    }
}

/// Who makes a call: the account a token belongs to.
struct GitHubAccount: Sendable, Equatable {
    var login: String
    var id: Int
    /// May write to every hosted repository (the upstream's maintainers: merges, base branches).
    var isMaintainer: Bool
    /// Authenticated as the GitHub App's installation (check runs need it).
    var isApp = false

    static let bot = GitHubAccount(login: "fichesync-bot", id: 500, isMaintainer: false)
    static let maintainer = GitHubAccount(login: "sandbox-maintainer", id: 501, isMaintainer: true)
    /// The app's installation acts on the bot's fork and opens pull requests as the bot does.
    static let app = GitHubAccount(login: "fichesync-bot", id: 500, isMaintainer: false, isApp: true)
}

/// A failed call as GitHub answers it: a status and a `basic-error` (or, with `errors`, a
/// `validation-error`). Thrown by hosted routes; the route table turns it into the answer.
struct GitHubFailure: Error, Sendable {
    var status: HTTPResponseStatus
    var message: String
    var errors: [GitHubObjects.ValidationError.Item]?

    init(_ status: HTTPResponseStatus, _ message: String, errors: [GitHubObjects.ValidationError.Item]? = nil) {
        self.status = status
        self.message = message
        self.errors = errors
    }

    /// A 422 `Validation Failed` with one custom error, as GitHub refuses a pull request.
    static func validation(_ resource: String, _ message: String, field: String? = nil, code: String = "custom") -> GitHubFailure {
        GitHubFailure(.unprocessableEntity, "Validation Failed", errors: [.init(resource: resource, code: code, field: field, message: message)])
    }

    func reply(documentation: String) -> FakeReply {
        if let errors {
            return FakeReply(status: status, encoding: GitHubObjects.ValidationError(message: message, errors: errors,
                                                                                     documentation_url: documentation,
                                                                                     status: String(status.code)))
        }
        return GitHubCall.error(status, message, documentation: documentation)
    }
}

/// The fake's time for hosted records, as GitHub writes times.
enum GitHubClock {
    static var now: String { Date().formatted(.iso8601) }
}
