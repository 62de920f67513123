import AsyncHTTPClient
import CryptoExtras
import FicheSync
import Foundation
import Logging
import PRBot
import Providers
import Sandbox

/// The PR follow-up's passes — polling, reminders, head checks, conflict rebuilds, the
/// referent's confirmation, the outbox's delivery — built from the settings in effect on one
/// bot (the environment's GitHub or the sandbox's). `serve` builds its parts from it and the
/// commands (`prs tick`, `prs confirm`, `watch`, `onboard`) their single runs, so a pass is
/// wired one way only.
public struct PullRequestFollowUp: Sendable {
    public let database: Database
    public let bot: BotConnection
    /// The environment's settings without the sandbox's exports: what the accounts side
    /// (`reconcile`, the merge preview's planner) reads, as the commands do.
    public let environment: FicheSyncSettings
    public let logger: Logger

    /// Why a pass cannot be built, in one line naming the setting or the file.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public enum Code: String, Sendable { case linkSecret, sandbox }
        public var code: Code
        public var description: String
    }

    public init(database: Database, bot: BotConnection, environment: FicheSyncSettings, logger: Logger) {
        self.database = database
        self.bot = bot
        self.environment = environment
        self.logger = logger
    }

    var settings: FicheSyncSettings { bot.settings }
    var cache: RepositoryCache { RepositoryCache(directory: (environment.home as NSString).appendingPathComponent("repositories")) }

    /// The polling pass over the bot's upstream; a merge's accounts done as `reconcile --member`.
    public func pollingPass() -> PollingPass {
        let watcher = PullRequestWatcher(database: database, repository: bot.opener.upstream, botFork: bot.opener.fork, logger: logger)
        let database = database, environment = environment, logger = logger
        let followUp = MergeFollowUp(
            sync: MergeFollowUp.catalogSync(source: settings.fichesRepository, database: database, cache: cache, logger: logger),
            onMerged: { members in try await MergeAccounts.reconcile(members, settings: environment, database: database, logger: logger) })
        return PollingPass(github: bot.opener.github, watcher: watcher, followUp: followUp, logger: logger)
    }

    /// One tick: poll, check new heads, rebuild conflicts, decide the reminders due, deliver.
    public func tick(now: Date) async throws -> PullRequestTick.Report {
        let pass = pollingPass()
        let tick = PullRequestTick(pass: pass, reminders: try await reminderPass(), checks: try headChecks(),
                                   rebuilds: ConflictRebuilds(opener: bot.opener, watcher: pass.watcher, logger: logger),
                                   delivery: try delivery(), logger: logger)
        return await tick.run(now: now)
    }

    /// The reminders, their texts from the templates and the referent's links signed.
    public func reminderPass() async throws -> ReminderPass {
        let messages = ReminderMessages(texts: try await ReminderTexts.load(),
                                        confirmation: (try await Self.confirmationLink(environment), settings.publicURL))
        return ReminderPass(messages: messages, domain: settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr", logger: logger)
    }

    /// The referent's confirmation on the bot's upstream: comments and labels as the App (the
    /// bot's token without one), merging with GITHUB_MERGE_TOKEN (the sandbox's maintainer)
    /// when FICHESYNC_AUTOMERGE=confirmed, once the validator passes on the head.
    public func confirmation() async throws -> ReferentConfirmation {
        let checks = try checks()
        var merging: ReferentConfirmation.Merging?
        if settings.mergesOnConfirmation, let token = settings.value("GITHUB_MERGE_TOKEN") ?? bot.sandbox?.github.maintainerToken {
            let client = GitHubClient(http: .shared, credentials: GitHubCredentials(
                apiURL: settings.value("GITHUB_API_URL") ?? "https://api.github.com", token: token, organization: bot.opener.upstream.owner))
            merging = .init(github: client) { pull in
                guard let checks else { return nil }
                let verdict = try await checks.validate(number: pull.number, today: .today())
                return verdict.errors == 0 ? verdict.headSHA : nil
            }
        }
        return ReferentConfirmation(link: try await Self.confirmationLink(environment), database: database,
                                    github: checks?.github ?? bot.opener.github, upstream: bot.opener.upstream, merging: merging, logger: logger)
    }

    /// The checks as the GitHub App (the environment's, or the sandbox's), `nil` without one.
    public func checks() throws -> PullRequestChecks? {
        if let sandbox = bot.sandbox { return try Self.sandboxChecks(sandbox, cache: cache) }
        return try CheckConfiguration(settings)?.checks(http: .shared, cache: cache)
    }

    /// The checks of each new head, with the merge preview planned on today's accounts; `nil`
    /// without a GitHub App (said in the log: new heads then go unchecked).
    public func headChecks() throws -> HeadChecks? {
        guard let checks = try checks() else {
            logger.notice("no GitHub App (GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PRIVATE_KEY): new heads are not checked")
            return nil
        }
        let database = database, environment = environment, logger = logger
        return HeadChecks(database: database, logger: logger) { pull, today, rebuilt in
            let outcome = try await database.withConnection { connection in
                try await checks.check(number: pull.number, today: today,
                                       planner: try await MergePreviewPlanner.make(settings: environment, connection: connection, today: today, logger: logger),
                                       rebuilt: rebuilt)
            }
            return "\(outcome.errors) error\(outcome.errors == 1 ? "" : "s"), \(outcome.warnings) warning\(outcome.warnings == 1 ? "" : "s")"
        }
    }

    /// The outbox's delivery: SMTP (MAIL_*; the sandbox's receiver in the sandbox) and
    /// Mattermost direct messages where configured; `nil` without MAIL_HOST (the messages
    /// wait in the outbox — each caller says so in its own words).
    public func delivery() throws -> OutboxDelivery? {
        try Self.delivery(database: database, settings: settings, logger: logger)
    }

    /// ``delivery()`` for settings of their own (`fichesync outbox deliver`'s sandbox receiver).
    public static func delivery(database: Database, settings: FicheSyncSettings, logger: Logger) throws -> OutboxDelivery? {
        guard let smtp = try SMTPSettings.fromEnvironment(settings.environment) else { return nil }
        return OutboxDelivery(database: database, email: EmailChannel(sender: SMTPSender(settings: smtp)), mattermost: mattermost(settings),
                              logger: logger)
    }

    /// Mattermost direct messages as the bot, when MATTERMOST_URL and MATTERMOST_BOT_TOKEN are set.
    public static func mattermost(_ settings: FicheSyncSettings) -> (any MessageChannel)? {
        guard let url = settings.value("MATTERMOST_URL"), let token = settings.value("MATTERMOST_BOT_TOKEN") else { return nil }
        return MattermostChannel(client: MattermostClient(http: HTTPClient.shared, credentials: MattermostCredentials(url: url, token: token)))
    }

    /// The checks as the sandbox's GitHub App: it trusts a key made for this run.
    public static func sandboxChecks(_ sandbox: FakeSandbox, cache: RepositoryCache) throws -> PullRequestChecks {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        try sandbox.github.app.trust(publicKeyPEM: key.publicKey.pemRepresentation)
        let exports = Dictionary(uniqueKeysWithValues: sandbox.exports.map { ($0.name, $0.value) })
        guard let upstream = RepositoryName(FakeSandbox.upstream), let path = sandbox.github.hosting?.path(of: FakeSandbox.upstream),
              let api = exports["GITHUB_API_URL"] else {
            throw Problem(code: .sandbox, description: "the sandbox hosts no repository")
        }
        return try CheckConfiguration(app: .init(appID: sandbox.github.app.appID, installationID: sandbox.github.app.installationID,
                                                 privateKeyPEM: key.pemRepresentation, apiURL: api),
                                      upstream: upstream, gitURL: path).checks(http: .shared, cache: cache)
    }

    /// The key links are signed with: FICHESYNC_LINK_SECRET, or one made once and kept in
    /// `$FICHESYNC_HOME/link-secret` (readable by its owner only), so that a deployment
    /// without the setting still sends links that work after a restart.
    public static func confirmationLink(_ settings: FicheSyncSettings) async throws -> ConfirmationLink {
        if let secret = settings.linkSecret {
            guard let link = ConfirmationLink(secret: secret) else {
                throw Problem(code: .linkSecret, description: "FICHESYNC_LINK_SECRET is shorter than 16 bytes: links signed with it could be forged")
            }
            return link
        }
        let home = settings.home
        let path = (home as NSString).appendingPathComponent("link-secret")
        let secret = try await BlockingWork.run { () throws -> String in
            if let kept = try? String(contentsOfFile: path, encoding: .utf8), kept.utf8.count >= 32 { return kept }
            var generator = SystemRandomNumberGenerator()
            let made = Hex.string((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: Data(made.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
            return made
        }
        guard let link = ConfirmationLink(secret: secret) else {
            throw Problem(code: .linkSecret, description: "\(path) holds no usable secret")
        }
        return link
    }
}
