import ArgumentParser
import FicheSync
import Foundation
import FicheSyncServer
import PRBot
import Providers

enum PullRequestsFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

struct PullRequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prs",
        abstract: "The fiche pull requests followed: list them, run one follow-up pass, confirm one as its referent.",
        subcommands: [PullRequestsList.self, PullRequestsTick.self, PullRequestsConfirm.self],
        defaultSubcommand: PullRequestsList.self
    )
}

struct PullRequestsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Each followed pull request with its state, age, who was reminded and the next reminder.",
        discussion: """
        Every pull request of GITHUB_REPOSITORY that adds or changes an author fiche, whoever \
        opened it, as `fichesync prs tick` (or a webhook) last saw it: open (a draft is marked, and \
        never reminded), merged, or closed without merging. Times are Europe/Paris.
        """
    )

    @Option(help: "Output: table or json.")
    var format: PullRequestsFormat = .table

    func run() async throws {
        let now = Date()
        let listed = try await Environment.withDatabase { database in
            try await database.withConnection { connection in
                var listed: [(FollowedPullRequest, [ReminderLedger.Entry], (step: ReminderStep, at: Date)?)] = []
                for pull in try await PullRequestStore(connection: connection, logger: Environment.logger).all() {
                    let sent = try await ReminderLedger.entries(repository: pull.repository, number: pull.number, on: connection,
                                                                logger: Environment.logger)
                    let remindable = pull.isRemindable
                        ? try await RemindablePullRequest.of(pull, today: .today(at: now), on: connection, logger: Environment.logger) : []
                    let next = remindable.compactMap { ReminderSchedule.standard.next($0, after: now) }.min { $0.at < $1.at }
                    listed.append((pull, sent, next))
                }
                return listed
            }
        }
        print(render(listed, now: now))
    }

    func render(_ listed: [(FollowedPullRequest, [ReminderLedger.Entry], (step: ReminderStep, at: Date)?)], now: Date) -> String {
        if format == .json {
            struct Reminder: Encodable {
                var step, audience, recipient, outcome: String
                var note: String?
                var at: String
            }
            struct Next: Encodable {
                var step, audience: String
                var at: String
            }
            struct Item: Encodable {
                var number: Int
                var url: String
                var kind, state: String
                var draft: Bool
                var members: [String]
                var referent: String?
                var startups: [String]
                var openedAt: String
                var mergedAt, closedAt: String?
                var ageDays: Double
                var accountsFollowed: Bool?
                var reminders: [Reminder]
                var nextReminder: Next?
            }
            let items = listed.map { pull, sent, next in
                Item(number: pull.number, url: pull.htmlURL, kind: pull.kind.rawValue, state: pull.state.rawValue, draft: pull.draft,
                     members: pull.members, referent: pull.referent, startups: pull.startups, openedAt: Self.paris(pull.openedAt),
                     mergedAt: pull.mergedAt.map(Self.paris), closedAt: pull.closedAt.map(Self.paris),
                     ageDays: (now.timeIntervalSince(pull.openedAt) / 8640).rounded() / 10,
                     accountsFollowed: pull.state == .merged ? !pull.owesAccounts : nil,
                     reminders: sent.map { Reminder(step: $0.step, audience: $0.audience, recipient: $0.recipient, outcome: $0.outcome,
                                                    note: $0.note, at: Self.paris($0.decidedAt)) },
                     nextReminder: next.map { Next(step: $0.step.name, audience: $0.step.audience.rawValue, at: Self.paris($0.at)) })
            }
            return (try? jsonString(items)) ?? "[]"
        }
        guard !listed.isEmpty else { return "no pull request followed yet: run `fichesync prs tick`" }
        let rows = listed.map { pull, sent, next in
            [ "#\(pull.number)", pull.state.rawValue + (pull.draft ? " (draft)" : ""), pull.kind.rawValue, Self.age(from: pull.openedAt, to: now),
              pull.members.joined(separator: ", "), Self.reminded(sent), next.map { "\($0.step.name) \(Self.short($0.at))" } ?? "-", pull.htmlURL ]
        }
        let header = ["PR", "STATE", "KIND", "AGE", "MEMBERS", "REMINDED", "NEXT", "URL"]
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// `referent-d0 ✓, team-d3 ✗` (✗: nobody could be reached), or `-`.
    static func reminded(_ sent: [ReminderLedger.Entry]) -> String {
        guard !sent.isEmpty else { return "-" }
        var seen = Set<String>()
        return sent.filter { seen.insert($0.step + $0.outcome).inserted }
            .map { "\($0.step)\($0.outcome == "queued" ? "" : " (unreachable)")" }.joined(separator: ", ")
    }

    /// `2 d 5 h`, `3 h 12 min`, `4 min`.
    static func age(from start: Date, to now: Date) -> String {
        let minutes = max(0, Int(now.timeIntervalSince(start) / 60))
        if minutes >= 24 * 60 { return "\(minutes / (24 * 60)) d \(minutes / 60 % 24) h" }
        if minutes >= 60 { return "\(minutes / 60) h \(minutes % 60) min" }
        return "\(minutes) min"
    }

    /// ISO 8601 in Europe/Paris (`2026-12-02T10:15:00+01:00`).
    static func paris(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .europeParis
        return formatter.string(from: date)
    }

    /// `03/12 09:00`, Europe/Paris.
    static func short(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = .europeParis
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "dd/MM HH:mm"
        return formatter.string(from: date)
    }
}

struct PullRequestsConfirm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Use a referent's confirmation link (its token), as `GET /confirm/<token>` does.",
        discussion: """
        The bot comments on the pull request naming the referent and labels it; with \
        FICHESYNC_AUTOMERGE=confirmed and GITHUB_MERGE_TOKEN, it also merges it once its fiches \
        pass on its head commit. A forged, expired or reused link, or one for somebody else's \
        pull request, changes nothing. Exit status: 0 confirmed, 1 refused, 2 anything else.
        """
    )

    @Argument(help: "The token: the last part of the link.")
    var token: String

    func run() async throws {
        let outcome: ReferentConfirmation.Outcome
        do {
            let token = token.split(separator: "/").last.map(String.init) ?? token
            outcome = try await Environment.withDatabase { database in
                try await PullRequestBot.run("the confirmation goes") { bot in
                    try await PullRequestBot.followUp(database, bot).confirmation().confirm(token, now: Date())
                }
            }
        } catch let refused as ReferentConfirmation.Refused {
            print("refused: \(refused.message)")
            throw ExitCode(1)
        }
        switch outcome {
        case .alreadyConfirmed:
            print("already confirmed: nothing more to do")
        case .confirmed(let merged, let note):
            print("confirmed" + (merged ? ", and merged" : "") + (note.map { " (\($0))" } ?? ""))
        }
    }
}

struct PullRequestsTick: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick",
        abstract: "One follow-up pass: poll the pull requests, check new heads, send the due reminders.",
        discussion: """
        Reads every open pull request of GITHUB_REPOSITORY (every page) and each one's files, \
        follows those that add or change content/_authors/*.md, does the accounts of a merge \
        (sync + `reconcile --member`), checks each new head (a check run and the merge preview, \
        with a GitHub App), decides the reminders due (Europe/Paris working time) and delivers \
        the outbox. Without GITHUB_TOKEN, all of it happens in the sandbox.

        Exit status: 0 done, 1 a step failed (the next pass does it again), 2 anything else.
        """
    )

    func run() async throws {
        let report: PullRequestTick.Report
        do {
            report = try await Environment.withDatabase { database in
                try await PullRequestBot.run("the pass follows the pull requests") { bot in
                    let followUp = PullRequestBot.followUp(database, bot)
                    if bot.sandbox == nil, try CheckConfiguration(bot.settings) == nil {
                        print("checks: no GitHub App (GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PRIVATE_KEY): new heads are not checked")
                    }
                    if try SMTPSettings.fromEnvironment(bot.settings.environment) == nil {
                        print("outbox: no MAIL_HOST: messages wait in the outbox (`fichesync outbox deliver` sends them)")
                    }
                    let report = try await followUp.tick(now: Date())
                    // This run's sandbox stops with it: what its SMTP receiver got is said here.
                    for mail in bot.sandbox?.smtp.mails ?? [] {
                        print("sandbox: received for \(mail.recipients.joined(separator: ", ")): \(mail.parsed.subject)")
                    }
                    return report
                }
            }
        } catch let error as ProviderError {
            fail("the pass stopped: \(error.description)")
        }
        if let polling = report.polling {
            for seen in polling.changed {
                print("#\(seen.number) \(seen.changes.map(\.description).joined(separator: ", ")) \(seen.url)")
            }
            if !polling.reconciled.isEmpty { print("accounts reconciled for \(polling.reconciled.joined(separator: ", "))") }
            print("\(polling.openOnGitHub) open pull request\(polling.openOnGitHub == 1 ? "" : "s") on GitHub, \(polling.changed.count) followed changed")
        }
        for (number, words) in report.rebuilt.sorted(by: { $0.key < $1.key }) { print("#\(number) rebuilt: \(words)") }
        for checked in report.checked where checked.error == nil {
            print("#\(checked.number) checked at \(checked.headSHA.prefix(12)): \(checked.summary ?? "")")
        }
        print("reminders: \(report.reminders.queued.count) queued, \(report.reminders.unreachable.count) unreachable")
        for line in report.reminders.unreachable { print("  unreachable: \(line)") }
        if let delivery = report.delivery {
            print("outbox: \(delivery.sent) sent, \(delivery.skipped) skipped, \(delivery.failed) failed")
        }
        for error in report.errors { FileHandle.standardError.write(Data("fichesync: \(error); the next pass tries again\n".utf8)) }
        if !report.errors.isEmpty { throw ExitCode(1) }
    }
}
