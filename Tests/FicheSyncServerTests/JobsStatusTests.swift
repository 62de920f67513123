import Foundation
@testable import Scheduler
import Testing
@testable import FicheSyncServer

/// `/status`'s jobs, from their definitions and latest runs: pure, at a given instant.
@Suite struct JobsStatusTests {
    @Test func eachJobHasItsScheduleLastRunAndNextTickInParisTime() throws {
        // 2026-12-02 05:40 UTC is 06:40 in Paris (winter, +01:00).
        let now = Date(timeIntervalSince1970: 1_796_190_000)
        let daily = JobDefinition(name: "daily", schedule: try CronExpression("0 8 * * *"), summary: "every morning") { _ in "" }
        let off = JobDefinition(name: "off", schedule: nil, summary: "switched off") { _ in "" }
        let run = JobRunStore.Run(job: "daily", scheduledFor: now.addingTimeInterval(-3_600), manual: false,
                                  startedAt: now.addingTimeInterval(-3_600), endedAt: now.addingTimeInterval(-3_590),
                                  state: .failed, summary: nil, error: "boom", instance: "web-1")
        let status = JobsStatus.make(jobs: [daily, off], latest: ["daily": run], now: now)
        #expect(status.jobs.map(\.name) == ["daily", "off"])
        #expect(status.jobs[0].schedule == "0 8 * * *")
        #expect(status.jobs[0].nextRun == "2026-12-02 08:00 +01:00")
        #expect(status.jobs[0].lastRun?.startedAt == "2026-12-02 05:40 +01:00")
        #expect(status.jobs[0].lastRun?.result == "failed")
        #expect(status.jobs[0].lastRun?.seconds == 10)
        #expect(status.jobs[0].lastRun?.error == "boom")
        #expect(status.jobs[1].schedule == "off")
        #expect(status.jobs[1].nextRun == nil)
        #expect(status.jobs[1].lastRun == nil)
    }
}
