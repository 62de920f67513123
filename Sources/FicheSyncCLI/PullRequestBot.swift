import AsyncHTTPClient
import FicheSync
import Foundation
import PRBot
import Providers
import Sandbox

/// The bot a command talks to: the GitHub the environment configures, or, without
/// `GITHUB_TOKEN`, the sandbox's — its repositories kept in `$FICHESYNC_HOME/sandbox/github`,
/// where `fichesync sandbox` serves them later (with the command that merges a pull request).
enum PullRequestBot {
    static func run<T: Sendable>(_ body: (PullRequestOpener) async throws -> T) async throws -> T {
        let configuration: BotConfiguration?
        do {
            configuration = try BotConfiguration(Environment.settings)
        } catch {
            fail(error.description)
        }
        do {
            if let configuration {
                return try await body(configuration.opener(http: HTTPClient.shared, logger: Environment.logger))
            }
            let seed = try await BlockingWork.run { try SandboxCommand.seedFolder(nil) }
            let sandbox = try await FakeSandbox.start(domain: Environment.settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr",
                                                      repositories: SandboxCommand.repositories, seed: seed)
            FileHandle.standardError.write(Data("fichesync: sandbox: no GITHUB_TOKEN, so the pull request goes to the sandbox's GitHub (\(FakeSandbox.upstream), in \(SandboxCommand.repositories)); `fichesync sandbox` serves it and says how to merge it\n".utf8))
            let exports = Dictionary(uniqueKeysWithValues: sandbox.exports.map { ($0.name, $0.value) })
            guard let sandboxed = try BotConfiguration(FicheSyncSettings(environment: exports)) else { fail("the sandbox gave no GitHub token") }
            do {
                let result = try await body(sandboxed.opener(http: HTTPClient.shared, logger: Environment.logger))
                try await sandbox.stop()
                return result
            } catch {
                try? await sandbox.stop()
                throw error
            }
        } catch let refused as PullRequestOpener.Refused {
            Swift.print("fichesync: refused: \(refused.message)")
            Foundation.exit(1)
        } catch let problem as BotConfiguration.Problem {
            fail(problem.description)
        } catch let error as ProviderError {
            fail("no pull request: \(error.description)")
        }
    }
}
