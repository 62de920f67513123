import Foundation
import Testing
import TestKit
import Sandbox
@testable import FicheSync

/// The fakes must hold up against the providers' official (or most used) clients, configured
/// as for the real services apart from the base URL: the `ovh` Python client (signatures,
/// `/auth/time`), `mattermostdriver` and PyGithub. `scripts/official-clients/check.py` drives
/// them against the fakes started here the way `fichesync sandbox` starts them.
@Suite struct OfficialClientTests {
    /// The clients are Python packages (`scripts/test` installs them, best effort).
    static func clientsInstalled() async -> Bool { await Tool.pythonImports("ovh, mattermostdriver, github") }

    /// Runs check.py for `providers` with the sandbox's exports (and `extra`) in its environment.
    static func check(_ sandbox: FakeSandbox, providers: String, extra: [String] = []) async throws -> Tool.Outcome {
        let environment = sandbox.exports.map { "\($0.name)=\($0.value)" } + extra
        let script = Package.root.appendingPathComponent("scripts/official-clients/check.py").path
        // `env` puts the variables in the child's environment, ours passed on unchanged.
        return try await Tool.run("/usr/bin/env", environment + ["python3", script, "--only", providers])
    }

    @Test(.enabled("python3 with ovh, mattermostdriver and PyGithub (scripts/test installs them)") { await clientsInstalled() })
    func ovhAndMattermostClientsWorkAgainstTheFakes() async throws {
        let sandbox = try await FakeSandbox.start()
        // More users than two pages of 200, half of them in the community team.
        for n in 0..<450 {
            sandbox.mattermost.addUser(username: "user.\(CorpusGenerator.letters(n))", email: "u\(n)@x.fr",
                                       teams: n.isMultiple(of: 2) ? [sandbox.mattermost.communityTeamID] : [])
        }
        let outcome = try await Self.check(sandbox, providers: "ovh,mattermost", extra: ["CHECK_MATTERMOST_USERS=450"])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains(" passed, 0 failed"), "\(outcome.output)")
        #expect(sandbox.ovh.snapshot.badSignatures == 2, "the two refusals check.py asks for, no other")
        try await sandbox.stop()
    }

    /// PyGithub against the GitHub fake: `Authorization: token …`, the organisation, users by
    /// login, invitations by `invitee_id`, membership checks, Link pagination past 100.
    @Test(.enabled("python3 with ovh, mattermostdriver and PyGithub (scripts/test installs them)") { await clientsInstalled() })
    func gitHubClientWorksAgainstTheFake() async throws {
        let sandbox = try await FakeSandbox.start()
        for n in 0..<250 { sandbox.github.addMember("login-\(CorpusGenerator.letters(n))") }
        let outcome = try await Self.check(sandbox, providers: "github", extra: ["CHECK_GITHUB_MEMBERS=250"])
        #expect(outcome.status == 0, "\(outcome.output)")
        try await sandbox.stop()
    }
}
