import AsyncHTTPClient
import FicheSync
import TestKit
import Testing
@testable import FicheSyncServer

/// The real-GitHub-or-sandbox choice the CLI and `serve` share.
@Suite struct BotConnectionTests {
    @Test func noTokenMeansTheSandboxAndABadSettingIsOneLineNamingIt() throws {
        #expect(try BotConnection.configured(FicheSyncSettings(environment: [:]), http: HTTPClient.shared, logger: TestDatabase.logger) == nil)
        do {
            _ = try BotConnection.configured(FicheSyncSettings(environment: ["GITHUB_TOKEN": "t"]), http: HTTPClient.shared, logger: TestDatabase.logger)
            Issue.record("a token without GITHUB_FORK was accepted")
        } catch {
            #expect(error.code == .configuration)
            #expect(error.description.contains("GITHUB_FORK"))
        }
        let bot = try #require(try BotConnection.configured(
            FicheSyncSettings(environment: ["GITHUB_TOKEN": "t", "GITHUB_FORK": "bot/beta.gouv.fr"]), http: HTTPClient.shared, logger: TestDatabase.logger))
        #expect(!bot.isSandbox)
        #expect(bot.opener.upstream.description == "betagouv/beta.gouv.fr")
        #expect(bot.opener.fork.description == "bot/beta.gouv.fr")
    }

    @Test func theSandboxHostsTheRepositoriesAndItsExportsBecomeTheSettings() async throws {
        let home = try TemporaryDirectory()
        let bot = try await BotConnection.sandbox(FicheSyncSettings(environment: ["FICHESYNC_HOME": home.path]), seed: Package.fixtures,
                                                  http: HTTPClient.shared, logger: TestDatabase.logger)
        do {
            #expect(bot.isSandbox)
            #expect(bot.settings.value("GITHUB_FORK") == "fichesync-bot/beta.gouv.fr")
            #expect(bot.settings.fichesRepository.hasPrefix(SandboxLayout.repositories(home: home.path)))
            #expect(try await bot.opener.github.openPullRequests(bot.opener.upstream).isEmpty)
            try await bot.stop()
        } catch {
            try? await bot.stop()
            throw error
        }
    }
}
