import ArgumentParser
import FicheSync
import FicheSyncServer
import Foundation
import Scheduler

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "The scheduled jobs: list them with their last run, or run one now.",
        discussion: """
        Schedules are cron expressions in Europe/Paris time; FICHESYNC_JOB_<NAME> (e.g. \
        FICHESYNC_JOB_MEMBER_NOTICES) replaces one, or switches it off with `off`. Every run is \
        recorded in the database (job_runs), shared by every instance: exactly one instance runs \
        each tick.
        """,
        subcommands: [JobsList.self, JobsRun.self],
        defaultSubcommand: JobsList.self
    )

    /// Exits 2 naming the variable whose schedule is wrong: before the database is opened,
    /// so that an embedded cluster is never left behind by the exit.
    static func checkSchedules() {
        do {
            _ = try StandardJobs.definitions(environment: ProcessInfo.processInfo.environment, actions: [:])
        } catch {
            fail(error.description)
        }
    }

    /// The jobs, or exit 2 naming the variable whose schedule is wrong.
    static func definitions(_ database: Database) -> [JobDefinition] {
        do {
            return try ScheduledJobs(database: database, environment: Environment.settings, logger: Environment.logger).definitions()
        } catch {
            fail(error.description)
        }
    }
}

struct JobsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Each job, its schedule, its next run (Europe/Paris), its last run and result."
    )

    @Option(help: "Output: table or json.")
    var format: ListFormat = .table

    func validate() throws {
        guard format != .csv else { throw ValidationError("--format is table or json") }
    }

    func run() async throws {
        JobsCommand.checkSchedules()
        let now = Date()
        let (jobs, latest) = try await Environment.withDatabase { database in
            let jobs = JobsCommand.definitions(database)
            let latest = try await database.withConnection { try await JobRunStore.latest(on: $0, logger: Environment.logger) }
            return (jobs.map { ($0.name, $0.schedule, $0.summary) }, latest)
        }
        if format == .json {
            struct Last: Encodable { var scheduledFor, startedAt: Date; var endedAt: Date?; var result: String; var manual: Bool; var instance: String; var summary, error: String? }
            struct Shown: Encodable { var name, schedule, summary: String; var next: Date?; var nextParis: String?; var last: Last? }
            let shown = jobs.map { name, schedule, summary in
                let next = schedule?.next(after: now)
                return Shown(name: name, schedule: schedule?.source ?? "off", summary: summary, next: next, nextParis: next.map(ParisTime.format),
                             last: latest[name].map { Last(scheduledFor: $0.scheduledFor, startedAt: $0.startedAt, endedAt: $0.endedAt, result: $0.state.rawValue,
                                                           manual: $0.manual, instance: $0.instance, summary: $0.summary, error: $0.error) })
            }
            print(try jsonString(shown, dates: .iso8601))
            return
        }
        printTable(header: ["job", "schedule", "next (Europe/Paris)", "last run (Europe/Paris)", "result", "summary or error"], rows: jobs.map { name, schedule, summary in
            let last = latest[name]
            let when = last.map { ParisTime.format($0.startedAt) + ($0.manual ? " (manual)" : "") + " on " + $0.instance } ?? "never"
            let note = last.map { $0.error ?? $0.summary ?? "" } ?? summary
            return [name, schedule?.source ?? "off", schedule?.next(after: now).map(ParisTime.format) ?? "-", when,
                    last?.state.rawValue ?? "-", String(note.prefix(80))]
        })
    }
}

struct JobsRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one job now, recorded as a manual run (not while it runs elsewhere).",
        discussion: "Exit status: 0 the job succeeded, 1 it failed or is running on an instance (its lock is held), 2 no such job."
    )

    @Argument(help: "The job: \(StandardJobs.table.map(\.name).joined(separator: ", ")).")
    var name: String

    func validate() throws {
        guard StandardJobs.table.contains(where: { $0.name == name }) else {
            throw ValidationError("no job \"\(name)\" (the jobs are \(StandardJobs.table.map(\.name).joined(separator: ", ")))")
        }
    }

    func run() async throws {
        JobsCommand.checkSchedules()
        let outcome: Result<(ok: Bool, run: JobRunStore.Run?), JobError> = try await Environment.withDatabase { [name] database in
            guard let job = JobsCommand.definitions(database).first(where: { $0.name == name }) else {
                return .failure(JobError(.unknownJob, "no job \(name)"))
            }
            do {
                return .success(try await JobRunner(database: database, logger: Environment.logger).runNow(job, clock: SystemSchedulerClock()))
            } catch let error as JobError {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let (ok, run)):
            let text = run.map { $0.error ?? $0.summary ?? "" } ?? ""
            print("\(name): \(ok ? "ok" : "failed"): \(text)")
            if !ok { throw ExitCode(1) }
        case .failure(let error):
            FileHandle.standardError.write(Data("fichesync: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
