import AsyncHTTPClient
import FicheSync
import Foundation
import PRBot
import Providers
import Sandbox

/// The wiring of the PR follow-up (`prs tick`, `prs confirm`, `watch`): the library's passes
/// built from the settings in effect, the environment's or the sandbox's.
enum PullRequestFollowUp {
    /// The polling pass over `opener`'s upstream, a merge's accounts done as `reconcile --member`.
    static func pollingPass(database: Database, opener: PullRequestOpener, settings: FicheSyncSettings) -> PollingPass {
        let watcher = PullRequestWatcher(database: database, repository: opener.upstream, botFork: opener.fork, logger: Environment.logger)
        let followUp = MergeFollowUp(
            sync: MergeFollowUp.catalogSync(source: settings.fichesRepository, database: database, cache: Environment.repositoryCache,
                                            logger: Environment.logger),
            onMerged: { members in try await reconcile(members, database: database) })
        return PollingPass(github: opener.github, watcher: watcher, followUp: followUp, logger: Environment.logger)
    }

    static func tick(now: Date) async throws -> PullRequestTick.Report {
        try await Environment.withDatabase { try await tick(database: $0, now: now) }
    }

    static func tick(database: Database, now: Date) async throws -> PullRequestTick.Report {
        do {
            return try await PullRequestBot.run("the pass follows the pull requests") { opener, settings in
                let report = try await tick(database: database, opener: opener, settings: settings, sandbox: PullRequestBot.sandbox, now: now)
                // This run's sandbox stops with it: what its SMTP receiver got is said here.
                for mail in PullRequestBot.sandbox?.smtp.mails ?? [] {
                    print("sandbox: received for \(mail.recipients.joined(separator: ", ")): \(mail.parsed.subject)")
                }
                return report
            }
        } catch let error as ProviderError {
            fail("the pass stopped: \(error.description)")
        }
    }

    /// One tick on `opener`'s GitHub; `sandbox` when it is the sandbox's (its App, its mails).
    static func tick(database: Database, opener: PullRequestOpener, settings: FicheSyncSettings, sandbox: FakeSandbox?,
                     now: Date) async throws -> PullRequestTick.Report {
        let pass = pollingPass(database: database, opener: opener, settings: settings)
        let tick = PullRequestTick(pass: pass,
                                   reminders: try await reminderPass(settings),
                                   checks: try headChecks(database: database, settings: settings, sandbox: sandbox),
                                   rebuilds: ConflictRebuilds(opener: opener, watcher: pass.watcher, logger: Environment.logger),
                                   delivery: try delivery(database: database, settings: settings), logger: Environment.logger)
        return await tick.run(now: now)
    }

    /// The reminders, their texts from the templates and the referent's links signed.
    static func reminderPass(_ settings: FicheSyncSettings) async throws -> ReminderPass {
        let messages = ReminderMessages(texts: try await ReminderTexts.load(),
                                        confirmation: (try await confirmationLink(settings), settings.publicURL))
        return ReminderPass(messages: messages, domain: settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr", logger: Environment.logger)
    }

    static func confirm(_ token: String, now: Date) async throws -> ReferentConfirmation.Outcome {
        try await Environment.withDatabase { database in
            try await PullRequestBot.run("the confirmation goes") { opener, settings in
                try await confirmation(database: database, opener: opener, settings: settings, sandbox: PullRequestBot.sandbox)
                    .confirm(token, now: now)
            }
        }
    }

    /// The referent's confirmation on `opener`'s upstream: comments and labels as the App (the
    /// bot's token without one), merging with GITHUB_MERGE_TOKEN (the sandbox's maintainer)
    /// when FICHESYNC_AUTOMERGE=confirmed, once the validator passes on the head.
    static func confirmation(database: Database, opener: PullRequestOpener, settings: FicheSyncSettings,
                             sandbox: FakeSandbox?) async throws -> ReferentConfirmation {
        let checks = try checks(settings: settings, sandbox: sandbox)
        var merging: ReferentConfirmation.Merging?
        if settings.mergesOnConfirmation, let token = settings.value("GITHUB_MERGE_TOKEN") ?? sandbox?.github.maintainerToken {
            let client = GitHubClient(http: .shared, credentials: GitHubCredentials(
                apiURL: settings.value("GITHUB_API_URL") ?? "https://api.github.com", token: token, organization: opener.upstream.owner))
            merging = .init(github: client) { pull in
                guard let checks else { return nil }
                let verdict = try await checks.validate(number: pull.number, today: .today())
                return verdict.errors == 0 ? verdict.headSHA : nil
            }
        }
        return ReferentConfirmation(link: try await confirmationLink(settings), database: database, github: checks?.github ?? opener.github,
                                    upstream: opener.upstream, merging: merging, logger: Environment.logger)
    }

    /// The checks as the GitHub App (the environment's, or the sandbox's), `nil` without one.
    static func checks(settings: FicheSyncSettings, sandbox: FakeSandbox? = PullRequestBot.sandbox) throws -> PullRequestChecks? {
        if let sandbox { return try ChecksCommand.sandboxChecks(sandbox) }
        return try CheckConfiguration(settings)?.checks(http: .shared, cache: Environment.repositoryCache)
    }

    static func headChecks(database: Database, settings: FicheSyncSettings, sandbox: FakeSandbox?) throws -> HeadChecks? {
        guard let checks = try checks(settings: settings, sandbox: sandbox) else {
            print("checks: no GitHub App (GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PRIVATE_KEY): new heads are not checked")
            return nil
        }
        return HeadChecks(database: database, logger: Environment.logger) { pull, today, rebuilt in
            let outcome = try await database.withConnection { connection in
                try await checks.check(number: pull.number, today: today, planner: try await ChecksCommand.planner(connection: connection, today: today),
                                       rebuilt: rebuilt)
            }
            return "\(outcome.errors) error\(outcome.errors == 1 ? "" : "s"), \(outcome.warnings) warning\(outcome.warnings == 1 ? "" : "s")"
        }
    }

    /// The outbox's delivery: SMTP (MAIL_*; the sandbox's receiver in the sandbox) and
    /// Mattermost direct messages where configured.
    static func delivery(database: Database, settings: FicheSyncSettings) throws -> OutboxDelivery? {
        guard let smtp = try SMTPSettings.fromEnvironment(settings.environment) else {
            print("outbox: no MAIL_HOST: messages wait in the outbox (`fichesync outbox deliver` sends them)")
            return nil
        }
        var mattermost: (any MessageChannel)?
        if let url = settings.value("MATTERMOST_URL"), let token = settings.value("MATTERMOST_BOT_TOKEN") {
            mattermost = MattermostChannel(client: MattermostClient(http: HTTPClient.shared, credentials: MattermostCredentials(url: url, token: token)))
        }
        return OutboxDelivery(database: database, email: EmailChannel(sender: SMTPSender(settings: smtp)), mattermost: mattermost,
                              logger: Environment.logger)
    }

    /// The key links are signed with: FICHESYNC_LINK_SECRET, or one made once and kept in
    /// `$FICHESYNC_HOME/link-secret` (readable by its owner only), so that a deployment
    /// without the setting still sends links that work after a restart.
    static func confirmationLink(_ settings: FicheSyncSettings) async throws -> ConfirmationLink {
        if let secret = settings.linkSecret {
            guard let link = ConfirmationLink(secret: secret) else { fail("FICHESYNC_LINK_SECRET is shorter than 16 bytes: links signed with it could be forged") }
            return link
        }
        let path = (Environment.home as NSString).appendingPathComponent("link-secret")
        let secret = try await BlockingWork.run { () throws -> String in
            if let kept = try? String(contentsOfFile: path, encoding: .utf8), kept.utf8.count >= 32 { return kept }
            var generator = SystemRandomNumberGenerator()
            let made = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            try FileManager.default.createDirectory(atPath: Environment.home, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: Data(made.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
            return made
        }
        guard let link = ConfirmationLink(secret: secret) else { fail("\(path) holds no usable secret") }
        return link
    }
}
