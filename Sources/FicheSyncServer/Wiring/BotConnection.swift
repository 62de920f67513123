import AsyncHTTPClient
import FicheSync
import Logging
import PRBot
import Providers
import Sandbox

/// The GitHub the PR bot writes to, and the settings in effect with it: the environment's
/// when `GITHUB_TOKEN` is set, else an in-process sandbox (GitHub with its hosted
/// repositories, OVH, Mattermost, an SMTP receiver) whose `export` lines are merged over the
/// environment. Shared by the CLI's commands (one pull request, then ``stop()``) and
/// `serve` (kept up for the server's life), so both fall back on the sandbox the same way.
public struct BotConnection: Sendable {
    public let opener: PullRequestOpener
    /// The environment's settings, with the sandbox's exports over them when there is one.
    public let settings: FicheSyncSettings
    /// The in-process sandbox, when the environment configures no GitHub.
    public let sandbox: FakeSandbox?

    public var isSandbox: Bool { sandbox != nil }

    /// Why no connection could be made, in one line naming the setting or the folder.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public enum Code: String, Sendable { case configuration, sandbox }
        public var code: Code
        public var description: String
    }

    /// The environment's GitHub, or `nil` when no token is set (then ``sandbox(_:home:seed:http:logger:)``).
    public static func configured(_ settings: FicheSyncSettings, http: HTTPClient, logger: Logger) throws(Problem) -> BotConnection? {
        let configuration: BotConfiguration?
        do {
            configuration = try BotConfiguration(settings)
        } catch {
            throw Problem(code: .configuration, description: error.description)
        }
        guard let configuration else { return nil }
        return BotConnection(opener: configuration.opener(http: http, logger: logger), settings: settings, sandbox: nil)
    }

    /// Starts the sandbox, its repositories under `$FICHESYNC_HOME/sandbox/github` (seeded
    /// from `seed`, default the fixtures, the first time), on free loopback ports.
    public static func sandbox(_ settings: FicheSyncSettings, seed: String? = nil, http: HTTPClient, logger: Logger) async throws -> BotConnection {
        let repositories = SandboxLayout.repositories(home: settings.home)
        let folder = try await BlockingWork.run { try SandboxLayout.seedFolder(seed) }
        let sandbox: FakeSandbox
        do {
            sandbox = try await FakeSandbox.start(domain: settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr",
                                                  repositories: repositories, seed: folder)
        } catch {
            throw Problem(code: .sandbox, description: "cannot start the sandbox with its repositories in \(repositories): \(error)")
        }
        let exports = Dictionary(uniqueKeysWithValues: sandbox.exports.map { ($0.name, $0.value) })
        let sandboxed = FicheSyncSettings(environment: settings.environment.merging(exports) { _, sandbox in sandbox })
        do {
            guard let configuration = try BotConfiguration(sandboxed) else {
                throw Problem(code: .sandbox, description: "the sandbox gave no GitHub token")
            }
            return BotConnection(opener: configuration.opener(http: http, logger: logger), settings: sandboxed, sandbox: sandbox)
        } catch {
            try? await sandbox.stop()
            if let problem = error as? Problem { throw problem }
            throw Problem(code: .sandbox, description: "\(error)")
        }
    }

    /// Stops the sandbox, if there is one.
    public func stop() async throws {
        try await sandbox?.stop()
    }

    /// Runs `body` on the environment's GitHub, or on a sandbox started for it and stopped
    /// after (`onSandbox` hears of it first: a command says so).
    public static func with<T: Sendable>(_ settings: FicheSyncSettings, http: HTTPClient, logger: Logger,
                                         onSandbox: (BotConnection) -> Void = { _ in },
                                         _ body: (BotConnection) async throws -> T) async throws -> T {
        if let configured = try configured(settings, http: http, logger: logger) { return try await body(configured) }
        let bot = try await sandbox(settings, http: http, logger: logger)
        onSandbox(bot)
        do {
            let result = try await body(bot)
            try await bot.stop()
            return result
        } catch {
            try? await bot.stop()
            throw error
        }
    }
}
