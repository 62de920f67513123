import AsyncHTTPClient
import Crypto
import CryptoExtras
import FicheSync
import Foundation
import Providers
import Sandbox
import TestKit
import Testing
@testable import PRBot

/// The whole follow-up of a bot PR on the sandbox GitHub, a real Postgres and a real SMTP
/// receiver: recorded with its facts (the referent's notice written in that transaction),
/// checked once per head, reminded once, delivered once; the referent's link confirms and
/// merges it, and works only once and only for its referent.
@Suite struct PullRequestTickTests {
    static let link = ConfirmationLink(secret: "tick-test-link-secret-0123456789")!

    struct Parts {
        let tick: PullRequestTick
        let opener: PullRequestOpener
        let checks: PullRequestChecks
        let smtp: FakeSMTPServer
    }

    static func parts(_ repo: WatchedRepository, cache: RepositoryCache) async throws -> Parts {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        try repo.sandbox.github.app.trust(publicKeyPEM: key.publicKey.pemRepresentation)
        let api = "\(repo.sandbox.base)/github"
        let tokens = try GitHubAppTokens(.init(appID: repo.sandbox.github.app.appID, installationID: repo.sandbox.github.app.installationID,
                                               privateKeyPEM: key.pemRepresentation, apiURL: api), http: .shared)
        let app = GitHubClient(http: .shared, apiURL: api, organization: "betagouv", tokens: tokens, policy: .fastRetries())
        let checks = PullRequestChecks(github: app, upstream: WatchedRepository.upstream, gitURL: repo.upstreamPath, cache: cache)
        let heads = HeadChecks(database: repo.database, logger: TestDatabase.logger) { pull, today, rebuilt in
            // No account planner here: the preview says what the fiches change, with no operation.
            let outcome = try await checks.check(number: pull.number, today: today, planner: { _, _ in [] }, rebuilt: rebuilt)
            return "\(outcome.errors) errors"
        }
        let smtp = try await FakeSMTPServer.start()
        let email = EmailChannel(sender: SMTPSender(settings: try SMTPSettings(host: "127.0.0.1", port: smtp.port, ignoreTLS: true,
                                                                               from: "secretariat@beta.gouv.fr", timeout: 5)))
        let exports = Dictionary(uniqueKeysWithValues: repo.sandbox.exports.map { ($0.name, $0.value) })
        let mattermost = MattermostChannel(client: MattermostClient(
            http: .shared, credentials: MattermostCredentials(url: try #require(exports["MATTERMOST_URL"]), token: try #require(exports["MATTERMOST_BOT_TOKEN"])),
            policy: .fastRetries()))
        let messages = ReminderMessages(texts: try await ReminderTexts.load(), confirmation: (link, "https://fichesync.test/"))
        let opener = PullRequestOpener(github: repo.github, upstream: WatchedRepository.upstream, fork: WatchedRepository.fork,
                                       logger: TestDatabase.logger)
        let tick = PullRequestTick(
            pass: PollingPass(github: repo.github, watcher: repo.watcher, followUp: nil, logger: TestDatabase.logger),
            reminders: ReminderPass(messages: messages, domain: "beta.gouv.fr", logger: TestDatabase.logger), checks: heads,
            rebuilds: ConflictRebuilds(opener: opener, watcher: repo.watcher, logger: TestDatabase.logger),
            delivery: OutboxDelivery(database: repo.database, email: email, mattermost: mattermost, logger: TestDatabase.logger),
            logger: TestDatabase.logger)
        return Parts(tick: tick, opener: opener, checks: checks, smtp: smtp)
    }

    @Test func aBotPullRequestIsCheckedRemindedConfirmedAndMerged() async throws {
        try await WatchedRepository.with { repo in
            let cache = RepositoryCache(directory: repo.folder.sub("mirrors"))
            _ = try await MergeFollowUp.catalogSync(source: repo.upstreamPath, database: repo.database, cache: cache, logger: TestDatabase.logger)()
            let parts = try await Self.parts(repo, cache: cache)
            defer { Task { try? await parts.smtp.stop() } }
            let path = "content/_authors/zoe.martin.md"
            let broken = WatchedRepository.fiche("Zoé Martin").replacingOccurrences(of: "end: 2030-06-30", with: "end: 2030-13-30")
            let number = try await repo.open([path: broken], branch: "authorzoe.martin-abc123")

            // The bot records what it opened: the referent's notice is written with it.
            let watcher = repo.watcher.reminding(with: parts.tick.reminders)
            let opened = PullRequestOpener.Opened(number: number, url: "https://github.com/\(FakeSandbox.upstream)/pull/\(number)",
                                                  branch: "authorzoe.martin-abc123", existing: false)
            _ = try await watcher.record(opened, OpenedPullRequestRecord(kind: .onboarding, memberID: "zoe.martin", referent: "ulysse.bernier",
                                                                         recruitEmail: "zoe@example.org", startups: ["auxAJ"]),
                                         github: repo.github, now: Date())
            #expect(try await repo.count("outbox") == 2, "the notice by email and by Mattermost")

            let now = Date()
            let first = await parts.tick.run(now: now)
            #expect(first.errors.isEmpty, "\(first.errors)")
            #expect(first.delivery?.failed == 0, "\(String(describing: first.delivery))")
            #expect(first.checked.map(\.number) == [number])
            #expect(first.checked.first?.summary == "1 errors")
            let head = try #require(first.checked.first?.headSHA)
            #expect(try await parts.checks.github.checkRuns(WatchedRepository.upstream, sha: head).count == 1)
            let mails = parts.smtp.mails
            #expect(mails.count == 1 && mails.first?.recipients == ["ulysse.bernier@beta.gouv.fr"], "\(mails.map(\.recipients))")
            let text = try #require(mails.first?.parsed.text)
            #expect(text.contains("Zoe Martin") && text.contains("confirme en un clic"), "\(text)")

            // A second tick at the same moment: nothing checked, queued or sent again.
            let again = await parts.tick.run(now: now)
            #expect(again.checked.isEmpty && again.reminders.queued.isEmpty && again.delivery?.sent == 0, "\(again)")
            #expect(parts.smtp.mails.count == 1)

            // A push fixing the fiche: a new check run on the new head, the old one kept.
            let writer = GitHubClient(http: .shared, apiURL: "\(repo.sandbox.base)/github", organization: "betagouv",
                                      tokens: StaticToken(repo.sandbox.github.token), policy: .fastRetries())
            let base = try await repo.masterHead()
            let tree = try await writer.createTree(WatchedRepository.fork, base: try await writer.commit(WatchedRepository.upstream, sha: base).tree.sha,
                                                   files: [.init(path: path, content: WatchedRepository.fiche("Zoé Martin"))])
            let fixed = try await writer.createCommit(WatchedRepository.fork, message: "fiche corrigée", tree: tree, parents: [base])
            try await writer.moveBranch(WatchedRepository.fork, "authorzoe.martin-abc123", sha: fixed, force: true)
            let pushed = await parts.tick.run(now: now.addingTimeInterval(60))
            #expect(pushed.checked.map(\.headSHA) == [fixed] && pushed.checked.first?.summary == "0 errors", "\(pushed.checked)")
            #expect(try await parts.checks.github.checkRuns(WatchedRepository.upstream, sha: fixed).count == 1)
            #expect(try await parts.checks.github.checkRuns(WatchedRepository.upstream, sha: head).count == 1)

            // The link from the email: refused for anyone else, forged or expired; once for the referent.
            let url = try #require(text.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("https://fichesync.test/confirm/") })
            let token = String(url.dropFirst("https://fichesync.test/confirm/".count))
            let maintainer = GitHubClient(http: .shared, apiURL: "\(repo.sandbox.base)/github", organization: "betagouv",
                                          tokens: StaticToken(repo.sandbox.github.maintainerToken), policy: .fastRetries())
            let confirmation = ReferentConfirmation(
                link: Self.link, database: repo.database, github: parts.checks.github, upstream: WatchedRepository.upstream,
                merging: .init(github: maintainer) { pull in
                    let verdict = try await parts.checks.validate(number: pull.number, today: .today(at: now))
                    return verdict.errors == 0 ? verdict.headSHA : nil
                }, logger: TestDatabase.logger)
            let stranger = Self.link.token(repository: FakeSandbox.upstream, number: number, referent: "someone.else", now: now, nonce: "x")
            await #expect(throws: ReferentConfirmation.Refused.self) { try await confirmation.confirm(stranger, now: now) }
            let other = try #require(ConfirmationLink(secret: "not-the-deployment-secret-123"))
            let forged = other.token(repository: FakeSandbox.upstream, number: number, referent: "ulysse.bernier", now: now, nonce: "y")
            await #expect(throws: ReferentConfirmation.Refused.self) { try await confirmation.confirm(forged, now: now) }
            await #expect(throws: ReferentConfirmation.Refused.self) { try await confirmation.confirm(token, now: now.addingTimeInterval(15 * 86_400)) }
            #expect(try await repo.count("referent_confirmations") == 0)
            #expect(try await repo.call(.GET, "/repos/\(FakeSandbox.upstream)/pulls/\(number)")["merged"] as? Bool == false)

            #expect(try await confirmation.confirm(token, now: now) == .confirmed(merged: true, note: nil))
            let pull = try await repo.call(.GET, "/repos/\(FakeSandbox.upstream)/pulls/\(number)")
            #expect(pull["merged"] as? Bool == true)
            #expect((pull["labels"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == [ReferentConfirmation.label])
            let comments = try await parts.checks.github.comments(WatchedRepository.upstream, issue: number)
            #expect(comments.contains { $0.body?.contains("Ulysse") == true && $0.body?.contains("confirme") == true }, "\(comments.map(\.body))")
            #expect(try await confirmation.confirm(token, now: now) == .alreadyConfirmed)
            #expect(try await repo.count("referent_confirmations") == 1)

            // Merged: the next tick sees it, and nothing more is sent about it.
            let after = await parts.tick.run(now: now.addingTimeInterval(3 * 86_400))
            #expect(after.polling?.changed.first?.changes.contains(.merged) == true, "\(String(describing: after.polling))")
            #expect(after.reminders.queued.isEmpty)
        }
    }

    /// The base moves under a bot update PR and conflicts with it: the next tick rebuilds the
    /// branch on the new base, checks the new head, and says so in the preview comment.
    @Test func aBotPullRequestInConflictIsRebuiltByTheTick() async throws {
        try await WatchedRepository.with { repo in
            let cache = RepositoryCache(directory: repo.folder.sub("mirrors"))
            _ = try await MergeFollowUp.catalogSync(source: repo.upstreamPath, database: repo.database, cache: cache, logger: TestDatabase.logger)()
            let parts = try await Self.parts(repo, cache: cache)
            defer { Task { try? await parts.smtp.stop() } }
            let end = try #require(FicheDate(year: 2027, month: 12, day: 31))
            let opened = try await parts.opener.open(change: ProposedChange(lastMissionEnd: end), memberID: "anatole.garrigue", fullname: "Anatole Garrigue")
            _ = try await repo.watcher.record(opened, OpenedPullRequestRecord(kind: .update, memberID: "anatole.garrigue"), github: repo.github, now: Date())
            let first = await parts.tick.run(now: Date())
            #expect(first.rebuilt.isEmpty && first.checked.map(\.number) == [opened.number], "\(first.errors)")

            let path = "content/_authors/anatole.garrigue.md"
            let fiche = try String(contentsOfFile: "\(Package.fixtures)/\(path)", encoding: .utf8)
            let maintainer = GitHubClient(http: .shared, apiURL: "\(repo.sandbox.base)/github", organization: "betagouv",
                                          tokens: StaticToken(repo.sandbox.github.maintainerToken), policy: .fastRetries())
            let master = try await repo.masterHead()
            let tree = try await maintainer.createTree(WatchedRepository.upstream, base: try await maintainer.commit(WatchedRepository.upstream, sha: master).tree.sha,
                                                       files: [.init(path: path, content: fiche.replacingOccurrences(of: "end: 2023-12-18", with: "end: 2024-06-30"))])
            let moved = try await maintainer.createCommit(WatchedRepository.upstream, message: "Fin de mission corrigée", tree: tree, parents: [master])
            try await maintainer.moveBranch(WatchedRepository.upstream, "master", sha: moved, force: false)
            #expect(try await repo.github.pullRequest(WatchedRepository.upstream, number: opened.number)?.mergeable == false)

            let second = await parts.tick.run(now: Date())
            #expect(second.errors.isEmpty, "\(second.errors)")
            #expect(second.rebuilt[opened.number]?.contains("reconstruite") == true, "\(second.rebuilt)")
            let detail = try #require(try await repo.github.pullRequest(WatchedRepository.upstream, number: opened.number))
            #expect(detail.mergeable == true)
            #expect(second.checked.map(\.headSHA) == [detail.head.sha], "the rebuilt head is the one checked")
            let comments = try await parts.checks.github.comments(WatchedRepository.upstream, issue: opened.number)
            #expect(comments.count == 1, "the preview comment is edited, not posted again")
            #expect(comments.first?.body?.contains("reconstruite") == true, "\(comments.first?.body ?? "")")
            let third = await parts.tick.run(now: Date())
            #expect(third.rebuilt.isEmpty && third.checked.isEmpty)
        }
    }
}
