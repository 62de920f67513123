import Configuration
import Foundation

/// fichesync's jobs, adapted from the replaced system's crons (LIFECYCLE.md): one table of
/// names, default schedules (Europe/Paris) and one-line summaries.
///
/// Why these schedules:
/// - `sync` every 4 minutes, `reconcile` 2 minutes after each sync (`2-59/4`): the
///   replaced system's 4-minute passes, with the reconcile reading what the sync just wrote
///   rather than racing it, and the two never on the same minute of the 2 cores;
/// - `prs-tick` every 4 minutes, on the minute after the sync (`1-59/4`);
/// - `outbox` every minute: a message waits at most a minute (and its backoff);
/// - `member-notices` at 08:00 and 10:00: the replaced system sent J+1/J+30 at 08:00 and the
///   contract-ending notices at 10:00; here each notice is due from its day until recorded,
///   so the 08:00 run sends the day's notices and the 10:00 run is the second chance when no
///   instance ran at 08:00 (the ledger makes a second sending impossible);
/// - `mailing-lists` weekly, Monday 06:00: one OVH request per `set-` list.
///
/// The actions are given by the wiring layer (the CLI, later the server), which knows the
/// providers; a job without one is registered, and running it is a recorded error saying it
/// is not available yet.
public enum StandardJobs {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var schedule: String
        public var summary: String
    }

    public static let table: [Entry] = [
        Entry(name: "sync", schedule: "*/4 * * * *", summary: "fetch the content repository and sync the fiches incrementally"),
        Entry(name: "reconcile", schedule: "2-59/4 * * * *", summary: "converge OVH, Mattermost and GitHub accounts to the synced fiches (2 min after each sync)"),
        Entry(name: "prs-tick", schedule: "1-59/4 * * * *", summary: "poll the open pull requests, decide their reminders"),
        Entry(name: "outbox", schedule: "* * * * *", summary: "deliver the due messages (email, Mattermost)"),
        Entry(name: "member-notices", schedule: "0 8,10 * * *", summary: "contract-ending notices (D-30, D-15, D-2), departure J+1 and J+30"),
        Entry(name: "mailing-lists", schedule: "0 6 * * mon", summary: "converge the set-<startup> mailing lists (weekly)"),
    ]

    /// The jobs, each with the schedule `FICHESYNC_JOB_<NAME>` gives in `environment` (a
    /// cron expression, or `off`) or its default, and its action from `actions` (a job
    /// missing there runs as "not available yet").
    public static func definitions(environment: [String: String], actions: [String: JobAction]) throws(JobConfigurationError) -> [JobDefinition] {
        let overrides = overrides(environment)
        var jobs: [JobDefinition] = []
        for entry in table {
            let variable = JobDefinition.variable(for: entry.name)
            let text = overrides[entry.name] ?? entry.schedule
            let schedule: CronExpression?
            if text.trimmingCharacters(in: .whitespaces).lowercased() == "off" {
                schedule = nil
            } else {
                do {
                    schedule = try CronExpression(text)
                } catch {
                    throw JobConfigurationError(code: .invalidSchedule, variable: variable, cron: error)
                }
            }
            let name = entry.name
            let action: JobAction = actions[name] ?? { _ in
                throw JobError.notAvailable(name, "no implementation is wired for this job in this version of fichesync")
            }
            jobs.append(JobDefinition(name: name, schedule: schedule, summary: entry.summary, action: action))
        }
        return jobs
    }

    /// `FICHESYNC_JOB_<NAME>` values set (and not empty), by job name, read through
    /// swift-configuration as every other setting is.
    static func overrides(_ environment: [String: String]) -> [String: String] {
        let reader = ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment))
        var found: [String: String] = [:]
        for entry in table {
            let key = ConfigKey(JobDefinition.variable(for: entry.name).lowercased().split(separator: "_").map(String.init))
            if let value = reader.string(forKey: key), !value.trimmingCharacters(in: .whitespaces).isEmpty {
                found[entry.name] = value
            }
        }
        return found
    }
}
