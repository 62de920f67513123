import AsyncHTTPClient
import FicheSync
import Foundation
import Hummingbird
import Logging
import PRBot
import Providers
import Scheduler

extension FicheSyncServer {
    /// Runs the service until SIGTERM or SIGINT: the database (the embedded cluster when
    /// `DATABASE_URL` is unset), the bot's GitHub (the in-process sandbox when `GITHUB_TOKEN`
    /// is unset, kept up for the server's life and synced once at start so the form has
    /// members and startups to check against), then the HTTP server under ServiceLifecycle:
    /// a signal stops accepting connections, lets the requests under way finish, and only
    /// then are the sandbox and the database stopped.
    /// - Parameter parts: the reminders, checks, confirmation and jobs, built once the
    ///   database and the bot are up; the scheduler runs the jobs beside the server and stops
    ///   with it (after the run under way).
    public static func serve(options: Options, settings: FicheSyncSettings, metrics: ServerMetrics = ServerMetrics(),
                             parts: ServiceParts.Builder? = nil, logger: Logger) async throws {
        let database = try await Database.open(.from(settings), logger: logger)
        do {
            let bot: BotConnection
            if let configured = try BotConnection.configured(settings, http: HTTPClient.shared, logger: logger) {
                bot = configured
            } else {
                bot = try await BotConnection.sandbox(settings, seed: options.sandboxSeed, http: HTTPClient.shared, logger: logger)
                logger.notice("sandbox: no GITHUB_TOKEN, so the pull requests go to the in-process sandbox's GitHub", metadata: [
                    "sandbox": "\(bot.sandbox?.base ?? "?")", "repository": "\(bot.opener.upstream)",
                    "smtp": "127.0.0.1:\(bot.sandbox?.smtp.port ?? 0)",
                ])
            }
            do {
                if bot.isSandbox { try await syncSandbox(bot, database: database, logger: logger) }
                let built = try await parts?(database, bot) ?? ServiceParts()
                let server = try await FicheSyncServer(database: database, bot: bot, settings: settings, options: options,
                                                       metrics: metrics, parts: built, logger: logger)
                let scheduler = JobScheduler(jobs: built.jobs, runner: JobRunner(database: database, logger: logger, observer: metrics.jobRunObserver), logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await scheduler.run() }
                    try await server.application().runService()
                    group.cancelAll()
                    try await group.waitForAll()
                }
                await server.admin.manualRuns.drain()
                logger.notice("fichesync serve stopped: requests under way were finished")
                try await bot.stop()
            } catch {
                try? await bot.stop()
                throw error
            }
            await database.close()
        } catch {
            await database.close()
            throw error
        }
    }

    /// The sandbox's upstream synced into the database, as `fichesync sync` would.
    static func syncSandbox(_ bot: BotConnection, database: Database, logger: Logger) async throws {
        let cache = RepositoryCache(directory: (bot.settings.home as NSString).appendingPathComponent("repositories"))
        let sync = MergeFollowUp.catalogSync(source: bot.settings.fichesRepository, database: database, cache: cache, logger: logger)
        _ = try await sync()
        logger.notice("sandbox: synced its repository's fiches", metadata: ["source": "\(bot.settings.fichesRepository)"])
    }
}
