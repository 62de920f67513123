import AsyncHTTPClient
import CryptoExtras
import Foundation
import Providers
import Testing
import TestKit
import Sandbox
@testable import FicheSync

/// The fakes must give every answer in the shape the providers publish, not only the fields
/// our clients and the lenient official ones read: a strict client (one that validates each
/// answer against the provider's schema) is what a future integration may well be.
/// `scripts/official-clients/strict.py` drives githubkit (pydantic models generated from
/// GitHub's OpenAPI description), Mattermost's generated client and the `ovh` client with
/// OVH's published models against the fakes, started as `fichesync sandbox` starts them.
@Suite struct StrictClientTests {
    /// githubkit needs hishel 1.x (hishel 2 breaks its import): importing it is the test.
    static func clientsInstalled() async -> Bool {
        await Tool.pythonImports("githubkit, githubkit_schemas.latest, mattermost_api_reference_client, ovh, pydantic, attrs")
    }

    @Test(.enabled("python3 with githubkit, mattermost-api-reference-client and ovh (scripts/test installs them)") { await clientsInstalled() })
    func strictClientsAcceptEveryAnswerOfTheFakes() async throws {
        // With hosted repositories, as `fichesync sandbox` serves them: the PR bot's endpoints too.
        let folder = try TemporaryDirectory()
        let sandbox = try await FakeSandbox.start(repositories: folder.sub("github"), seed: Package.fixtures)
        // GitHub: members over three pages of 100, a few admins; invitations sent 8 days
        // ago, so that they have expired into `failed_invitations` by the time it is read.
        for n in 0..<250 { sandbox.github.addMember("member-\(CorpusGenerator.letters(n))", role: n < 3 ? "admin" : "member") }
        sandbox.github.setClock(Date().addingTimeInterval(-8 * 86_400))
        let client = GitHubClient(http: .shared, credentials: GitHubCredentials(
            apiURL: "\(sandbox.base)/github", token: sandbox.github.token, organization: sandbox.github.organization))
        for login in ["expired-one", "expired-two"] { try await client.setMembership(login) }
        sandbox.github.setClock(Date())
        // Mattermost: more users than two pages of 200, half of them in the community team.
        for n in 0..<450 {
            sandbox.mattermost.addUser(username: "user.\(CorpusGenerator.letters(n))", email: "u\(n)@x.fr",
                                       teams: n.isMultiple(of: 2) ? [sandbox.mattermost.communityTeamID] : [])
        }
        // The App's installation token, for the check runs: its key made here, minted through our client.
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        try sandbox.github.app.trust(publicKeyPEM: key.publicKey.pemRepresentation)
        let appToken = try await GitHubAppTokens(.init(appID: sandbox.github.app.appID, installationID: sandbox.github.app.installationID,
                                                       privateKeyPEM: key.pemRepresentation, apiURL: "\(sandbox.base)/github"), http: .shared).token()
        let environment = sandbox.exports.map { "\($0.name)=\($0.value)" }
            + ["GITHUB_APP_TOKEN=\(appToken)", "GITHUB_MAINTAINER_TOKEN=\(sandbox.github.maintainerToken)", "CHECK_GITHUB_MEMBERS=250", "CHECK_GITHUB_ADMINS=3", "CHECK_GITHUB_FAILED_INVITATIONS=2", "CHECK_MATTERMOST_USERS=450"]
        let script = Package.root.appendingPathComponent("scripts/official-clients/strict.py").path
        let outcome = try await Tool.run("/usr/bin/env", environment + ["python3", script])
        #expect(outcome.status == 0, "\(outcome.output)")
        // Every check ran (a script that stopped early, or skipped a provider, passes less).
        #expect(outcome.output.contains("51 passed, 0 failed"), "\(outcome.output)")
        #expect(sandbox.ovh.snapshot.badSignatures == 0, "every OVH call strict.py makes is signed right")
        try await sandbox.stop()
    }
}
