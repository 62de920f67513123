import AsyncHTTPClient
import FicheSync
import Foundation
import PRBot
import Providers
import FicheSyncServer
import Sandbox

/// The bot a command talks to: the GitHub the environment configures, or, without
/// `GITHUB_TOKEN`, the sandbox's — its repositories kept in `$FICHESYNC_HOME/sandbox/github`,
/// where `fichesync sandbox` serves them later (with the command that merges a pull request).
enum PullRequestBot {
    /// Opens a pull request with `open`, then stores it in `pull_requests` with what the bot
    /// knows of it (kind, member, referent, recruit's address, startups), so the watcher
    /// follows it from the start. A PR opened but not recorded is not lost: the next polling
    /// pass finds it (from the fork's branch name, still the bot's), only without those facts.
    static func openAndRecord(_ facts: OpenedPullRequestRecord,
                              _ open: @escaping @Sendable (PullRequestOpener) async throws -> PullRequestOpener.Opened) async throws -> PullRequestOpener.Opened {
        try await Environment.withDatabase { database in
            try await run { bot in
                let opened = try await open(bot.opener)
                // The referent's notice is decided with the record, in its transaction.
                let watcher = PullRequestWatcher(database: database, repository: bot.opener.upstream, botFork: bot.opener.fork, logger: Environment.logger)
                    .reminding(with: try await followUp(database, bot).reminderPass())
                do {
                    _ = try await watcher.record(opened, facts, github: bot.opener.github, now: Date())
                } catch {
                    FileHandle.standardError.write(Data("fichesync: warning: pull request \(opened.url) opened but not recorded (\(describe(error))); the next `fichesync watch` finds it\n".utf8))
                }
                return opened
            }
        }
    }

    /// The follow-up's passes on `bot`, the accounts side reading the environment.
    static func followUp(_ database: Database, _ bot: BotConnection) -> PullRequestFollowUp {
        PullRequestFollowUp(database: database, bot: bot, environment: Environment.settings, logger: Environment.logger)
    }

    /// Runs `body` with the bot in effect: the environment's GitHub, or the sandbox's (its
    /// `export` lines over the environment: its GitHub, and its upstream as FICHES_REPOSITORY).
    /// - Parameter what: what goes to the sandbox's GitHub, for the line that says so.
    static func run<T: Sendable>(_ what: String = "the pull request goes", _ body: (BotConnection) async throws -> T) async throws -> T {
        do {
            return try await BotConnection.with(Environment.settings, http: HTTPClient.shared, logger: Environment.logger, onSandbox: { _ in
                FileHandle.standardError.write(Data("fichesync: sandbox: no GITHUB_TOKEN, so \(what) to the sandbox's GitHub (\(FakeSandbox.upstream), in \(SandboxCommand.repositories)); `fichesync sandbox` serves it and says how to merge it\n".utf8))
            }, body)
        } catch let refused as PullRequestOpener.Refused {
            Swift.print("fichesync: refused: \(refused.message)")
            Foundation.exit(1)
        } catch let problem as BotConnection.Problem {
            fail(problem.description)
        } catch let problem as PullRequestFollowUp.Problem {
            fail(problem.description)
        } catch let error as ProviderError {
            fail("no pull request: \(error.description)")
        }
    }
}
