import Foundation
import Logging
import Testing
@testable import Scheduler

@Suite struct StandardJobsTests {
    @Test func theDefaultJobsAndTheirSchedules() throws {
        let jobs = try StandardJobs.definitions(environment: [:], actions: [:])
        #expect(jobs.map(\.name) == ["sync", "reconcile", "prs-tick", "outbox", "member-notices", "mailing-lists"])
        #expect(jobs.map { $0.schedule?.source ?? "off" } == ["*/4 * * * *", "2-59/4 * * * *", "1-59/4 * * * *", "* * * * *", "0 8,10 * * *", "0 6 * * mon"])
        #expect(jobs.allSatisfy { !$0.summary.isEmpty })
    }

    @Test func theEnvironmentOverridesAScheduleOrSwitchesAJobOff() throws {
        let jobs = try StandardJobs.definitions(environment: ["FICHESYNC_JOB_MEMBER_NOTICES": "15 9 * * mon-fri", "FICHESYNC_JOB_OUTBOX": " OFF ",
                                                              "FICHESYNC_JOB_SYNC": ""], actions: [:])
        let byName = Dictionary(uniqueKeysWithValues: jobs.map { ($0.name, $0) })
        #expect(byName["member-notices"]?.schedule?.source == "15 9 * * mon-fri")
        #expect(byName["outbox"].map { $0.schedule == nil } == true)
        // Empty is unset: the default stays.
        #expect(byName["sync"]?.schedule?.source == "*/4 * * * *")
    }

    @Test func aBadExpressionNamesTheVariableAndTheColumn() {
        let error = #expect(throws: JobConfigurationError.self) {
            try StandardJobs.definitions(environment: ["FICHESYNC_JOB_PRS_TICK": "*/4 24 * * *"], actions: [:])
        }
        #expect(error?.variable == "FICHESYNC_JOB_PRS_TICK")
        #expect(error?.cron.column == 5)
        #expect(error?.description == "FICHESYNC_JOB_PRS_TICK: column 5: hour 24 is out of range 0–23 (a 5-field cron expression in Europe/Paris time, or `off`)")
    }

    @Test func aJobWithoutAnImplementationSaysSoAsAnError() async throws {
        let jobs = try StandardJobs.definitions(environment: [:], actions: ["sync": { _ in "synced" }])
        let context = JobContext(job: "prs-tick", scheduledFor: Date(), now: Date(), manual: true, logger: Logger(label: "test"))
        let sync = try #require(jobs.first { $0.name == "sync" })
        #expect(try await sync.action(context) == "synced")
        let prs = try #require(jobs.first { $0.name == "prs-tick" })
        let error = await #expect(throws: JobError.self) { try await prs.action(context) }
        #expect(error?.code == .notAvailable)
        #expect(error?.description.hasPrefix("prs-tick is not available yet") == true)
    }

    @Test func variablesAreTheUpperCasedNames() {
        #expect(JobDefinition.variable(for: "member-notices") == "FICHESYNC_JOB_MEMBER_NOTICES")
        #expect(JobDefinition.variable(for: "sync") == "FICHESYNC_JOB_SYNC")
    }

    @Test func lockKeysAreStableAndDistinct() {
        let keys = StandardJobs.table.map { JobLock.key($0.name) }
        #expect(Set(keys).count == keys.count)
        #expect(JobLock.key("sync") == JobLock.key("sync"))
    }
}
