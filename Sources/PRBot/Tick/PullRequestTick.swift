import FicheSync
import Foundation
import Logging
import PostgresNIO
import Providers

/// One follow-up pass of every fiche pull request: what `fichesync prs tick` and the
/// scheduler's `prs-tick` job run.
///
/// In order: the polling pass (each transition's due reminders written in its transaction,
/// a merge's accounts done), the checks of every head not checked yet, the reminders that
/// time has made due, and one delivery pass of the outbox. Each step's failure is reported
/// and the steps after it still run — a GitHub that cannot be polled is no reason to hold
/// back the reminders already due — and everything it leaves undone is found again by the
/// next pass: nothing is marked done before it is.
public struct PullRequestTick: Sendable {
    public struct Report: Sendable {
        public var polling: PollingPass.Report?
        public var checked: [HeadChecks.Checked] = []
        /// The bot's PRs rebuilt on their new base, in words.
        public var rebuilt: [Int: String] = [:]
        public var reminders = ReminderPass.Report()
        public var delivery: OutboxDelivery.Report?
        /// Each step that failed, with why: the next pass tries it again.
        public var errors: [String] = []
    }

    public let pass: PollingPass
    public let reminders: ReminderPass
    public let checks: HeadChecks?
    public let rebuilds: ConflictRebuilds?
    public let delivery: OutboxDelivery?
    let logger: Logger

    /// - Parameters:
    ///   - pass: the polling pass; its watcher gets `reminders` on each transition.
    ///   - checks: the checks of new heads, when a GitHub App is configured.
    ///   - rebuilds: the rebuild of the bot's PRs fallen into conflict (before the checks).
    ///   - delivery: the outbox's delivery, when messages are to be sent by this pass.
    public init(pass: PollingPass, reminders: ReminderPass, checks: HeadChecks?, rebuilds: ConflictRebuilds? = nil,
                delivery: OutboxDelivery?, logger: Logger) {
        self.pass = PollingPass(github: pass.github, watcher: pass.watcher.reminding(with: reminders), followUp: pass.followUp, logger: logger)
        self.reminders = reminders
        self.checks = checks
        self.rebuilds = rebuilds
        self.delivery = delivery
        self.logger = logger
    }

    public func run(now: Date) async -> Report {
        var report = Report()
        do {
            report.polling = try await pass.run(now: now)
            if let error = report.polling?.followUpError { report.errors.append("merge follow-up: \(error)") }
        } catch {
            report.errors.append("polling: \(error)")
            logger.error("the polling pass failed; the next tick tries again", metadata: ["error": "\(error)"])
        }
        let database = pass.watcher.database
        let repository = pass.watcher.repository.description
        if let rebuilds {
            do {
                let rebuilt = try await rebuilds.run(now: now)
                report.rebuilt = rebuilt.rebuilt
                report.errors += rebuilt.errors
            } catch {
                report.errors.append("rebuilds: \(error)")
            }
        }
        if let checks {
            do {
                report.checked = try await checks.run(repository: repository, rebuilt: report.rebuilt, now: now)
                report.errors += report.checked.compactMap { checked in checked.error.map { "check of #\(checked.number): \($0)" } }
            } catch {
                report.errors.append("checks: \(error)")
            }
        }
        do {
            let today = FicheDate.today(at: now)
            let remindable = try await database.withConnection { connection in
                var all: [RemindablePullRequest] = []
                for pull in try await PullRequestStore(connection: connection, logger: logger).all(repository: repository) where pull.isRemindable {
                    all += try await RemindablePullRequest.of(pull, today: today, on: connection, logger: logger)
                }
                return all
            }
            report.reminders = try await reminders.run(remindable, now: now, database: database)
        } catch {
            report.errors.append("reminders: \(error)")
            logger.error("the reminders could not be decided; the next tick tries again", metadata: ["error": "\(error)"])
        }
        if let delivery {
            do {
                report.delivery = try await delivery.deliverDue(now: now)
            } catch {
                report.errors.append("delivery: \(error)")
            }
        }
        return report
    }
}

extension PullRequestWatcher {
    /// This watcher, writing each transition's due reminders (and their outbox messages) in
    /// the transaction of the transition: a new PR's notice to its referent is decided with
    /// the row that says it is open, or not at all. Webhooks and polling both go through it.
    public func reminding(with pass: ReminderPass) -> PullRequestWatcher {
        var watcher = self
        let earlier = onTransition
        let logger = self.logger
        watcher.onTransition = { transition, connection in
            try await earlier?(transition, connection)
            let pull = transition.pullRequest
            guard pull.isRemindable else { return }
            // A PR "observed" before GitHub says it was opened is two clocks disagreeing (or a
            // time taken before the request that opened it): the notice is due all the same.
            let now = max(pull.lastObservedAt, pull.openedAt)
            for remindable in try await RemindablePullRequest.of(pull, today: FicheDate.today(at: now), on: connection, logger: logger) {
                _ = try await pass.enqueue(remindable, now: now, on: connection)
            }
        }
        return watcher
    }
}
