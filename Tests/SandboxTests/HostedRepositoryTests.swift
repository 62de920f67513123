import AsyncHTTPClient
import FicheSync
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import TestKit
import Sandbox

/// The sandbox GitHub's hosted repositories over real HTTP, on real bare repositories in a
/// temporary folder: the PR bot's whole path (blob → tree → commit → branch on the fork →
/// pull request on the upstream → merge by the maintainer), then `sync`'s reader sees the
/// new fiche on the upstream's master.
@Suite struct HostedRepositoryTests {
    /// A started sandbox hosting the fixtures, and a way to call its GitHub API.
    struct Hosted {
        let folder: TemporaryDirectory
        let sandbox: FakeSandbox

        static func start() async throws -> Hosted {
            let folder = try TemporaryDirectory()
            let sandbox = try await FakeSandbox.start(repositories: folder.sub("github"), seed: Package.fixtures)
            return Hosted(folder: folder, sandbox: sandbox)
        }

        var hosting: GitHubHosting { sandbox.github.hosting! }

        /// `method path` with `body` (JSON) as the bot, or as the maintainer; the status and
        /// the decoded JSON answer.
        @discardableResult
        func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil, maintainer: Bool = false) async throws -> (status: UInt, json: Any?, headers: HTTPHeaders) {
            var request = HTTPClientRequest(url: "\(sandbox.base)/github\(path)")
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(maintainer ? sandbox.github.maintainerToken : sandbox.github.token)")
            request.headers.add(name: "X-GitHub-Api-Version", value: "2022-11-28")
            if let body { request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 10 << 20)
            let json = bytes.readableBytes == 0 ? nil : try JSONSerialization.jsonObject(with: Data(buffer: bytes), options: .fragmentsAllowed)
            return (response.status.code, json, response.headers)
        }

        func object(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil, maintainer: Bool = false,
                    expect status: UInt = 200, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
            let (got, json, _) = try await call(method, path, body, maintainer: maintainer)
            #expect(got == status, "\(method) \(path): \(String(describing: json))", sourceLocation: sourceLocation)
            return json as? [String: Any] ?? [:]
        }

        /// The bot's way: a commit on the upstream's master adding `path`, as branch `branch` of the fork.
        func branch(_ branch: String, adding path: String, text: String) async throws -> String {
            let up = FakeSandbox.upstream, fork = FakeSandbox.fork
            let base = try await object(.GET, "/repos/\(up)/git/ref/heads/master")
            let baseSHA = try #require((base["object"] as? [String: Any])?["sha"] as? String)
            let blob = try await object(.POST, "/repos/\(fork)/git/blobs",
                                        ["content": Data(text.utf8).base64EncodedString(), "encoding": "base64"], expect: 201)
            let tree = try await object(.POST, "/repos/\(fork)/git/trees", [
                "base_tree": baseSHA, "tree": [["path": path, "mode": "100644", "type": "blob", "sha": blob["sha"] ?? ""]],
            ], expect: 201)
            let commit = try await object(.POST, "/repos/\(fork)/git/commits",
                                          ["message": "Ajout de \(path)", "tree": tree["sha"] ?? "", "parents": [baseSHA]], expect: 201)
            let sha = try #require(commit["sha"] as? String)
            try await object(.POST, "/repos/\(fork)/git/refs", ["ref": "refs/heads/\(branch)", "sha": sha], expect: 201)
            return sha
        }
    }

    static let fiche = """
    ---
    fullname: Camille Dupont-Léger
    role: Développeuse
    domaine: Développement
    missions:
      - start: 2026-01-05
        end: 2027-01-05
        status: independent
        employer: octo
        startups:
          - tri-malin
    ---
    Nouvelle recrue.

    """

    @Test func aSubmissionBecomesAPullRequestThatMergesIntoTheUpstream() async throws {
        let hosted = try await Hosted.start()
        let (up, fork) = (FakeSandbox.upstream, FakeSandbox.fork)
        let path = "content/_authors/camille.dupont-leger.md"

        let repository = try await hosted.object(.GET, "/repos/\(up)")
        #expect(repository["default_branch"] as? String == "master" && repository["fork"] as? Bool == false)
        let forked = try await hosted.object(.GET, "/repos/\(fork)")
        #expect(forked["fork"] as? Bool == true)
        #expect((forked["parent"] as? [String: Any])?["full_name"] as? String == up)
        #expect((forked["owner"] as? [String: Any])?["type"] as? String == "User")

        let head = try await hosted.branch("authorcamille.dupont-leger-3fa2b1", adding: path, text: Self.fiche)
        // The fork's branch is readable through the contents API at that branch.
        let content = try await hosted.object(.GET, "/repos/\(fork)/contents/\(path)?ref=authorcamille.dupont-leger-3fa2b1")
        let decoded = Data(base64Encoded: content["content"] as? String ?? "", options: .ignoreUnknownCharacters)
        #expect(decoded.map { String(decoding: $0, as: UTF8.self) } == Self.fiche)
        try await hosted.object(.GET, "/repos/\(up)/contents/\(path)", expect: 404)
        try await hosted.object(.GET, "/repos/\(up)/contents/content/../../etc/passwd", expect: 404)

        let opened = try await hosted.object(.POST, "/repos/\(up)/pulls", [
            "title": "Création de fiche pour camille.dupont-leger", "head": "fichesync-bot:authorcamille.dupont-leger-3fa2b1",
            "base": "master", "body": "Référent : x", "maintainer_can_modify": true,
        ], expect: 201)
        #expect(opened["number"] as? Int == 1)
        #expect((opened["head"] as? [String: Any])?["sha"] as? String == head)
        #expect((opened["head"] as? [String: Any])?["label"] as? String == "fichesync-bot:authorcamille.dupont-leger-3fa2b1")
        #expect(opened["mergeable"] as? Bool == true && opened["merged"] as? Bool == false)
        let again = try await hosted.object(.POST, "/repos/\(up)/pulls", [
            "title": "Encore", "head": "fichesync-bot:authorcamille.dupont-leger-3fa2b1", "base": "master",
        ], expect: 422)
        let errors = again["errors"] as? [[String: Any]]
        #expect(errors?.first?["message"] as? String == "A pull request already exists for fichesync-bot:authorcamille.dupont-leger-3fa2b1.")

        let (_, filesJSON, _) = try await hosted.call(.GET, "/repos/\(up)/pulls/1/files")
        let files = try #require(filesJSON as? [[String: Any]])
        #expect(files.count == 1)
        #expect(files.first?["filename"] as? String == path && files.first?["status"] as? String == "added")
        #expect(files.first?["additions"] as? Int == Self.fiche.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
        #expect((files.first?["patch"] as? String)?.hasPrefix("@@ -0,0 +1,") == true)

        // The bot writes to its fork only: the upstream refuses it anything but the pull request.
        try await hosted.object(.PUT, "/repos/\(up)/pulls/1/merge", ["merge_method": "squash"], expect: 403)
        try await hosted.object(.POST, "/repos/\(up)/git/refs", ["ref": "refs/heads/x", "sha": head], expect: 403)
        let writes = hosted.hosting.writes
        #expect(writes.filter { $0.repository == up }.map(\.endpoint) == ["POST /repos/{owner}/{repo}/pulls"])
        #expect(writes.filter { $0.repository == fork }.map(\.endpoint) == [
            "POST /repos/{owner}/{repo}/git/blobs", "POST /repos/{owner}/{repo}/git/trees",
            "POST /repos/{owner}/{repo}/git/commits", "POST /repos/{owner}/{repo}/git/refs",
        ])
        // GitHub keeps the pull request's head on the base repository.
        let pullHead = try await hosted.object(.GET, "/repos/\(up)/git/ref/pull/1/head")
        #expect((pullHead["object"] as? [String: Any])?["sha"] as? String == head)

        try await hosted.object(.PUT, "/repos/\(up)/pulls/1/merge", ["sha": String(repeating: "0", count: 40)], maintainer: true, expect: 409)
        let merged = try await hosted.object(.PUT, "/repos/\(up)/pulls/1/merge", ["merge_method": "squash", "sha": head], maintainer: true)
        #expect(merged["merged"] as? Bool == true)
        try await hosted.object(.PUT, "/repos/\(up)/pulls/1/merge", [:], maintainer: true, expect: 405)
        let after = try await hosted.object(.GET, "/repos/\(up)/pulls/1")
        #expect(after["state"] as? String == "closed" && after["merged"] as? Bool == true && after["merged_at"] is String)
        #expect(after["changed_files"] as? Int == 1)

        // `fichesync sync` reads the upstream's path: the new member is on master.
        let upstreamPath = try #require(hosted.hosting.path(of: up))
        let loaded = try await BlockingWork.run {
            try ContentSource.classify(upstreamPath, revisionRequested: false)
                .load(revision: nil, cache: RepositoryCache(directory: hosted.folder.sub("cache")))
        }
        #expect(loaded.commit?.description == merged["sha"] as? String)
        #expect(loaded.catalog.authors.contains { $0.id == "camille.dupont-leger" })

        // The fork's master is behind: merge-upstream fast-forwards it, then has nothing to do.
        let synced = try await hosted.object(.POST, "/repos/\(fork)/merge-upstream", ["branch": "master"])
        #expect(synced["merge_type"] as? String == "fast-forward" && synced["base_branch"] as? String == "betagouv:master")
        let none = try await hosted.object(.POST, "/repos/\(fork)/merge-upstream", ["branch": "master"])
        #expect(none["merge_type"] as? String == "none")
        try await hosted.sandbox.stop()
    }

    @Test func refsFollowGitHubsRules() async throws {
        let hosted = try await Hosted.start()
        let fork = FakeSandbox.fork
        let first = try await hosted.branch("one", adding: "content/_authors/a.b.md", text: Self.fiche)
        let second = try await hosted.branch("two", adding: "content/_authors/c.d.md", text: Self.fiche)
        let exists = try await hosted.object(.POST, "/repos/\(fork)/git/refs", ["ref": "refs/heads/one", "sha": first], expect: 422)
        #expect(exists["message"] as? String == "Reference already exists")
        try await hosted.object(.POST, "/repos/\(fork)/git/refs", ["ref": "refs/heads/../x", "sha": first], expect: 422)
        try await hosted.object(.POST, "/repos/\(fork)/git/refs", ["ref": "heads/x", "sha": first], expect: 422)
        let notFast = try await hosted.object(.PATCH, "/repos/\(fork)/git/refs/heads/one", ["sha": second], expect: 422)
        #expect(notFast["message"] as? String == "Update is not a fast forward")
        let forced = try await hosted.object(.PATCH, "/repos/\(fork)/git/refs/heads/one", ["sha": second, "force": true])
        #expect((forced["object"] as? [String: Any])?["sha"] as? String == second)

        // A pull request whose head branch is deleted closes, as on GitHub.
        try await hosted.object(.POST, "/repos/\(FakeSandbox.upstream)/pulls", ["title": "t", "head": "fichesync-bot:two", "base": "master"],
                                expect: 201)
        try await hosted.object(.DELETE, "/repos/\(fork)/git/refs/heads/two", expect: 204)
        let gone = try await hosted.object(.DELETE, "/repos/\(fork)/git/refs/heads/two", expect: 422)
        #expect(gone["message"] as? String == "Reference does not exist")
        let closed = try await hosted.object(.GET, "/repos/\(FakeSandbox.upstream)/pulls/1")
        #expect(closed["state"] as? String == "closed" && closed["merged"] as? Bool == false)
        #expect(try await hosted.hosting.branches(of: fork).keys.sorted() == ["master", "one"])
        try await hosted.object(.GET, "/repos/\(fork)/git/ref/heads/two", expect: 404)
        try await hosted.sandbox.stop()
    }

    @Test func pullsArePagedAndConflictsAreNotMergeable() async throws {
        let hosted = try await Hosted.start()
        let up = FakeSandbox.upstream
        for n in 0..<3 {
            _ = try await hosted.branch("b\(n)", adding: "content/_authors/same.one.md", text: Self.fiche + "\(n)\n")
            try await hosted.object(.POST, "/repos/\(up)/pulls", ["title": "t\(n)", "head": "fichesync-bot:b\(n)", "base": "master"], expect: 201)
        }
        let (_, page, headers) = try await hosted.call(.GET, "/repos/\(up)/pulls?state=open&per_page=2&page=1")
        #expect((page as? [[String: Any]])?.map { $0["number"] as? Int } == [3, 2])
        #expect(headers.first(name: "Link")?.contains("page=2") == true)
        let (_, filtered, _) = try await hosted.call(.GET, "/repos/\(up)/pulls?head=fichesync-bot:b1")
        #expect((filtered as? [[String: Any]])?.map { $0["number"] as? Int } == [2])
        try await hosted.object(.PUT, "/repos/\(up)/pulls/1/merge", ["merge_method": "merge"], maintainer: true)
        // Both others add the same file differently: they now conflict with master.
        let conflicting = try await hosted.object(.GET, "/repos/\(up)/pulls/2")
        #expect(conflicting["mergeable"] as? Bool == false && conflicting["mergeable_state"] as? String == "dirty")
        try await hosted.object(.PUT, "/repos/\(up)/pulls/2/merge", [:], maintainer: true, expect: 405)
        let master = try await hosted.object(.GET, "/repos/\(up)/git/ref/heads/master")
        let commit = try await hosted.object(.GET, "/repos/\(up)/git/commits/\((master["object"] as? [String: Any])?["sha"] as? String ?? "")")
        #expect((commit["parents"] as? [Any])?.count == 2, "a merge commit")
        try await hosted.sandbox.stop()
    }

    @Test func aFaultAtOneEndpointFailsThatStepOnly() async throws {
        let hosted = try await Hosted.start()
        let endpoint = "POST /repos/{owner}/{repo}/git/trees"
        #expect(FakeGitHubServer.endpoints.contains(endpoint))
        hosted.sandbox.github.setFaults(Faults(failureRate: 1), on: endpoint)
        try await hosted.object(.POST, "/repos/\(FakeSandbox.fork)/git/blobs", ["content": "x"], expect: 201)
        try await hosted.object(.POST, "/repos/\(FakeSandbox.fork)/git/trees", ["tree": []], expect: 500)
        #expect(hosted.sandbox.github.injectedFaults(on: endpoint).serverErrors == 1)
        hosted.sandbox.github.setFaults(Faults(), on: endpoint)
        try await hosted.object(.POST, "/repos/\(FakeSandbox.fork)/git/trees", ["tree": []], expect: 201)
        try await hosted.sandbox.stop()
    }
}
