import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Sandbox
import Testing
import TestKit

/// `onboard` records its pull request, `prs` lists it, the maintainer merges it, `watch`
/// sees the merge and gives the member their accounts — on the embedded default and the
/// sandbox (no GITHUB_TOKEN), as a newcomer runs it.
@Suite struct WatchCLITests {
    /// As the onboarding test runs the binary: the embedded default, no credentials.
    func run(_ arguments: [String], _ home: TemporaryDirectory) async throws -> CLI.Run {
        try await OnboardCLITests().run(arguments, home)
    }

    @Test func anOnboardingIsFollowedToItsMergeAndTheAccounts() async throws {
        let home = try TemporaryDirectory()
        try Data(OnboardCLITests.submission.utf8).write(to: URL(fileURLWithPath: home.sub("lea.json")))
        #expect(try await run(["sync", Package.fixtures], home).status == 0)
        #expect(try await run(["prs"], home).stdout.contains("no pull request followed yet"))
        let opened = try await run(["onboard", "--file", home.sub("lea.json")], home)
        #expect(opened.status == 0, "\(opened.stderr)")

        let listed = try await run(["prs", "--format", "json"], home)
        #expect(listed.status == 0, "\(listed.stderr)")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == 1)
        let item = try #require(items.first)
        #expect(item["number"] as? Int == 1)
        #expect(item["url"] as? String == "https://github.com/betagouv/beta.gouv.fr/pull/1")
        #expect(item["kind"] as? String == "onboarding")
        #expect(item["state"] as? String == "open")
        #expect(item["members"] as? [String] == ["lea.martin"])
        #expect(item["referent"] as? String == "ulysse.bernier")
        #expect(item["startups"] as? [String] == ["auxAJ"])
        #expect(!listed.stdout.contains("lea@example.org"), "the recruit's address stays in the database")

        let quiet = try await run(["watch"], home)
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stdout.hasSuffix("1 open pull request on GitHub, 0 followed changed\n"), "\(quiet.stdout)")

        let sandbox = try await FakeSandbox.start(repositories: home.sub("sandbox/github"), seed: Package.fixtures)
        var request = HTTPClientRequest(url: "\(sandbox.base)/github/repos/\(FakeSandbox.upstream)/pulls/1/merge")
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "Bearer \(sandbox.github.maintainerToken)")
        #expect(try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status == .ok)
        try await sandbox.stop()

        let watched = try await run(["watch"], home)
        #expect(watched.status == 0, "\(watched.stderr)")
        #expect(watched.stdoutLines.contains("#1 merged https://github.com/betagouv/beta.gouv.fr/pull/1"), "\(watched.stdout)")
        #expect(watched.stdoutLines.contains("accounts reconciled for lea.martin"), "\(watched.stdout)")
        let table = try await run(["prs"], home)
        #expect(table.stdoutLines.first?.hasPrefix("PR") == true)
        #expect(table.stdoutLines.contains { $0.hasPrefix("#1") && $0.contains("merged") && $0.contains("onboarding") && $0.contains("lea.martin") },
                "\(table.stdout)")
        // The reconcile was the sandbox's, kept in the database: lea.martin has her address now.
        let accounts = try await run(["accounts", "lea.martin"], home)
        #expect(accounts.status == 0 && !accounts.stdout.contains("no account operation journaled yet"), "\(accounts.stdout)\(accounts.stderr)")
        #expect(accounts.stdoutLines.contains { $0.hasPrefix("lea.martin") && $0.contains("EMAIL_ACTIVE") }, "\(accounts.stdout)")
        // Nothing owed any more: the next pass does nothing.
        let again = try await run(["watch"], home)
        #expect(again.stdout == "0 open pull requests on GitHub, 0 followed changed\n", "\(again.stdout)")
    }
}
