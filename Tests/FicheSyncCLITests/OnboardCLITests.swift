import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Sandbox
import Testing
import TestKit

/// The new-member path end to end as a newcomer runs it, on the embedded default and the
/// sandbox's GitHub: `onboard` → a pull request on the sandbox's upstream → merged by its
/// maintainer → `sync` → the member is in `fichesync members`; then `propose` extends them.
@Suite struct OnboardCLITests {
    static let environment: [String: String?] = [
        "DATABASE_URL": nil, "GITHUB_TOKEN": nil, "GITHUB_ORG_ADMIN_TOKEN": nil, "GITHUB_REPOSITORY": nil, "GITHUB_FORK": nil,
        "FICHES_REPOSITORY": nil, "GITHUB_API_URL": nil,
    ]

    static let submission = """
    {"fullname": "Léa Martin", "role": "Développeuse", "domaine": "Développement",
     "missions": [{"start": "2026-12-07", "end": "2030-06-30", "status": "independent", "employer": "Octo", "startups": ["auxAJ"]}],
     "github": "lea-martin", "memberType": "beta", "description": "Je code.", "referent": "ulysse.bernier", "email": "lea@example.org"}
    """

    func run(_ arguments: [String], _ home: TemporaryDirectory) async throws -> CLI.Run {
        let child = try await ChildProcess(arguments, home: home, environment: Self.environment)
        return CLI.Run(status: try await child.wait(), stdout: child.stdout, stderr: child.stderr)
    }

    @Test func fromOnboardToTheMergedMemberAndAnExtension() async throws {
        let home = try TemporaryDirectory()
        try Data(Self.submission.utf8).write(to: URL(fileURLWithPath: home.sub("lea.json")))

        let notSynced = try await run(["onboard", "--file", home.sub("lea.json")], home)
        #expect(notSynced.status == 2)
        #expect(notSynced.stderr.contains("run `fichesync sync` first"), "\(notSynced.stderr)")

        #expect(try await run(["sync", Package.fixtures], home).status == 0)
        let printed = try await run(["onboard", "--file", home.sub("lea.json"), "--print"], home)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.hasPrefix("---\nfullname: Léa Martin\nrole: Développeuse\n"))
        #expect(!FileManager.default.fileExists(atPath: home.sub("sandbox")), "--print submits nothing")

        try Data(Self.submission.replacingOccurrences(of: "\"ulysse.bernier\"", with: "\"zelie.montfort\"")
            .replacingOccurrences(of: "2030-06-30", with: "2026-01-01").utf8).write(to: URL(fileURLWithPath: home.sub("bad.json")))
        let refused = try await run(["onboard", "--file", home.sub("bad.json")], home)
        #expect(refused.status == 1)
        #expect(refused.stdoutLines.contains { $0.hasPrefix("\(home.sub("bad.json")): missions[0].end: ") })
        #expect(refused.stdoutLines.contains { $0.hasPrefix("\(home.sub("bad.json")): referent: ") && $0.contains("n'a plus de mission en cours") })

        let opened = try await run(["onboard", "--file", home.sub("lea.json")], home)
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stdout == "https://github.com/betagouv/beta.gouv.fr/pull/1\n")
        #expect(opened.stderr.contains("sandbox: no GITHUB_TOKEN"))
        let again = try await run(["onboard", "--file", home.sub("lea.json")], home)
        #expect(again.stdout == opened.stdout)
        #expect(again.stderr.contains("already open"))

        // Its checks and merge preview (the sandbox's GitHub App, the reconcile sandbox's accounts).
        let checked = try await run(["checks", "1"], home)
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("- crée l'adresse lea.martin@beta.gouv.fr"), "\(checked.stdout)")
        #expect(checked.stdout.contains("- invite @lea-martin dans l'organisation GitHub"), "\(checked.stdout)")
        #expect(checked.stdoutLines.last?.hasPrefix("pull request #1 at ") == true)

        // The maintainer merges it, with any GitHub client (here a plain HTTP PUT).
        let sandbox = try await FakeSandbox.start(repositories: home.sub("sandbox/github"), seed: Package.fixtures)
        var request = HTTPClientRequest(url: "\(sandbox.base)/github/repos/\(FakeSandbox.upstream)/pulls/1/merge")
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "Bearer \(sandbox.github.maintainerToken)")
        let merged = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(merged.status == .ok)
        let upstream = try #require(sandbox.github.hosting?.path(of: FakeSandbox.upstream))
        try await sandbox.stop()

        #expect(try await run(["sync", upstream], home).status == 0)
        let members = try await run(["members", "--format", "csv"], home)
        #expect(members.stdoutLines.contains { $0.hasPrefix("lea.martin,Léa Martin,Développeuse,Développement,") }, "\(members.stdout)")

        let diff = try await run(["propose", "lea.martin", "--end", "2031-01-31", "--source", upstream, "--print"], home)
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("\n-    end: 2030-06-30\n+    end: 2031-01-31\n"), "\(diff.stdout)")
        let proposed = try await run(["propose", "lea.martin", "--end", "2031-01-31", "--source", upstream], home)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        #expect(proposed.stdout == "https://github.com/betagouv/beta.gouv.fr/pull/2\n")
        let wrong = try await run(["propose", "lea.martin", "--end", "31/01/2031", "--source", upstream], home)
        #expect(wrong.status == 1)
        #expect(wrong.stdout.contains("content/_authors/lea.martin.md: end: écris une date"))
    }
}
