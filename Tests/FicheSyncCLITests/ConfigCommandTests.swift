import Foundation
import Testing
import TestKit
@testable import FicheSync

/// `fichesync config` shows the configuration in effect and where each value came from;
/// secrets never appear, there or in logs.
@Suite struct ConfigCommandTests {
    static let secrets = ["OVH_APP_SECRET": "ovh-secret-4f1e", "OVH_CONSUMER_KEY": "ovh-consumer-9c2d",
                          "MATTERMOST_BOT_TOKEN": "mm-token-77ab", "GITHUB_TOKEN": "ghp_secret31337"]

    @Test(arguments: ["text", "json"])
    func secretsAreRedactedAndSourcesShown(_ format: String) async throws {
        var environment: [String: String?] = Self.secrets.mapValues { $0 }
        environment["DATABASE_URL"] = "postgres://fichesync:db-password-5e5e@db.example:5432/fiches"
        environment["GITHUB_TEAM"] = "incubateur"
        environment["FICHESYNC_HOME"] = nil
        let run = try await CLI.run(["config", "--format", format], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        let output = run.stdout + run.stderr
        for secret in Self.secrets.values + ["db-password-5e5e"] {
            #expect(!output.contains(secret), "\(secret) shown")
        }
        if format == "text" {
            #expect(run.stdoutLines.contains { $0.hasPrefix("GITHUB_TOKEN ") && $0.contains("<secret>") && $0.contains("from the environment") })
            #expect(run.stdoutLines.contains { $0.hasPrefix("DATABASE_URL ") && $0.contains("postgres://fichesync:****@db.example:5432/fiches") })
            #expect(run.stdoutLines.contains { $0.hasPrefix("GITHUB_TEAM ") && $0.contains("incubateur") && $0.contains("from the environment") })
            #expect(run.stdoutLines.contains { $0.hasPrefix("SECRETARIAT_DOMAIN ") && $0.contains("beta.gouv.fr") && $0.contains("default") })
        } else {
            let entries = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
            let token = try #require(entries.first { $0["variable"] as? String == "GITHUB_TOKEN" })
            #expect(token["value"] as? String == "<secret>")
            #expect(token["source"] as? String == "environment")
            #expect(token["secret"] as? Bool == true)
        }
    }

    /// A password in DATABASE_URL is never logged, even at trace level (the embedded test
    /// cluster trusts local connections, so the password is given and ignored).
    @Test func aDatabasePasswordIsNeverLogged() async throws {
        let settings = try await TestDatabase.makeSettings()
        guard case .url(let url) = settings, var components = URLComponents(string: url) else { return }
        components.password = "db-password-5e5e"
        let run = try await CLI.run(["db", "status"], environment: ["DATABASE_URL": components.string, "FICHESYNC_LOG_LEVEL": "trace"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!(run.stdout + run.stderr).contains("db-password-5e5e"))
        #expect(run.stdout.contains("****"))
    }
}
