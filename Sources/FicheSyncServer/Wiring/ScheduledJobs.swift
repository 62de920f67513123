import Accounts
import AsyncHTTPClient
import FicheSync
import Foundation
import Logging
import PRBot
import Providers
import Scheduler

/// The standard jobs' actions, wired to what fichesync does today — the same functions the
/// commands run, so a scheduled `sync` is `fichesync sync`, a scheduled `reconcile` is
/// `fichesync reconcile`. The table (names, schedules) is `Scheduler.StandardJobs`; this file
/// only gives each job its action.
public struct ScheduledJobs: Sendable {
    public let database: Database
    /// The environment's settings (without a sandbox's exports).
    public let environment: FicheSyncSettings
    /// The bot `serve` keeps up (its settings carry the sandbox's exports, and the PR tick uses
    /// its GitHub); `nil` for a command, which connects for each run.
    public let bot: BotConnection?
    public let logger: Logger
    /// Where the `FICHESYNC_JOB_<NAME>` schedules are read: the process's environment (one
    /// variable per job, so not in the settings table).
    let schedules: [String: String]

    public init(database: Database, environment: FicheSyncSettings, bot: BotConnection? = nil, logger: Logger,
                schedules: [String: String] = ProcessInfo.processInfo.environment) {
        self.database = database
        self.environment = environment
        self.bot = bot
        self.logger = logger
        self.schedules = schedules
    }

    /// The jobs with their schedules (`FICHESYNC_JOB_<NAME>` overrides) and actions.
    public func definitions() throws(JobConfigurationError) -> [JobDefinition] {
        try StandardJobs.definitions(environment: schedules, actions: actions())
    }

    func actions() -> [String: JobAction] {
        let jobs = self
        return [
            "sync": { context in try await jobs.sync(context) },
            "reconcile": { context in try await jobs.reconcile(mailingLists: false, context) },
            // `reconcile --lists`: the set-<startup> lists cost one OVH request each, hence weekly.
            "mailing-lists": { context in try await jobs.reconcile(mailingLists: true, context) },
            "outbox": { context in try await jobs.deliverOutbox(context) },
            "member-notices": { context in try await jobs.memberNotices(context) },
            "prs-tick": { context in try await jobs.pullRequestTick(context) },
        ]
    }

    /// The settings in effect: the bot's (with the sandbox's exports) when there is one.
    var settings: FicheSyncSettings { bot?.settings ?? environment }

    /// `fichesync sync` of `FICHES_REPOSITORY`: fetched into its mirror, synced incrementally.
    func sync(_ context: JobContext) async throws -> String {
        let source = settings.fichesRepository
        let cache = RepositoryCache(directory: (environment.home as NSString).appendingPathComponent("repositories"))
        // Classifying looks at the disk, resolving fetches: both off the concurrency pool.
        let (kind, resolved) = try await BlockingWork.run {
            let kind = try ContentSource.classify(source, revisionRequested: false)
            return (kind, try kind.resolve(revision: nil, cache: cache))
        }
        guard resolved.unreadable.isEmpty else {
            throw SyncRefused(commit: resolved.commit.description, diagnostics: resolved.unreadable)
        }
        let report = try await CatalogSync(database: database, today: FicheDate.today(at: context.now), logger: context.logger)
            .sync(repositoryPath: resolved.repositoryPath, commit: resolved.commit, source: kind.recordedName(source))
        return report.summary
    }

    /// `fichesync reconcile` (with `--lists` for the weekly job): the providers the settings
    /// configure, or the sandbox's. Failed operations make the run a failure, listed.
    func reconcile(mailingLists: Bool, _ context: JobContext) async throws -> String {
        let settings = settings
        let configuration = try ProviderConfiguration(environment: settings.environment)
        let providers = ReconcileProviders(configuration)
        let accounts = AccountRules.make(settings, configuration: configuration, mailingLists: mailingLists)
        let today = FicheDate.today(at: context.now)
        let logger = context.logger
        let outcome = try await database.withConnection { connection in
            try await providers.withReconciler(connection: connection, recording: true, logger: logger) { reconciler in
                let members = try await MemberRecord.load(from: connection, logger: logger)
                let journal = OperationJournal(connection: connection, logger: logger)
                return try await reconciler.run(members: members, settings: accounts, today: today, journal: journal,
                                                only: nil, member: nil, dryRun: false)
            }
        }
        var line = (providers.isSandbox ? "sandbox: " : "") + outcome.plan.summary
        guard let report = outcome.report else { return line }
        line += "; applied: \(report.done) done, \(report.failed.count) failed"
        guard report.failed.isEmpty else {
            let failed = report.failed.map { "\($0.operation.provider.rawValue) \($0.operation.action.rawValue) \($0.operation.target): \($0.lastError ?? "")" }
            throw JobError(.partlyFailed, line + " — " + failed.joined(separator: "; "))
        }
        return line
    }

    /// The day's member notices (contract ending D-30/15/2, departure J+1/J+30), written to
    /// the outbox; the `outbox` job delivers them.
    func memberNotices(_ context: JobContext) async throws -> String {
        let settings = settings
        let messages = MemberNoticeMessages(texts: try await MemberNoticeTexts.load(), domain: settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr",
                                            publicURL: settings.publicURL)
        let report = try await MemberNoticePass(messages: messages, logger: context.logger)
            .run(today: FicheDate.today(at: context.now), now: context.now, database: database)
        return report.summary
    }

    /// `fichesync outbox deliver`, with the configured SMTP server only: a scheduled pass
    /// never sends to a throw-away sandbox receiver (the messages would be marked sent and
    /// lost), so without MAIL_HOST the run fails, saying so, and the messages wait.
    func deliverOutbox(_ context: JobContext) async throws -> String {
        guard let delivery = try PullRequestFollowUp.delivery(database: database, settings: settings, logger: context.logger) else {
            throw JobError(.notConfigured, "MAIL_HOST is not set: the messages wait in the outbox (`fichesync outbox deliver` sends them to a sandbox receiver)")
        }
        let report = try await delivery.deliverDue(now: context.now)
        let line = "\(report.sent) sent, \(report.skipped) skipped, \(report.failed) failed"
        if report.failed > 0 { throw JobError(.partlyFailed, line + ": " + report.errors.joined(separator: "; ")) }
        return line
    }

    /// `fichesync prs tick`: poll, check new heads, decide the reminders due, deliver. A step
    /// that failed makes the run a failure, listed; the next tick does it again.
    func pullRequestTick(_ context: JobContext) async throws -> String {
        let database = database, environment = environment, logger = logger
        let report = if let bot {
            try await PullRequestFollowUp(database: database, bot: bot, environment: environment, logger: logger).tick(now: context.now)
        } else {
            try await BotConnection.with(environment, http: .shared, logger: logger) { bot in
                try await PullRequestFollowUp(database: database, bot: bot, environment: environment, logger: logger).tick(now: context.now)
            }
        }
        var parts: [String] = []
        if let polling = report.polling { parts.append("\(polling.openOnGitHub) open, \(polling.changed.count) changed") }
        parts.append("\(report.checked.count) checked")
        parts.append("\(report.reminders.queued.count) reminders queued")
        if let delivery = report.delivery { parts.append("\(delivery.sent) sent, \(delivery.failed) failed") }
        let line = parts.joined(separator: ", ")
        if !report.errors.isEmpty { throw JobError(.partlyFailed, line + " — " + report.errors.joined(separator: "; ")) }
        return line
    }
}
