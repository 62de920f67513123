import AsyncHTTPClient
import FicheSync
import Foundation
import Logging
import NIOHTTP1
import Providers
import Sandbox
import TestKit
import Testing
@testable import PRBot

/// The sandbox GitHub (real bare repositories over HTTP) and a real Postgres, with the
/// watcher over them, and what a test does to the repository as its people would: open PRs
/// from the bot's fork or by hand, merge them as the maintainer, close and reopen them.
struct WatchedRepository {
    let folder: TemporaryDirectory
    let sandbox: FakeSandbox
    let database: Database
    let github: GitHubClient
    let watcher: PullRequestWatcher
    static let upstream = RepositoryName(FakeSandbox.upstream)!
    static let fork = RepositoryName(FakeSandbox.fork)!
    static let secret = WebhookSecret("webhook-test-secret")!
    static let logger = Logger(label: "watcher-tests")

    static func with(_ body: (WatchedRepository) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        let sandbox = try await FakeSandbox.start(repositories: folder.sub("github"), seed: Package.fixtures)
        do {
            try await TestDatabase.with { databases in
                let github = GitHubClient(http: HTTPClient.shared, apiURL: "\(sandbox.base)/github", organization: "betagouv",
                                          tokens: StaticToken(sandbox.github.token), policy: .fastRetries())
                let watcher = PullRequestWatcher(database: databases[0], repository: upstream, botFork: fork, logger: TestDatabase.logger)
                try await body(WatchedRepository(folder: folder, sandbox: sandbox, database: databases[0], github: github, watcher: watcher))
            }
            try await sandbox.stop()
        } catch {
            try? await sandbox.stop()
            throw error
        }
    }

    var upstreamPath: String { sandbox.github.hosting?.path(of: FakeSandbox.upstream) ?? "" }

    func pass(followUp: MergeFollowUp? = nil, now: Date = Date()) async throws -> PollingPass.Report {
        try await PollingPass(github: github, watcher: watcher, followUp: followUp, logger: TestDatabase.logger).run(now: now)
    }

    func handler(followUp: MergeFollowUp? = nil) -> WebhookHandler {
        WebhookHandler(secret: Self.secret, github: github, watcher: watcher, followUp: followUp, logger: TestDatabase.logger)
    }

    func followed() async throws -> [FollowedPullRequest] {
        try await database.withConnection { try await PullRequestStore(connection: $0, logger: TestDatabase.logger).all() }
    }

    func count(_ table: String) async throws -> Int {
        try await database.withConnection { connection in
            var count = 0
            for try await n in try await connection.query("SELECT count(*) FROM \(unescaped: table)", logger: TestDatabase.logger).decode(Int.self) {
                count = n
            }
            return count
        }
    }

    /// Opens a PR whose one commit writes `files`: from the bot's fork, or by hand — a
    /// maintainer's branch on the upstream itself, titled freely.
    @discardableResult
    func open(_ files: [String: String], branch: String, byHand: Bool = false, draft: Bool = false) async throws -> Int {
        let token = byHand ? sandbox.github.maintainerToken : sandbox.github.token
        let writer = GitHubClient(http: HTTPClient.shared, apiURL: "\(sandbox.base)/github", organization: "betagouv",
                                  tokens: StaticToken(token), policy: .fastRetries())
        let target = byHand ? Self.upstream : Self.fork
        let base = try #require(try await writer.reference(Self.upstream, "heads/master")).object.sha
        let tree = try await writer.createTree(target, base: try await writer.commit(Self.upstream, sha: base).tree.sha,
                                               files: files.sorted { $0.key < $1.key }.map { .init(path: $0.key, content: $0.value) })
        let commit = try await writer.createCommit(target, message: "fiche", tree: tree, parents: [base])
        try await writer.createBranch(target, branch, sha: commit)
        let body: [String: Any] = ["title": "Ajout de ma fiche", "head": "\(target.owner):\(branch)", "base": "master", "draft": draft]
        let answer = try await call(.POST, "/repos/\(Self.upstream)/pulls", body: body, token: token)
        return try #require(answer["number"] as? Int)
    }

    /// A fiche that passes the repository's rules.
    static func fiche(_ name: String, startup: String = "auxAJ") -> String {
        """
        ---
        fullname: \(name)
        role: Développeuse
        domaine: Développement
        missions:
          - start: 2026-12-01
            end: 2030-06-30
            status: independent
            employer: Octo
            startups:
              - \(startup)
        ---

        """
    }

    func merge(_ number: Int) async throws {
        _ = try await call(.PUT, "/repos/\(Self.upstream)/pulls/\(number)/merge", body: [:], token: sandbox.github.maintainerToken)
    }

    func setState(_ number: Int, _ state: String) async throws {
        _ = try await call(.PATCH, "/repos/\(Self.upstream)/pulls/\(number)", body: ["state": state], token: sandbox.github.maintainerToken)
    }

    /// A delivery as GitHub sends it: the event's payload around the PR as `GET /pulls/{n}`
    /// shows it and the repository as `GET /repos/{o}/{r}` does (the webhook's shapes).
    func pullRequestDelivery(_ action: String, _ number: Int, id: String = UUID().uuidString,
                             secret: WebhookSecret = WatchedRepository.secret) async throws -> WebhookHandler.Request {
        let pull = try await call(.GET, "/repos/\(Self.upstream)/pulls/\(number)")
        let repository = try await call(.GET, "/repos/\(Self.upstream)")
        let payload: [String: Any] = ["action": action, "number": number, "pull_request": pull, "repository": repository,
                                      "sender": pull["user"] ?? [:]]
        return try Self.delivery("pull_request", payload, id: id, secret: secret)
    }

    func pushDelivery(before: String, after: String, id: String = UUID().uuidString) async throws -> WebhookHandler.Request {
        let repository = try await call(.GET, "/repos/\(Self.upstream)")
        let payload: [String: Any] = ["ref": "refs/heads/master", "before": before, "after": after, "created": false, "deleted": false,
                                      "forced": false, "compare": "https://github.com/\(Self.upstream)/compare/\(before.prefix(12))...\(after.prefix(12))",
                                      "commits": [], "repository": repository, "pusher": ["name": "sandbox-maintainer", "email": nil as String?]]
        return try Self.delivery("push", payload, id: id, secret: Self.secret)
    }

    static func delivery(_ event: String, _ payload: [String: Any], id: String, secret: WebhookSecret) throws -> WebhookHandler.Request {
        let body = Array(try JSONSerialization.data(withJSONObject: payload))
        return WebhookHandler.Request(headers: [
            ("X-GitHub-Event", event), ("X-GitHub-Delivery", id), ("X-Hub-Signature-256", secret.signature(of: body)),
            ("User-Agent", "GitHub-Hookshot/test"), ("Content-Type", "application/json"),
        ], body: body)
    }

    func masterHead() async throws -> String {
        try #require(try await github.reference(Self.upstream, "heads/master")).object.sha
    }

    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil, token: String? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: "\(sandbox.base)/github\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token ?? sandbox.github.token)")
        request.headers.add(name: "Accept", value: "application/vnd.github+json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(try JSONSerialization.data(withJSONObject: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        let text = String(buffer: bytes)
        #expect((200..<300).contains(Int(response.status.code)), "\(method) \(path): \(response.status) \(text.prefix(300))")
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }
}
