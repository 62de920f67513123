import FicheSync
import Foundation
import Logging
import PostgresNIO
import Synchronization
import TestKit
import Testing
@testable import Scheduler

/// What the actions did, by job and tick: the proof that each tick ran once.
final class RunLog: Sendable {
    private let runs = Mutex<[String: [Date: [String]]]>([:])

    func record(_ job: String, _ tick: Date, by instance: String) {
        runs.withLock { $0[job, default: [:]][tick, default: []].append(instance) }
    }

    var all: [String: [Date: [String]]] { runs.withLock { $0 } }
}

/// The runs of the scheduler with a real Postgres: two instances (two pools on one database)
/// racing, errors, crashes, manual runs, cancellation.
@Suite struct JobRunnerTests {
    static let logger = TestDatabase.logger

    /// Every job of the standard table, its action recording which instance ran which tick
    /// (after a few milliseconds, so that the two instances' attempts overlap).
    static func countingJobs(_ log: RunLog, instance: String) throws -> [JobDefinition] {
        var actions: [String: JobAction] = [:]
        for entry in StandardJobs.table {
            actions[entry.name] = { context in
                log.record(context.job, context.scheduledFor, by: instance)
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...4)))
                return "ran \(context.job)"
            }
        }
        return try StandardJobs.definitions(environment: [:], actions: actions)
    }

    /// Ticks of `expression` in (start, end].
    static func ticks(_ expression: String, from start: Date, to end: Date) throws -> [Date] {
        let cron = try CronExpression(expression)
        var ticks: [Date] = []
        var at = start
        while let next = cron.next(after: at), next <= end {
            ticks.append(next)
            at = next
        }
        return ticks
    }

    @Test func twoInstancesRacingOverAnHourRunEveryTickOfEveryJobOnce() async throws {
        let settings = try await TestDatabase.makeSettings()
        try await TestDatabase.with(2, settings: settings) { databases in
            let log = RunLog()
            // Wednesday 10 June 2026, 09:59:30 Paris (summer time): the hour from 10:00 to 10:59.
            let start = utc("2026-06-10T07:59:30Z")
            let end = utc("2026-06-10T08:59:00Z")
            let clock = ManualClock(start)
            let schedulers = try ["a", "b"].enumerated().map { index, name in
                JobScheduler(jobs: try Self.countingJobs(log, instance: name),
                             runner: JobRunner(database: databases[index], instance: name, logger: Self.logger), clock: clock, logger: Self.logger)
            }
            let loops = schedulers.count * StandardJobs.table.count
            let tasks = schedulers.map { scheduler in Task { await scheduler.run() } }
            try await clock.waitUntilSleeping(loops)
            var minute = utc("2026-06-10T08:00:00Z")
            while minute <= end {
                clock.advance(to: minute)
                try await clock.waitUntilSleeping(loops)
                minute += 60
            }
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }

            let ran = log.all
            var total = 0
            for entry in StandardJobs.table {
                let expected = try Self.ticks(entry.schedule, from: start, to: end)
                let byTick = ran[entry.name] ?? [:]
                #expect(byTick.keys.sorted() == expected, "\(entry.name)")
                #expect(byTick.values.allSatisfy { $0.count == 1 }, "\(entry.name): \(byTick.filter { $0.value.count != 1 })")
                let recorded = try await JobRunStore.runs(of: entry.name, on: databases[0].connection, logger: Self.logger)
                #expect(recorded.map(\.scheduledFor) == expected, "\(entry.name)")
                #expect(recorded.allSatisfy { $0.state == .ok && $0.summary == "ran \(entry.name)" && !$0.manual })
                // The row names the instance whose action ran.
                #expect(recorded.allSatisfy { byTick[$0.scheduledFor] == [$0.instance] })
                total += expected.count
            }
            // Both instances won ticks (about half each here): the race was real, not one instance alone.
            let wins = ran.values.flatMap(\.values).flatMap { $0 }.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            #expect(Set(wins.keys) == ["a", "b"], "\(wins)")
            // 15 syncs, 15 reconciles, 15 PR ticks, 60 outbox passes, the 10:00 notices, no mailing lists.
            #expect(total == 15 + 15 + 15 + 60 + 1)
        }
    }

    @Test func aFailingJobIsRecordedAndTheSchedulerGoesOn() async throws {
        try await TestDatabase.with { databases in
            let database = databases[0]
            let attempts = Mutex(0)
            let failing = JobDefinition(name: "flaky", schedule: try CronExpression("* * * * *"), summary: "fails once") { _ in
                let attempt = attempts.withLock { value -> Int in value += 1; return value }
                if attempt == 1 { throw JobError(.partlyFailed, "the provider said no") }
                return "attempt \(attempt)"
            }
            let steady = JobDefinition(name: "steady", schedule: try CronExpression("*/2 * * * *"), summary: "always works") { _ in "fine" }
            let start = utc("2026-06-10T07:59:30Z")
            let clock = ManualClock(start)
            let scheduler = JobScheduler(jobs: [failing, steady], runner: JobRunner(database: database, instance: "a", logger: Self.logger),
                                         clock: clock, logger: Self.logger)
            let task = Task { await scheduler.run() }
            try await clock.waitUntilSleeping(2)
            for minute in 0..<3 {
                clock.advance(to: utc("2026-06-10T08:00:00Z") + Double(minute * 60))
                try await clock.waitUntilSleeping(2)
            }
            task.cancel()
            await task.value
            let flaky = try await JobRunStore.runs(of: "flaky", on: database.connection, logger: Self.logger)
            #expect(flaky.map(\.state) == [.failed, .ok, .ok])
            #expect(flaky.first?.error == "the provider said no")
            #expect(flaky.first?.endedAt != nil)
            #expect(flaky.last?.summary == "attempt 3")
            let steadyRuns = try await JobRunStore.runs(of: "steady", on: database.connection, logger: Self.logger)
            #expect(steadyRuns.map(\.state) == [.ok, .ok])
        }
    }

    /// Claims a tick the way a runner does, on a session of its own that the test can end
    /// as a crash would.
    static func claimOnOwnSession(_ job: String, tick: Date, settings: DatabaseSettings) async throws -> PostgresConnection {
        guard case .url(let url) = settings else { throw ClockTimeout(description: "a URL was expected") }
        let session = try await PostgresConnection.connect(configuration: try DatabaseSettings.configuration(fromURL: url), id: 900, logger: logger)
        try await session.query("SELECT pg_advisory_lock(\(JobLock.key(job)))", logger: logger)
        let id = try await JobRunStore.claim(job: job, scheduledFor: tick, manual: false, now: tick, instance: "crashed-host:1",
                                             on: session, logger: logger)
        #expect(id != nil)
        return session
    }

    @Test func aCrashedClaimIsShownAsSuchAndNeverRunTwice() async throws {
        let settings = try await TestDatabase.makeSettings()
        try await TestDatabase.with(settings: settings) { databases in
            let database = databases[0]
            let ran = Mutex(0)
            let job = JobDefinition(name: "sync", schedule: try CronExpression("*/4 * * * *"), summary: "test") { _ in
                ran.withLock { $0 += 1 }
                return "synced"
            }
            let tick = utc("2026-06-10T08:00:00Z")
            let clock = ManualClock(tick)
            let runner = JobRunner(database: database, instance: "b", logger: Self.logger)
            let session = try await Self.claimOnOwnSession("sync", tick: tick, settings: settings)

            // While its session lives, the claim is a run under way, and holds the job.
            #expect(try await JobRunStore.latest(on: database.connection, logger: Self.logger)["sync"]?.state == .running)
            #expect(try await runner.run(job, scheduledFor: tick, clock: clock) == .busy)
            let manual = await #expect(throws: JobError.self) { try await runner.runNow(job, clock: clock) }
            #expect(manual?.code == .running)
            #expect(manual?.description.contains("on crashed-host:1") == true)

            // The instance dies: its session ends mid-run.
            try await session.close()
            // The server ends the backend (and frees its lock) a moment after the socket closes.
            var crashed = try await JobRunStore.latest(on: database.connection, logger: Self.logger)["sync"]
            var outcome = JobRunner.Outcome.busy
            for _ in 0..<500 where crashed?.state != .crashed || outcome == .busy {
                try await Task.sleep(for: .milliseconds(10))
                crashed = try await JobRunStore.latest(on: database.connection, logger: Self.logger)["sync"]
                if crashed?.state == .crashed { outcome = try await runner.run(job, scheduledFor: tick, clock: clock) }
            }
            #expect(crashed?.state == .crashed)
            #expect(crashed?.endedAt == nil)
            #expect(crashed?.instance == "crashed-host:1")
            // Not run again: the tick is claimed.
            #expect(outcome == .alreadyClaimed)
            #expect(ran.withLock { $0 } == 0)
            // The next tick runs, and its runner records the crash in the table.
            #expect(try await runner.run(job, scheduledFor: tick + 240, clock: clock) == .ran(ok: true))
            let runs = try await JobRunStore.runs(of: "sync", on: database.connection, logger: Self.logger)
            #expect(runs.map(\.state) == [.crashed, .ok])
            #expect(runs.first?.error?.contains("not run again") == true)
            var stored: [String?] = []
            for try await result in try await database.connection.query("SELECT result FROM job_runs ORDER BY scheduled_for", logger: Self.logger)
                .decode(String?.self) { stored.append(result) }
            #expect(stored == ["crashed", "ok"])
            #expect(ran.withLock { $0 } == 1)
        }
    }

    @Test func aLongRunIsNeverJoinedByTheNextTickOnAnotherInstance() async throws {
        let settings = try await TestDatabase.makeSettings()
        try await TestDatabase.with(2, settings: settings) { databases in
            let state = Mutex((running: 0, most: 0, released: false))
            let job = JobDefinition(name: "sync", schedule: try CronExpression("*/4 * * * *"), summary: "long") { _ in
                state.withLock { $0.running += 1; $0.most = max($0.most, $0.running) }
                while !state.withLock({ $0.released }) { try await Task.sleep(for: .milliseconds(2)) }
                state.withLock { $0.running -= 1 }
                return "done"
            }
            let tick = utc("2026-06-10T08:00:00Z")
            let clock = ManualClock(tick)
            let a = JobRunner(database: databases[0], instance: "a", logger: Self.logger)
            let b = JobRunner(database: databases[1], instance: "b", logger: Self.logger)
            let long = Task { try await a.run(job, scheduledFor: tick, clock: clock) }
            while state.withLock({ $0.running }) == 0 { try await Task.sleep(for: .milliseconds(1)) }
            // The next tick comes while the first run goes on: the other instance leaves it.
            #expect(try await b.run(job, scheduledFor: tick + 240, clock: clock) == .busy)
            #expect(try await JobRunStore.latest(on: databases[1].connection, logger: Self.logger)["sync"]?.state == .running)
            state.withLock { $0.released = true }
            #expect(try await long.value == .ran(ok: true))
            #expect(state.withLock { $0.most } == 1)
            // Once the lock is free, a later tick runs there.
            #expect(try await b.run(job, scheduledFor: tick + 480, clock: clock) == .ran(ok: true))
            let runs = try await JobRunStore.runs(of: "sync", on: databases[0].connection, logger: Self.logger)
            #expect(runs.map { "\($0.instance) \($0.state.rawValue)" } == ["a ok", "b ok"])
        }
    }

    @Test func aManualRunIsRecordedAsManual() async throws {
        try await TestDatabase.with { databases in
            let database = databases[0]
            let job = JobDefinition(name: "outbox", schedule: nil, summary: "test") { context in "manual=\(context.manual)" }
            let clock = ManualClock(utc("2026-06-10T08:00:17Z"))
            let (ok, run) = try await JobRunner(database: database, instance: "cli", logger: Self.logger).runNow(job, clock: clock)
            #expect(ok)
            #expect(run?.manual == true)
            #expect(run?.state == .ok)
            #expect(run?.summary == "manual=true")
            #expect(run?.scheduledFor == utc("2026-06-10T08:00:17Z"))
        }
    }

    @Test func runsOlderThanThirtyDaysAreDropped() async throws {
        try await TestDatabase.with { databases in
            let database = databases[0]
            let job = JobDefinition(name: "outbox", schedule: try CronExpression("* * * * *"), summary: "test") { _ in "ok" }
            let runner = JobRunner(database: database, instance: "a", logger: Self.logger)
            let now = utc("2026-06-10T08:00:00Z")
            for days in [31.0, 29.0] {
                let tick = now - days * 86_400
                #expect(try await runner.run(job, scheduledFor: tick, clock: ManualClock(tick)) == .ran(ok: true))
            }
            #expect(try await runner.run(job, scheduledFor: now, clock: ManualClock(now)) == .ran(ok: true))
            let kept = try await JobRunStore.runs(of: "outbox", on: database.connection, logger: Self.logger).map(\.scheduledFor)
            #expect(kept == [now - 29 * 86_400, now])
        }
    }

    @Test func cancellingEndsTheLoopAfterTheRunUnderWay() async throws {
        try await TestDatabase.with { databases in
            let database = databases[0]
            let started = Mutex(false)
            let job = JobDefinition(name: "slow", schedule: try CronExpression("* * * * *"), summary: "takes a while") { _ in
                started.withLock { $0 = true }
                // Real time, long enough for the cancellation to arrive in the middle.
                try await Task.sleep(for: .milliseconds(300))
                return "finished"
            }
            let clock = ManualClock(utc("2026-06-10T07:59:30Z"))
            let scheduler = JobScheduler(jobs: [job], runner: JobRunner(database: database, instance: "a", logger: Self.logger),
                                         clock: clock, logger: Self.logger)
            let task = Task { await scheduler.run() }
            try await clock.waitUntilSleeping(1)
            clock.advance(to: utc("2026-06-10T08:00:00Z"))
            while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
            task.cancel()
            await task.value
            // The run was finished and recorded, and the loop did not go back to sleep.
            let runs = try await JobRunStore.runs(of: "slow", on: database.connection, logger: Self.logger)
            #expect(runs.map(\.state) == [.ok])
            #expect(runs.first?.summary == "finished")
            #expect(clock.sleeping == 0)
        }
    }
}
