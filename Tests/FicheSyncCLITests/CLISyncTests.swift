import AsyncHTTPClient
import Foundation
import Providers
import Testing
import TestKit
@testable import FicheSync

/// `fichesync sync`, `members`, `member` and `db status` as a user runs them: on the embedded
/// default (no DATABASE_URL), from an empty FICHESYNC_HOME.
@Suite struct CLISyncTests {
    /// No DATABASE_URL: fichesync creates its own cluster in FICHESYNC_HOME, syncs, answers
    /// queries, and stops the server when each command ends.
    @Test func embeddedDefaultFromAnEmptyDirectory() async throws {
        let home = try TemporaryDirectory()
        let noURL: [String: String?] = ["DATABASE_URL": nil]
        let first = try await CLI.run(["sync", Package.fixtures], home: home, environment: noURL)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("(full): 224 added, 0 updated, 0 renamed, 0 removed; 150 authors, 40 startups"), "\(first.stdout)")
        #expect(first.stdout.contains("8 warnings"))

        let second = try await CLI.run(["sync", Package.fixtures], home: home, environment: noURL)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("already synced, nothing to do"), "\(second.stdout)")

        let status = try await CLI.run(["db", "status"], home: home, environment: noURL)
        #expect(status.stdout.contains("embedded cluster in \(home.path)/postgres"), "\(status.stdout)")
        #expect(status.stdout.contains("synced: \(Package.fixtures) at commit"), "\(status.stdout)")

        let members = try await CLI.run(["members", "--format", "json"], home: home, environment: noURL)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(members.stdout.utf8)) as? [[String: Any]])
        #expect(list.count == 150)
        let csv = try await CLI.run(["members", "--startup", "e-inspé", "--format", "csv"], home: home, environment: noURL)
        #expect(csv.stdoutLines.first == "id,fullname,role,domaine,state,end_date,startups")
        #expect(csv.stdout.contains("basile.courtois,"))

        let member = try await CLI.run(["member", "chloe.darcy"], home: home, environment: noURL)
        #expect(member.status == 0)
        #expect(member.stdoutLines.first == "chloe.darcy — Chloé d'Arcy")
        let unknown = try await CLI.run(["member", "personne.inconnue"], home: home, environment: noURL)
        #expect(unknown.status == 2)
        let invalid = try await CLI.run(["member", "../etc/passwd"], home: home, environment: noURL)
        #expect(invalid.status == 2)

        // Every command stopped the server it started.
        #expect(!FileManager.default.fileExists(atPath: home.sub("postgres/postmaster.pid")))
    }

    /// A commit whose fiches break a rule is not synced: diagnostics, status 1, and the
    /// database keeps the previous commit.
    @Test func invalidCommitIsRefused() async throws {
        let home = try TemporaryDirectory()
        let noURL: [String: String?] = ["DATABASE_URL": nil]
        let repository = try GitRepository.initBare(at: home.sub("content.git"))
        var files = validTree.map { GitRepository.FileWrite(path: $0.key, bytes: Array($0.value.utf8)) }
        let good = try repository.commit(files: files, message: "good", reference: "refs/heads/master")
        #expect(try await CLI.run(["sync", home.sub("content.git")], home: home, environment: noURL).status == 0)

        files.append(.init(path: "content/_authors/paul.martin.md", bytes: Array("""
            ---
            fullname: Paul Martin
            role: Coach
            domaine: Coaching
            missions:
              - start: 2024-05-01
                end: 2024-01-01
                status: admin
            ---
            """.utf8)))
        try repository.commit(files: files, message: "bad", parents: [good], reference: "refs/heads/master")
        let refused = try await CLI.run(["sync", home.sub("content.git")], home: home, environment: noURL)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("content/_authors/paul.martin.md:7:10: error:"), "\(refused.stdout)")
        #expect(refused.stdout.contains("not synced"))
        let status = try await CLI.run(["db", "status"], home: home, environment: noURL)
        #expect(status.stdout.contains("at commit \(good)"), "\(status.stdout)")
    }
}

extension CLISyncTests {
    /// Two `fichesync sync` processes started together on the same (embedded) database:
    /// both succeed, the work is done once, and the server is stopped after both.
    @Test func twoSyncProcessesAtOnce() async throws {
        let home = try TemporaryDirectory()
        let runs = try await withThrowingTaskGroup(of: CLI.Run.self) { group in
            for _ in 0..<2 {
                group.addTask { try await CLI.run(["sync", Package.fixtures], home: home, environment: ["DATABASE_URL": nil]) }
            }
            return try await group.reduce(into: [CLI.Run]()) { $0.append($1) }
        }
        let finished = runs
        #expect(finished.count == 2)
        #expect(finished.allSatisfy { $0.status == 0 }, "\(finished.map(\.stderr))")
        #expect(finished.count { $0.stdout.contains("224 added") } == 1, "\(finished.map(\.stdout))")
        #expect(finished.count { $0.stdout.contains("already synced") } == 1, "\(finished.map(\.stdout))")
        #expect(!FileManager.default.fileExists(atPath: home.sub("postgres/postmaster.pid")))
    }
}

import Synchronization

extension CLISyncTests {
    /// `fichesync reconcile` with no provider credentials: the sandbox (fake providers, their
    /// state kept in the database) shows a real plan, converges, and a second run plans nothing.
    @Test func reconcileConvergesInTheSandbox() async throws {
        let home = try TemporaryDirectory()
        // No provider variable (assigning nil to a `[String: String?]` would only drop the key).
        let environment = ReconcileConfigurationTests.environment()
        #expect(try await CLI.run(["sync", Package.fixtures], home: home, environment: environment).status == 0)

        let dry = try await CLI.run(["reconcile", "--dry-run", "--format", "json"], home: home, environment: environment)
        #expect(dry.status == 0, "\(dry.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        #expect(plan["sandbox"] as? Bool == true)
        let operations = try #require(plan["operations"] as? [[String: Any]])
        #expect(!operations.isEmpty)
        #expect(operations.allSatisfy { Set($0.keys).isSuperset(of: ["provider", "action", "target", "reason"]) })

        let first = try await CLI.run(["reconcile"], home: home, environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdoutLines.first == "sandbox: providers are fichesync's fakes; their state is kept in the database")
        #expect(first.stdout.contains("applied: \(operations.count) done, 0 failed"), "\(first.stdout)")

        let second = try await CLI.run(["reconcile"], home: home, environment: environment)
        #expect(second.stdout.contains("sandbox: 0 to create, 0 to update, 0 to suspend, 0 to delete"), "\(second.stdout)")

        let narrowed = try await CLI.run(["reconcile", "--dry-run", "--only", "github", "--member", "chloe.darcy"], home: home, environment: environment)
        #expect(narrowed.status == 0)
        #expect(try await CLI.run(["reconcile", "--member", "../x"], home: home, environment: environment).status == 2)

        // An active attributaire has no mailbox and no address: listed; given an address
        // with `fichesync redirect`, the next run creates the redirection.
        let active = try await CLI.run(["members", "--active", "--format", "json"], home: home, environment: environment)
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(active.stdout.utf8)) as? [[String: Any]]).compactMap { $0["id"] as? String }
        let attributaire = try #require(ids.first { id in
            (try? String(contentsOfFile: "\(Package.fixtures)/content/_authors/\(id).md", encoding: .utf8))?.contains("memberType: attributaire") == true
        })
        #expect(second.stdout.contains("no redirection address for"), "\(second.stdout)")
        #expect(second.stdout.contains(attributaire))
        for bad in [["redirect", attributaire, "x@y"], ["redirect", "../etc", "x@example.org"], ["redirect", attributaire, "a@example.org", "--clear"]] {
            #expect(try await CLI.run(bad, home: home, environment: environment).status == 2, "\(bad)")
        }
        #expect(try await CLI.run(["redirect", "personne.inconnue", "x@example.org"], home: home, environment: environment).status == 2)
        let set = try await CLI.run(["redirect", attributaire, "perso@example.org"], home: home, environment: environment)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(try await CLI.run(["redirect", attributaire], home: home, environment: environment).stdout == "\(attributaire): perso@example.org\n")
        let third = try await CLI.run(["reconcile"], home: home, environment: environment)
        #expect(third.stdout.contains("create-redirection \(attributaire)@beta.gouv.fr → perso@example.org"), "\(third.stdout)")
        #expect(third.stdout.contains("applied: 1 done, 0 failed"), "\(third.stdout)")
        let states = try await CLI.run(["accounts", attributaire, "--format", "json"], home: home, environment: environment)
        #expect(states.stdout.contains("EMAIL_REDIRECTION_ACTIVE"), "\(states.stdout)")
    }
}

extension CLISyncTests {
    /// `fichesync sandbox` serves the three fakes on one port and prints the exports a client
    /// needs; `reconcile` configured by them talks to real HTTP (not the built-in sandbox)
    /// and converges.
    @Test func sandboxServesTheFakesOnOnePort() async throws {
        let home = try TemporaryDirectory()
        // The hosted repositories go under FICHESYNC_HOME: the test's, not the working directory's.
        let sandboxHome = try TemporaryDirectory()
        let sandbox = try await ChildProcess(["sandbox"], home: sandboxHome, environment: [:])
        defer { _ = sandbox }
        var text = ""
        let deadline = ContinuousClock.now + .seconds(60)
        while text.split(separator: "\n").count < 22, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            text = sandbox.stdout
        }
        var environment: [String: String?] = ["DATABASE_URL": nil]
        for line in text.split(separator: "\n").prefix(18) {
            #expect(line.hasPrefix("export "))
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            environment[String(pair[0])] = String(pair[1])
        }
        #expect(environment["OVH_ENDPOINT"]??.hasSuffix("/ovh/1.0") == true)
        #expect(environment["GITHUB_API_URL"]??.hasSuffix("/github") == true)
        #expect(environment["MATTERMOST_URL"]??.hasSuffix("/mattermost") == true)
        #expect(environment["GITHUB_REPOSITORY"] == "betagouv/beta.gouv.fr" && environment["GITHUB_FORK"] == "fichesync-bot/beta.gouv.fr")
        // The hosted upstream, seeded from the fixtures, is a source `sync` reads.
        let upstream = try #require(environment["FICHES_REPOSITORY"] ?? nil)
        #expect(try await CLI.run(["check", upstream], home: home, environment: environment).status != 2)

        // The merge command it prints merges a pull request, as the README says to use it.
        let merge = try #require(text.split(separator: "\n").first { $0.hasPrefix("#   curl -X PUT ") }).dropFirst(4)
        let github = GitHubClient(http: .shared, credentials: GitHubCredentials(
            apiURL: try #require(environment["GITHUB_API_URL"] ?? nil), token: try #require(environment["GITHUB_TOKEN"] ?? nil), organization: "betagouv"))
        let upstreamName = try #require(RepositoryName("betagouv/beta.gouv.fr")), fork = try #require(RepositoryName("fichesync-bot/beta.gouv.fr"))
        let head = try #require(try await github.commit(upstreamName, at: "master"))
        let tree = try await github.createTree(fork, base: head.tree.sha, files: [.init(path: "content/_authors/essai.merge.md", content: "---\nfullname: Essai Merge\n---\n")])
        try await github.createBranch(fork, "essai", sha: try await github.createCommit(fork, message: "essai", tree: tree, parents: [head.sha]))
        let pull = try await github.createPullRequest(upstreamName, title: "Essai", head: "fichesync-bot:essai", base: "master", body: "", maintainerCanModify: false)
        #expect(pull.number == 1)
        let merged = try await Tool.run("/bin/sh", ["-c", String(merge) + " -s -o /dev/null -w '%{http_code}'"])
        #expect(merged.output.contains("200"), "\(merged.output)")
        #expect(try await github.pullRequest(upstreamName, number: 1)?.merged == true)

        #expect(try await CLI.run(["sync", Package.fixtures], home: home, environment: environment).status == 0)
        let first = try await CLI.run(["reconcile"], home: home, environment: environment)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(!first.stdout.contains("sandbox"))
        #expect(first.stdout.contains(" 0 failed"), "\(first.stdout)")
        let second = try await CLI.run(["reconcile"], home: home, environment: environment)
        #expect(second.stdout.contains("0 to create, 0 to update, 0 to suspend, 0 to delete"), "\(second.stdout)")
    }
}
