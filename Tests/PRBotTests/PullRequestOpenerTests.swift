import AsyncHTTPClient
import FicheSync
import Foundation
import Logging
import Providers
import Sandbox
import TestKit
import Testing
@testable import PRBot

/// The fork workflow against the sandbox GitHub: real bare repositories seeded with the
/// fixtures, real HTTP, faults at each step.
@Suite struct PullRequestOpenerTests {
    struct Bot {
        let folder: TemporaryDirectory
        let sandbox: FakeSandbox
        let opener: PullRequestOpener
        let catalog: SubmissionCatalog

        static func start() async throws -> Bot {
            let folder = try TemporaryDirectory()
            let sandbox = try await FakeSandbox.start(repositories: folder.sub("github"), seed: Package.fixtures)
            let exports = Dictionary(uniqueKeysWithValues: sandbox.exports.map { ($0.name, $0.value) })
            let configuration = try #require(try BotConfiguration(FicheSyncSettings(environment: exports)))
            // Fast retries: a fault the policy retries must not make the test wait seconds.
            let github = GitHubClient(http: HTTPClient.shared, apiURL: configuration.apiURL, organization: "betagouv",
                                      tokens: StaticToken(configuration.token), policy: .fastRetries())
            let opener = PullRequestOpener(github: github, upstream: configuration.upstream, fork: configuration.fork, logger: Logger(label: "test"))
            let catalog = SubmissionCatalog(try CatalogReader.read(directory: Package.fixtures).0)
            return Bot(folder: folder, sandbox: sandbox, opener: opener, catalog: catalog)
        }

        var hosting: GitHubHosting { sandbox.github.hosting! }

        /// The valid submission, on the fixtures' startups and referent.
        static let json = replacing("missions", with: #"[{"start": "2026-12-07", "end": "2027-06-30", "status": "independent", "startups": ["auxAJ", "e-inspé"]}]"#,
                                    in: replacing("referent", with: "\"marius.tellier\""))

        func draft(_ json: String = Bot.json) throws -> PullRequestDraft {
            let checked = try submission(json).check(against: catalog, today: today)
            return PullRequestDraft.onboarding(checked, rendered: try AuthorFicheRenderer.render(checked.fiche), referentName: "Marius Tellier",
                                               outcome: MergeOutcomeWords(domain: "beta.gouv.fr"))
        }

        /// The fiche at the head of the fork's `branch`, read with libgit2 from the hosted repository.
        func file(_ path: String, onForkBranch branch: String, parent: String? = nil) throws -> [UInt8]? {
            let repository = try GitRepository(at: try #require(hosting.path(of: FakeSandbox.upstream)))
            let head = try #require(try repository.reference("refs/namespaces/fichesync-bot/refs/heads/\(branch)"))
            let info = try repository.commitInfo(head)
            let master = try #require(try repository.reference("refs/heads/master"))
            #expect(info.parents == [master], "one commit on the upstream's head")
            if let parent { #expect(info.parents.map(\.description) == [parent]) }
            guard let entry = try repository.ficheEntries(at: head).first(where: { $0.location.path == path }) else { return nil }
            return try repository.blob(entry.blob)
        }
    }

    @Test func aSubmissionIsOneBranchOneCommitOnePullRequest() async throws {
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        let before = try await bot.hosting.branches(of: FakeSandbox.fork)
        let requestsBefore = TestMetricsSystem.providerRequests(to: bot.opener.github.transport.baseURL)
        let draft = try bot.draft()
        let opened = try await bot.opener.open(draft)
        let requests = TestMetricsSystem.providerRequests(to: bot.opener.github.transport.baseURL) - requestsBefore
        // The default branch asked (GET /repos), its head with its tree (GET commits/{ref}),
        // the open PRs, the fiche not already there, tree, commit, branch, pull request.
        #expect(requests == 8, "requests per submission: \(requests)")
        #expect(!opened.existing)
        #expect(opened.branch == draft.branch)
        let after = try await bot.hosting.branches(of: FakeSandbox.fork)
        #expect(Set(after.keys).subtracting(before.keys) == [draft.branch])
        let pulls = bot.hosting.snapshot.pulls[FakeSandbox.upstream] ?? []
        #expect(pulls.count == 1)
        #expect(pulls.first?.title == "Création de fiche pour Léa Martin. Référent : Marius Tellier.")
        #expect(pulls.first?.headRepository == FakeSandbox.fork)
        // Only the fork was written to; the upstream got the pull request and nothing else.
        let upstreamWrites = bot.hosting.writes.filter { $0.repository.lowercased() == FakeSandbox.upstream }
        #expect(upstreamWrites.map(\.endpoint) == ["POST /repos/{owner}/{repo}/pulls"])
        // The file passes the validator inside the repository and reads back to the submission.
        let bytes = try #require(try bot.file(draft.path, onForkBranch: draft.branch))
        #expect(bytes == draft.content)
        var files = try CatalogReader.read(directory: Package.fixtures).0
        let decoded = FicheDecoder.decode(FicheLocation(kind: .author, id: "lea.martin"), bytes: bytes)
        files.add(FicheLocation(kind: .author, id: "lea.martin"), decoded)
        #expect(Validator(today: today).validate(files).filter { $0.severity == .error }.isEmpty)
        guard case .author(let author)? = decoded.fiche else {
            Issue.record("not an author fiche")
            return
        }
        #expect(author.fullname.value == "Léa Martin")
        #expect(author.missions.flatMap { $0.startups.map(\.value) } == ["auxAJ", "e-inspé"])
        #expect(author.github?.value == "lea-martin")

        // The next submission on the same opener knows the default branch: one request fewer.
        let second = try bot.draft(replacing("fullname", with: "\"Noé Martin\"", in: replacing("github", with: "\"noe-martin\"", in: Bot.json)))
        let secondBefore = TestMetricsSystem.providerRequests(to: bot.opener.github.transport.baseURL)
        _ = try await bot.opener.open(second)
        #expect(TestMetricsSystem.providerRequests(to: bot.opener.github.transport.baseURL) - secondBefore == 7)
    }

    /// `GITHUB_BASE_BRANCH` names the branch; unset, the upstream's default branch is asked
    /// (here renamed to `main` on the sandbox: the pull request goes there, not to master).
    @Test func pullRequestsGoToTheDefaultBranchOrTheConfiguredOne() async throws {
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        let github = bot.opener.github, upstream = bot.opener.upstream
        let master = try #require(try await github.reference(upstream, "heads/master")).object.sha
        try await bot.hosting.setDefaultBranch(of: FakeSandbox.upstream, to: "main", at: master)
        let opened = try await bot.opener.open(try bot.draft())
        #expect(try await github.pullRequest(upstream, number: opened.number)?.base.ref == "main")

        let settings = FicheSyncSettings(environment: ["GITHUB_TOKEN": "t", "GITHUB_FORK": "fichesync-bot/beta.gouv.fr", "GITHUB_BASE_BRANCH": "master"])
        #expect(try BotConfiguration(settings)?.baseBranch == "master")
        #expect(throws: BotConfiguration.Problem.self) {
            try BotConfiguration(FicheSyncSettings(environment: ["GITHUB_TOKEN": "t", "GITHUB_FORK": "a/b", "GITHUB_BASE_BRANCH": "../x"]))
        }
    }

    @Test func theSamePersonAgainGetsTheOpenPullRequest() async throws {
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        let first = try await bot.opener.open(try bot.draft())
        // Submitted again, with another role: still the same person (the same fiche path).
        let again = try await bot.opener.open(try bot.draft(replacing("role", with: "\"Lead dev\"", in: Bot.json)))
        #expect(again == PullRequestOpener.Opened(number: first.number, url: first.url, branch: first.branch, existing: true))
        #expect((bot.hosting.snapshot.pulls[FakeSandbox.upstream] ?? []).count == 1)
        #expect(try await bot.hosting.branches(of: FakeSandbox.fork).count == 2, "master and the one bot branch")
    }

    @Test func aPullRequestOpenedByHandIsFoundToo() async throws {
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        // Someone opened a PR adding the fiche by hand, on a branch with no bot name, titled freely.
        let github = bot.opener.github, fork = bot.opener.fork, upstream = bot.opener.upstream
        let base = try #require(try await github.reference(upstream, "heads/master")).object.sha
        let tree = try await github.createTree(fork, base: try await github.commit(upstream, sha: base).tree.sha,
                                               files: [.init(path: "content/_authors/lea.martin.md", content: "---\nfullname: Léa Martin\n---\n")])
        let commit = try await github.createCommit(fork, message: "ma fiche", tree: tree, parents: [base])
        try await github.createBranch(fork, "patch-1", sha: commit)
        let byHand = try await github.createPullRequest(upstream, title: "Ajout de ma fiche", head: "fichesync-bot:patch-1", base: "master", body: "", maintainerCanModify: false)
        let opened = try await bot.opener.open(try bot.draft())
        #expect(opened.number == byHand.number)
        #expect(opened.existing)
        #expect((bot.hosting.snapshot.pulls[FakeSandbox.upstream] ?? []).count == 1)
    }

    /// The files of the open pull requests are read once per head: with one open for someone
    /// else, the first submission reads its files (9 requests), the next reads none (7).
    @Test func theFilesOfOpenPullRequestsAreReadOncePerHead() async throws {
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        let github = bot.opener.github, fork = bot.opener.fork, upstream = bot.opener.upstream
        let base = try #require(try await github.reference(upstream, "heads/master")).object.sha
        let tree = try await github.createTree(fork, base: try await github.commit(upstream, sha: base).tree.sha,
                                               files: [.init(path: "content/_authors/autre.personne.md", content: "---\nfullname: Autre Personne\n---\n")])
        try await github.createBranch(fork, "patch-2", sha: try await github.createCommit(fork, message: "autre", tree: tree, parents: [base]))
        _ = try await github.createPullRequest(upstream, title: "Autre", head: "fichesync-bot:patch-2", base: "master", body: "", maintainerCanModify: false)
        func requests(_ draft: PullRequestDraft) async throws -> Int64 {
            let before = TestMetricsSystem.providerRequests(to: github.transport.baseURL)
            #expect(try await !bot.opener.open(draft).existing)
            return TestMetricsSystem.providerRequests(to: github.transport.baseURL) - before
        }
        #expect(try await requests(try bot.draft()) == 9)
        #expect(try await requests(try bot.draft(replacing("fullname", with: "\"Noé Martin\"", in: replacing("github", with: "\"noe-martin\"", in: Bot.json)))) == 7)
        #expect((bot.hosting.snapshot.pulls[FakeSandbox.upstream] ?? []).count == 3)
    }

    /// A fault reading an open pull request's files fails the submission before anything is
    /// written; a fault removing the branch after a failed pull request leaves the branch,
    /// which the next run moves and uses: still one pull request, no second branch.
    @Test func faultsAroundTheBranchLeaveNothingTheNextRunCannotMend() async throws {
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        let other = try bot.draft(replacing("fullname", with: "\"Noé Martin\"", in: replacing("github", with: "\"noe-martin\"", in: Bot.json)))
        _ = try await bot.opener.open(other)
        let files = "GET /repos/{owner}/{repo}/pulls/{pull_number}/files"
        #expect(FakeGitHubServer.endpoints.contains(files))
        // A new opener: it has not seen the open pull request's files yet.
        let fresh = PullRequestOpener(github: bot.opener.github, upstream: bot.opener.upstream, fork: bot.opener.fork, logger: Logger(label: "test"))
        let draft = try bot.draft()
        bot.sandbox.github.setFaults(Faults(failureRate: 1), on: files)
        await #expect(throws: ProviderError.self) { try await fresh.open(draft) }
        bot.sandbox.github.setFaults(Faults(), on: files)
        #expect(try await bot.hosting.branches(of: FakeSandbox.fork).count == 2, "master and the other's branch only")

        let pulls = "POST /repos/{owner}/{repo}/pulls", delete = "DELETE /repos/{owner}/{repo}/git/refs/{ref}"
        #expect(FakeGitHubServer.endpoints.contains(delete))
        bot.sandbox.github.setFaults(Faults(failureRate: 1), on: pulls)
        bot.sandbox.github.setFaults(Faults(failureRate: 1), on: delete)
        await #expect(throws: ProviderError.self) { try await fresh.open(draft) }
        #expect(try await bot.hosting.branches(of: FakeSandbox.fork)[draft.branch] != nil, "the branch the failed removal left")
        bot.sandbox.github.setFaults(Faults(), on: pulls)
        bot.sandbox.github.setFaults(Faults(), on: delete)
        let opened = try await fresh.open(draft)
        #expect(!opened.existing && opened.branch == draft.branch)
        #expect(try await bot.hosting.branches(of: FakeSandbox.fork).count == 3)
        #expect((bot.hosting.snapshot.pulls[FakeSandbox.upstream] ?? []).count == 2)
    }

    @Test func aFicheAlreadyOnMasterIsRefused() async throws {
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        var draft = try bot.draft()
        draft.path = "content/_authors/marius.tellier.md"
        await #expect { try await bot.opener.open(draft) } throws: { ($0 as? PullRequestOpener.Refused)?.code == .ficheExists }
        #expect(try await bot.hosting.branches(of: FakeSandbox.fork).count == 1)
    }

    /// Each step of the workflow failing for good: the run fails, no branch is left on the
    /// fork, no pull request is open; once the fault is gone, the next run opens exactly one.
    @Test(arguments: [
        "GET /repos/{owner}/{repo}", "GET /repos/{owner}/{repo}/commits/{ref}", "GET /repos/{owner}/{repo}/pulls",
        "GET /repos/{owner}/{repo}/contents/{path}", "POST /repos/{owner}/{repo}/git/trees", "POST /repos/{owner}/{repo}/git/commits",
        "POST /repos/{owner}/{repo}/git/refs", "POST /repos/{owner}/{repo}/pulls",
    ])
    func aFaultAtAnyStepLeavesNoStrayBranch(_ endpoint: String) async throws {
        #expect(FakeGitHubServer.endpoints.contains(endpoint), "\(endpoint) is an endpoint of the fake")
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        let draft = try bot.draft()
        bot.sandbox.github.setFaults(Faults(failureRate: 1), on: endpoint)
        await #expect(throws: ProviderError.self) { try await bot.opener.open(draft) }
        #expect(bot.sandbox.github.injectedFaults(on: endpoint).serverErrors > 0)
        #expect(Array(try await bot.hosting.branches(of: FakeSandbox.fork).keys) == ["master"], "no stray branch after a failure at \(endpoint)")
        #expect((bot.hosting.snapshot.pulls[FakeSandbox.upstream] ?? []).isEmpty)
        bot.sandbox.github.setFaults(Faults(), on: endpoint)
        let opened = try await bot.opener.open(draft)
        #expect(!opened.existing)
        #expect((bot.hosting.snapshot.pulls[FakeSandbox.upstream] ?? []).count == 1)
    }

    /// The pull request's answer lost after GitHub made it: the bot finds it instead of
    /// removing its branch (which would close it) or opening a second.
    @Test func aLostAnswerToThePullRequestIsTheOpenPullRequest() async throws {
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        bot.sandbox.github.setFaults(Faults(dropAfterEvery: 1), on: "POST /repos/{owner}/{repo}/pulls")
        let opened = try await bot.opener.open(try bot.draft())
        let pulls = bot.hosting.snapshot.pulls[FakeSandbox.upstream] ?? []
        #expect(pulls.count == 1)
        #expect(pulls.first?.state == "open")
        #expect(opened.number == pulls.first?.number)
    }

    @Test func anUpdateChangesOnlyItsLinesOnTheUpstreamsCurrentFiche() async throws {
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        let opened = try await bot.opener.open(change: ProposedChange(lastMissionEnd: newEnd), memberID: "gustave.noiret", fullname: "Gustave Noiret")
        let branch = try #require(opened.branch)
        #expect(branch.hasPrefix("gustave-noiret-update-"))
        let after = try #require(try bot.file("content/_authors/gustave.noiret.md", onForkBranch: branch))
        #expect(changedLines(try fixture("gustave.noiret"), after) == (["    end: 2028-06-12\r"], ["    end: 2027-12-31\r"]))
        let pull = try #require(bot.hosting.snapshot.pulls[FakeSandbox.upstream]?.first)
        #expect(pull.title == "Mise à jour de gustave.noiret : mission prolongée jusqu'au 31/12/2027")
        await #expect { try await bot.opener.open(change: ProposedChange(role: "x"), memberID: "nobody.here", fullname: "") } throws: {
            ($0 as? PullRequestOpener.Refused)?.code == .ficheMissing
        }
    }
}

extension PullRequestOpenerTests {
    /// The base moves under a bot PR and conflicts with it: the bot rebuilds its branch with
    /// the same change on the new base, and the PR merges again.
    @Test func aBotPullRequestInConflictIsRebuiltOnTheNewBase() async throws {
        let bot = try await Bot.start()
        defer { Task { [sandbox = bot.sandbox] in try? await sandbox.stop() } }
        let opened = try await bot.opener.open(change: ProposedChange(lastMissionEnd: newEnd), memberID: "anatole.garrigue", fullname: "Anatole Garrigue")
        #expect(try await bot.opener.rebuildIfInConflict(number: opened.number) == .clean)

        // A maintainer changes the same line on master.
        let maintainer = GitHubClient(http: .shared, apiURL: bot.opener.github.transport.baseURL, organization: "betagouv",
                                      tokens: StaticToken(bot.sandbox.github.maintainerToken), policy: .fastRetries())
        let upstream = bot.opener.upstream
        let master = try #require(try await maintainer.reference(upstream, "heads/master")).object.sha
        let fiche = try String(contentsOfFile: "\(Package.fixtures)/content/_authors/anatole.garrigue.md", encoding: .utf8)
        let tree = try await maintainer.createTree(upstream, base: try await maintainer.commit(upstream, sha: master).tree.sha, files: [
            .init(path: "content/_authors/anatole.garrigue.md", content: fiche.replacingOccurrences(of: "end: 2023-12-18", with: "end: 2024-06-30")),
        ])
        let moved = try await maintainer.createCommit(upstream, message: "Fin de mission corrigée", tree: tree, parents: [master])
        try await maintainer.moveBranch(upstream, "master", sha: moved, force: false)
        #expect(try await bot.opener.github.pullRequest(upstream, number: opened.number)?.mergeable == false)

        let rebuild = try await bot.opener.rebuildIfInConflict(number: opened.number)
        guard case .rebuilt(_, let base) = rebuild else {
            Issue.record("not rebuilt: \(rebuild)")
            return
        }
        #expect(base == moved)
        #expect(rebuild.words?.contains("reconstruite") == true)
        let detail = try #require(try await bot.opener.github.pullRequest(upstream, number: opened.number))
        #expect(detail.mergeable == true)
        let branch = try #require(opened.branch)
        let after = try #require(try bot.file("content/_authors/anatole.garrigue.md", onForkBranch: branch, parent: moved))
        #expect(changedLines(Array(fiche.replacingOccurrences(of: "end: 2023-12-18", with: "end: 2024-06-30").utf8), after)
                == (["    end: 2024-06-30"], ["    end: 2027-12-31"]))
        #expect(try await bot.opener.rebuildIfInConflict(number: opened.number) == .clean)
    }
}
