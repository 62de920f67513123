import Accounts
import FicheSync
import Foundation
import Logging
import Scheduler

/// The operator's actions behind `/admin`: a job run now and a failed operation re-armed.
/// Both go through the library that owns them — the Scheduler's ``JobRunner`` (its lock, its
/// `job_runs` row, recorded as manual) and the ``OperationJournal`` — so an action from here
/// is the same as one from `fichesync jobs run` or the next reconcile.
struct AdminActions: Sendable {
    let database: Database
    let jobs: [JobDefinition]
    let clock: any SchedulerClock
    let metrics: ServerMetrics
    let logger: Logger
    /// The runs started here and still under way (`serve` waits for them before it stops).
    let manualRuns = ManualJobRuns()

    /// What a manual run gave, as the route answers it: `ok` once it ended, `nil` while it runs.
    struct RunAnswer: Sendable, Codable, Equatable {
        var job: String
        var ok: Bool?
        var run: JobRunStore.Run?
    }

    /// Why an action was not done, by code (the route maps each to its status).
    struct Refusal: Error, Sendable, Equatable {
        enum Code: String, Sendable { case unknownJob, running, unknownOperation, notFailed }
        var code: Code
        var message: String
    }

    /// Runs `job` now. With `wait`, answers when it has ended; otherwise once it has started,
    /// the run going on in the background (`/status` and `fichesync jobs list` show its end).
    func run(job name: String, wait: Bool) async throws -> RunAnswer {
        guard let job = jobs.first(where: { $0.name == name }) else {
            throw Refusal(code: .unknownJob, message: "aucune tâche ne s'appelle \(name)")
        }
        let runner = JobRunner(database: database, logger: logger, observer: metrics.jobRunObserver)
        do {
            guard wait else {
                let run = try await manualRuns.start(job, runner: runner, clock: clock, logger: logger)
                logger.notice("admin: job started by hand", metadata: ["job": "\(name)"])
                return RunAnswer(job: name, ok: nil, run: run)
            }
            let (ok, run) = try await runner.runNow(job, clock: clock)
            logger.notice("admin: job run by hand", metadata: ["job": "\(name)", "ok": "\(ok)"])
            return RunAnswer(job: name, ok: ok, run: run)
        } catch let error as JobError where error.code == .running {
            throw Refusal(code: .running, message: "\(name) tourne déjà : \(error.message)")
        }
    }

    func retry(operation id: Int64) async throws {
        let logger = self.logger
        let outcome = try await database.withConnection { connection in
            try await OperationJournal(connection: connection, logger: logger).rearm(id)
        }
        switch outcome {
        case .rearmed:
            logger.notice("admin: operation re-armed for the next reconcile", metadata: ["operation": "\(id)"])
        case .notFailed(let status):
            throw Refusal(code: .notFailed, message: "l'opération \(id) n'a pas échoué (état : \(status)) : rien à relancer")
        case .unknown:
            throw Refusal(code: .unknownOperation, message: "aucune opération n'a le numéro \(id)")
        }
    }
}
