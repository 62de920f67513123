import AsyncHTTPClient
import CryptoExtras
import FicheSync
import Foundation
import Logging
import Providers
import Synchronization
import Sandbox
import TestKit
import Testing
@testable import PRBot

/// Positioned checks on a hand-made pull request from the fork, against the sandbox GitHub
/// (real bare repositories, the App's JWT verified by the fake, check runs kept by it).
@Suite struct PullRequestChecksTests {
    struct Setup {
        let folder: TemporaryDirectory
        let sandbox: FakeSandbox
        let bot: GitHubClient
        let checks: PullRequestChecks

        static func start() async throws -> Setup {
            let folder = try TemporaryDirectory()
            let sandbox = try await FakeSandbox.start(repositories: folder.sub("github"), seed: Package.fixtures)
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            try sandbox.github.app.trust(publicKeyPEM: key.publicKey.pemRepresentation)
            let api = "\(sandbox.base)/github"
            let tokens = try GitHubAppTokens(.init(appID: sandbox.github.app.appID, installationID: sandbox.github.app.installationID,
                                                   privateKeyPEM: key.pemRepresentation, apiURL: api), http: .shared)
            let app = GitHubClient(http: .shared, apiURL: api, organization: "betagouv", tokens: tokens, policy: .fastRetries())
            let bot = GitHubClient(http: .shared, apiURL: api, organization: "betagouv", tokens: StaticToken(sandbox.github.token), policy: .fastRetries())
            let upstream = try #require(RepositoryName(FakeSandbox.upstream))
            let gitURL = try #require(sandbox.github.hosting?.path(of: FakeSandbox.upstream))
            let checks = PullRequestChecks(github: app, upstream: upstream, gitURL: gitURL, cache: RepositoryCache(directory: folder.sub("mirrors")))
            return Setup(folder: folder, sandbox: sandbox, bot: bot, checks: checks)
        }

        var upstream: RepositoryName { checks.upstream }
        var fork: RepositoryName { RepositoryName(FakeSandbox.fork)! }

        /// A commit on the upstream's master with `files`, as the fork's `branch` (made or moved).
        @discardableResult
        func push(_ files: [String: String], branch: String, create: Bool) async throws -> String {
            let base = try #require(try await bot.reference(upstream, "heads/master")).object.sha
            let tree = try await bot.createTree(fork, base: try await bot.commit(upstream, sha: base).tree.sha,
                                                files: files.sorted { $0.key < $1.key }.map { .init(path: $0.key, content: $0.value) })
            let commit = try await bot.createCommit(fork, message: "fiches", tree: tree, parents: [base])
            if create { try await bot.createBranch(fork, branch, sha: commit) } else { try await bot.moveBranch(fork, branch, sha: commit, force: true) }
            return commit
        }
    }

    static func author(_ name: String, end: String = "2027-06-30", domaine: String = "Design", startup: String = "auxAJ") -> String {
        """
        ---
        fullname: \(name)
        role: Designer
        domaine: \(domaine)
        missions:
          - start: 2026-01-05
            end: \(end)
            status: independent
            startups:
              - \(startup)
        ---

        """
    }

    @Test func threeBrokenFichesAreThreeAnnotationsOnTheirLinesThenOneAfterAFix() async throws {
        let setup = try await Setup.start()
        defer { Task { [sandbox = setup.sandbox] in try? await sandbox.stop() } }
        let broken = [
            "content/_authors/alice.dupont.md": Self.author("Alice Dupont", end: "2025-01-01"),        // line 7: end before start
            "content/_authors/bruno.petit.md": Self.author("Bruno Petit", startup: "startup-inconnue"), // line 10: unknown startup
            "content/_authors/chloe.roux.md": Self.author("Chloé Roux", domaine: "Cuisine"),            // line 4: not a domaine
        ]
        try await setup.push(broken, branch: "fiches-a-la-main", create: true)
        let pull = try await setup.bot.createPullRequest(setup.upstream, title: "Nos fiches", head: "fichesync-bot:fiches-a-la-main", base: "master",
                                                          body: "", maintainerCanModify: false)
        let first = try await setup.checks.check(number: pull.number, today: today)
        #expect(first.errors == 3)
        let annotations = try await setup.checks.github.checkRunAnnotations(setup.upstream, id: first.checkRun)
        #expect(Set(annotations.map { "\($0.path):\($0.startLine):\($0.annotationLevel):\($0.title ?? "")" }) == [
            "content/_authors/alice.dupont.md:7:failure:date-order",
            "content/_authors/bruno.petit.md:10:failure:unknown-startup",
            "content/_authors/chloe.roux.md:4:failure:enum-value",
        ])
        let runs = try await setup.checks.github.checkRuns(setup.upstream, sha: first.headSHA)
        #expect(runs.map(\.conclusion) == ["failure"])

        // A second push fixes two of them: a new check run on the new sha, with one annotation.
        var fixed = broken
        fixed["content/_authors/alice.dupont.md"] = Self.author("Alice Dupont")
        fixed["content/_authors/bruno.petit.md"] = Self.author("Bruno Petit")
        let second = try await setup.push(fixed, branch: "fiches-a-la-main", create: false)
        let again = try await setup.checks.check(number: pull.number, today: today)
        #expect(again.headSHA == second)
        #expect(again.checkRun != first.checkRun)
        let remaining = try await setup.checks.github.checkRunAnnotations(setup.upstream, id: again.checkRun)
        #expect(remaining.map { "\($0.path):\($0.startLine)" } == ["content/_authors/chloe.roux.md:4"])
        #expect(try await setup.checks.github.checkRuns(setup.upstream, sha: first.headSHA).count == 1, "the first run stays on its sha")
    }

    @Test func moreThanFiftyProblemsAreAllAnnotated() async throws {
        let setup = try await Setup.start()
        defer { Task { [sandbox = setup.sandbox] in try? await sandbox.stop() } }
        var files: [String: String] = [:]
        for index in 0..<60 {
            let letters = String(UnicodeScalar(UInt8(97 + index / 26))) + String(UnicodeScalar(UInt8(97 + index % 26)))
            files["content/_authors/membre.\(letters)-test.md"] = Self.author("Membre \(letters)", end: "2025-01-01")
        }
        try await setup.push(files, branch: "beaucoup", create: true)
        let pull = try await setup.bot.createPullRequest(setup.upstream, title: "Beaucoup", head: "fichesync-bot:beaucoup", base: "master",
                                                          body: "", maintainerCanModify: false)
        let outcome = try await setup.checks.check(number: pull.number, today: today)
        #expect(outcome.errors == 60)
        let annotations = try await setup.checks.github.checkRunAnnotations(setup.upstream, id: outcome.checkRun)
        #expect(annotations.count == 60)
        #expect(Set(annotations.map(\.path)).count == 60)
    }

    @Test func aPersonalTokenCannotWriteCheckRuns() async throws {
        let setup = try await Setup.start()
        defer { Task { [sandbox = setup.sandbox] in try? await sandbox.stop() } }
        let head = try #require(try await setup.bot.reference(setup.upstream, "heads/master")).object.sha
        await #expect { try await setup.bot.createCheckRun(setup.upstream, name: "x", headSHA: head, conclusion: "success", title: "t", summary: "s", annotations: []) }
            throws: { ($0 as? ProviderError)?.status == 403 }
    }
}

extension PullRequestChecksTests {
    /// One comment per pull request, edited at each new head and never posted again.
    @Test func theMergePreviewIsOneCommentEditedInPlace() async throws {
        let setup = try await Setup.start()
        defer { Task { [sandbox = setup.sandbox] in try? await sandbox.stop() } }
        let fixture = try String(contentsOfFile: "\(Package.fixtures)/content/_authors/anatole.garrigue.md", encoding: .utf8)
        let extended = fixture.replacingOccurrences(of: "    end: 2023-12-18", with: "    end: 2027-12-31")
        try await setup.push(["content/_authors/anatole.garrigue.md": extended, "content/_authors/lea.martin.md": Self.author("Léa Martin")],
                             branch: "arrivee", create: true)
        let pull = try await setup.bot.createPullRequest(setup.upstream, title: "Arrivée", head: "fichesync-bot:arrivee", base: "master",
                                                          body: "", maintainerCanModify: false)
        let asked = Mutex<[[String]]>([])
        let planner: PullRequestChecks.Planner = { head, members in
            asked.withLock { $0.append(members.sorted()) }
            #expect(head.authors.contains { $0.id == "lea.martin" })
            return [PreviewOperation(provider: "ovh", action: "create", target: "lea.martin@beta.gouv.fr", member: "lea.martin"),
                    PreviewOperation(provider: "mattermost", action: "add-to-team", target: "lea.martin", group: "community", member: "lea.martin")]
        }
        let first = try await setup.checks.check(number: pull.number, today: today, planner: planner)
        #expect(asked.withLock { $0 } == [["anatole.garrigue", "lea.martin"]])
        let comments = try await setup.bot.comments(setup.upstream, issue: pull.number)
        #expect(comments.count == 1)
        let body = try #require(comments.first?.body)
        #expect(body.hasPrefix(MergePreview.marker))
        #expect(body.contains("- prolonge la mission de anatole.garrigue jusqu'au 31/12/2027"))
        #expect(body.contains("- ajoute la fiche de Léa Martin \\(lea.martin\\)"))
        #expect(body.contains("- crée l'adresse lea.martin@beta.gouv.fr"))
        #expect(body.contains("- ajoute lea.martin à l'équipe Mattermost « community »"))
        #expect(body.contains("Rien ne sera supprimé."))

        // A push breaking a fiche: the same comment now says what is refused, and plans nothing.
        try await setup.push(["content/_authors/anatole.garrigue.md": extended, "content/_authors/lea.martin.md": Self.author("Léa Martin", domaine: "Cuisine")],
                             branch: "arrivee", create: false)
        let second = try await setup.checks.check(number: pull.number, today: today, planner: planner)
        #expect(second.previewComment == first.previewComment)
        let edited = try await setup.bot.comments(setup.upstream, issue: pull.number)
        #expect(edited.count == 1, "edited in place, never posted again")
        #expect(edited.first?.body?.contains("**Refusé en l'état** (1 erreur)") == true)
        #expect(edited.first?.body?.contains("`content/_authors/lea.martin.md:4`") == true)
        #expect(asked.withLock { $0.count } == 1, "nothing planned while an error remains")
    }
}
