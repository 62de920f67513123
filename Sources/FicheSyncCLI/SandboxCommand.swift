import ArgumentParser
import FicheSync
import Foundation
import TestSupport

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve fichesync's fake OVH, GitHub and Mattermost APIs on one loopback port.",
        discussion: """
        OVH is under /ovh/1.0, GitHub's REST API under /github, Mattermost under /mattermost/api/v4. \
        The first lines printed are the `export NAME=value` lines a client needs; run \
        `eval "$(fichesync sandbox | head -n 12)"` in another shell, or copy them. State is in memory; \
        Ctrl-C stops the server.
        """
    )

    @Option(help: "Port on 127.0.0.1 (default: a free one).")
    var port = 0

    func run() async throws {
        let domain = ProcessInfo.processInfo.environment["SECRETARIAT_DOMAIN"].flatMap { $0.isEmpty ? nil : $0 } ?? "beta.gouv.fr"
        let ovh = FakeOVHServer.unstarted(domain: domain, faults: Faults())
        let mattermost = FakeMattermostServer.unstarted(faults: Faults())
        let github = FakeGitHubServer.unstarted(faults: Faults(), teams: ["community"], everyLoginExists: true)
        let server: FakeHTTPServer
        do {
            server = try await FakeHTTPServer.start(port: port, mounts: [
                "/ovh": { ovh.handle($0) }, "/github": { github.handle($0) }, "/mattermost": { mattermost.handle($0) },
            ])
        } catch {
            fail("cannot listen on 127.0.0.1:\(port): \(error)")
        }
        let base = "http://127.0.0.1:\(server.port)"
        let exports = [
            ("OVH_ENDPOINT", "\(base)/ovh/1.0"), ("OVH_APP_KEY", ovh.applicationKey), ("OVH_APP_SECRET", ovh.applicationSecret),
            ("OVH_CONSUMER_KEY", ovh.consumerKey), ("SECRETARIAT_DOMAIN", domain),
            ("GITHUB_API_URL", "\(base)/github"), ("GITHUB_TOKEN", github.token), ("GITHUB_ORGANIZATION_NAME", github.organization),
            ("MATTERMOST_URL", "\(base)/mattermost"), ("MATTERMOST_BOT_TOKEN", mattermost.token),
            ("MATTERMOST_TEAM_ID", mattermost.communityTeamID), ("MATTERMOST_ALUMNI_TEAM_ID", mattermost.alumniTeamID),
        ]
        var text = exports.map { "export \($0.0)=\($0.1)" }.joined(separator: "\n") + "\n"
        text += "# sandbox: fake providers listening on \(base) (Ctrl-C to stop)\n"
        FileHandle.standardOutput.write(Data(text.utf8))
        // Serve until interrupted.
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
