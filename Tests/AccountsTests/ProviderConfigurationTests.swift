import Accounts
import Testing

/// Providers read from the environment: each configured whole, left out whole, or an error
/// naming what is missing — never silently dropped, never a silent fall-back to the sandbox.
@Suite struct ProviderConfigurationTests {
    static let complete: [String: String] = [
        "OVH_APP_KEY": "k", "OVH_APP_SECRET": "s", "OVH_CONSUMER_KEY": "c", "OVH_ENDPOINT": "http://127.0.0.1:9/1.0",
        "MATTERMOST_URL": "https://chat.example.org", "MATTERMOST_BOT_TOKEN": "t", "MATTERMOST_TEAM_ID": "team",
        "MATTERMOST_ALUMNI_TEAM_ID": "alumni",
        "GITHUB_TOKEN": "g", "GITHUB_ORG_ADMIN_TOKEN": "a", "GITHUB_ORGANIZATION_NAME": "betagouv",
        "GITHUB_API_URL": "https://api.github.com", "GITHUB_TEAM": "community",
    ]

    static func problem(_ environment: [String: String]) -> String? {
        do {
            _ = try ProviderConfiguration(environment: environment)
            return nil
        } catch {
            return error.description
        }
    }

    /// The case, word for word.
    @Test func ovhWithoutConsumerKey() {
        #expect(Self.problem(["OVH_APP_KEY": "k", "OVH_APP_SECRET": "s"])
                == "OVH is partly configured: OVH_CONSUMER_KEY is missing (set it, or unset OVH_APP_KEY and OVH_APP_SECRET to leave OVH out)")
    }

    @Test func messagesNameWhatIsMissingAndWhatToUnset() {
        #expect(Self.problem(["OVH_ENDPOINT": "https://eu.api.ovh.com/1.0"])
                == "OVH is partly configured: OVH_APP_KEY, OVH_APP_SECRET and OVH_CONSUMER_KEY are missing (set them, or unset OVH_ENDPOINT to leave OVH out)")
        #expect(Self.problem(["MATTERMOST_URL": "https://chat.example.org", "MATTERMOST_BOT_TOKEN": "t"])
                == "Mattermost is partly configured: MATTERMOST_TEAM_ID is missing (set it, or unset MATTERMOST_URL and MATTERMOST_BOT_TOKEN to leave Mattermost out)")
        #expect(Self.problem(["GITHUB_ORGANIZATION_NAME": "betagouv"])
                == "GitHub is partly configured: GITHUB_TOKEN (or GITHUB_ORG_ADMIN_TOKEN) is missing (set it, or unset GITHUB_ORGANIZATION_NAME to leave GitHub out)")
        #expect(Self.problem(["GITHUB_TOKEN": "g"])
                == "GitHub is partly configured: GITHUB_ORGANIZATION_NAME is missing (set it, or unset GITHUB_TOKEN to leave GitHub out)")
        // Two half-configured providers: both, on one line.
        #expect(Self.problem(["OVH_APP_KEY": "k", "GITHUB_TEAM": "community"])
                == "OVH is partly configured: OVH_APP_SECRET and OVH_CONSUMER_KEY are missing (set them, or unset OVH_APP_KEY to leave OVH out); "
                + "GitHub is partly configured: GITHUB_TOKEN (or GITHUB_ORG_ADMIN_TOKEN) and GITHUB_ORGANIZATION_NAME are missing (set them, or unset GITHUB_TEAM to leave GitHub out)")
    }

    /// Every partial configuration of every provider — each non-empty subset of its variables
    /// that lacks a required one — is refused, naming each missing variable and each set one.
    @Test(arguments: ProviderConfiguration.variables.map(\.provider))
    func everyPartialConfigurationIsRefused(_ provider: AccountOperation.Provider) throws {
        let variables = try #require(ProviderConfiguration.variables.first { $0.provider == provider })
        let names = variables.all
        var refused = 0
        for mask in 1..<(1 << names.count) {
            let chosen = names.indices.filter { mask & (1 << $0) != 0 }.map { names[$0] }
            let environment = Dictionary(uniqueKeysWithValues: chosen.map { ($0, Self.complete[$0] ?? "x") })
            let missing = variables.required.filter { group in group.allSatisfy { !chosen.contains($0) } }
            let problem = Self.problem(environment)
            if missing.isEmpty {
                #expect(problem == nil, "\(chosen)")
                continue
            }
            refused += 1
            let text = try #require(problem, "\(chosen) accepted")
            #expect(text.hasPrefix("\(variables.label) is partly configured: "), "\(text)")
            for group in missing { #expect(text.contains(group[0]), "\(chosen): \(text)") }
            for name in chosen { #expect(text.contains("unset") && text.contains(name), "\(chosen): \(text)") }
            #expect(!text.contains("\n"))
        }
        #expect(refused > 0)
    }

    @Test func completeProvidersAndLeftOutOnes() throws {
        let all = try ProviderConfiguration(environment: Self.complete)
        #expect(all.configured == [.ovh, .mattermost, .github])
        #expect(all.leftOut.isEmpty)
        #expect(all.ovh?.endpoint == "http://127.0.0.1:9/1.0")
        #expect(all.github?.token == "a", "GITHUB_ORG_ADMIN_TOKEN wins over GITHUB_TOKEN")
        #expect(all.mattermost?.teamIDs == ["community": "team", "alumni": "alumni"])
        #expect(all.githubTeam == "community")

        let githubOnly = try ProviderConfiguration(environment: ["GITHUB_TOKEN": "g", "GITHUB_ORGANIZATION_NAME": "betagouv"])
        #expect(githubOnly.configured == [.github])
        #expect(githubOnly.leftOut == [.ovh, .mattermost])
        #expect(githubOnly.github?.apiURL == "https://api.github.com")
        #expect(ProviderConfiguration.requirement(of: .mattermost) == "MATTERMOST_URL, MATTERMOST_BOT_TOKEN and MATTERMOST_TEAM_ID")

        // Nothing set (or set empty): no provider, nothing left out — the caller's sandbox.
        let none = try ProviderConfiguration(environment: ["OVH_APP_KEY": "", "SECRETARIAT_DOMAIN": "example.org", "PATH": "/bin"])
        #expect(none.isEmpty)
        #expect(none.leftOut.isEmpty)
        #expect(none.domain == "example.org")
    }

    @Test func urlsMustBeHTTP() {
        var environment = Self.complete
        environment["OVH_ENDPOINT"] = "eu.api.ovh.com/1.0"
        environment["GITHUB_API_URL"] = "https://"
        #expect(Self.problem(environment)
                == "OVH_ENDPOINT is not an http(s) URL: \"eu.api.ovh.com/1.0\" (e.g. https://eu.api.ovh.com/1.0); GITHUB_API_URL is not an http(s) URL: \"https://\" (e.g. https://api.github.com)")
        environment = Self.complete
        environment["MATTERMOST_URL"] = "ftp://chat.example.org"
        #expect(Self.problem(environment)?.hasPrefix("MATTERMOST_URL is not an http(s) URL") == true)
    }
}
