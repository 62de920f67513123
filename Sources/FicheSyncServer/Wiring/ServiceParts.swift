import FicheSync
import Logging
import PRBot
import Scheduler

/// What the service runs besides its routes, built by the wiring layer (the CLI) from the
/// settings in effect: it alone knows the account planner and the providers' sandbox. Each
/// part is optional so a test can mount the routes without them.
public struct ServiceParts: Sendable {
    /// The reminders a transition decides (the referent's notice of a new PR), written in its transaction.
    public var reminders: ReminderPass?
    /// The checks of a PR's new head, run after its `pull_request` webhook.
    public var headChecks: HeadChecks?
    /// The referent's one-click confirmation (`/confirm/<token>`).
    public var confirmation: ReferentConfirmation?
    /// The scheduled jobs, run by every instance and each tick by one of them.
    public var jobs: [JobDefinition]

    public init(reminders: ReminderPass? = nil, headChecks: HeadChecks? = nil, confirmation: ReferentConfirmation? = nil,
                jobs: [JobDefinition] = []) {
        self.reminders = reminders
        self.headChecks = headChecks
        self.confirmation = confirmation
        self.jobs = jobs
    }

    /// Builds the parts once the database and the bot are up.
    public typealias Builder = @Sendable (Database, BotConnection) async throws -> ServiceParts

    /// What `fichesync serve` runs: the follow-up's reminders, head checks and confirmation,
    /// and the standard scheduled jobs, all on the bot it keeps up.
    /// - Parameter environment: the environment's settings (the bot's add the sandbox's exports).
    public static func standard(environment: FicheSyncSettings, logger: Logger) -> Builder {
        { database, bot in
            let followUp = PullRequestFollowUp(database: database, bot: bot, environment: environment, logger: logger)
            return ServiceParts(reminders: try await followUp.reminderPass(), headChecks: try followUp.headChecks(),
                                confirmation: try await followUp.confirmation(),
                                jobs: try ScheduledJobs(database: database, environment: environment, bot: bot, logger: logger).definitions())
        }
    }
}
