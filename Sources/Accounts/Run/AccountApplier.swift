/// Executes a plan through the journal: every operation recorded before it runs and marked
/// after; one failure never stops the run; a killed run is resumed by the next one.
///
/// Resuming redoes what a dead run left running; the providers answer "already exists" or
/// "already gone" to what was done. Operations whose effect no provider shows
/// (`AccountOperation.isObservable`) are settled by `Reconciler` before it applies.
public struct AccountApplier: Sendable {
    public struct Report: Sendable, Equatable {
        public var done = 0
        public var failed: [OperationJournal.Entry] = []
    }

    /// The plan would remove more than allowed on some provider.
    public struct LimitExceeded: Error, Sendable, CustomStringConvertible {
        public var limits: [AccountPlan.ExceededLimit]
        public var description: String {
            limits.map { "\($0.provider.rawValue): \($0.removals) removals or suspensions planned, more than the limit of \($0.limit) (\($0.accounts) accounts); nothing was applied — check the plan, then allow it with --max-deletions \($0.removals)" }
                .joined(separator: "\n")
        }
    }

    public struct RunInProgress: Error, Sendable, CustomStringConvertible {
        public init() {}
        public var description: String { "another reconcile run is in progress; nothing was applied" }
    }

    let journal: OperationJournal
    /// Does one operation on its provider. It gets the journal entry, not just the
    /// operation, so that what it records besides (an invitation sent) can be written in
    /// the same statement as the entry's completion.
    let perform: @Sendable (OperationJournal.Entry) async throws -> Void
    /// How many operations run at once on each provider. GitHub asks integrations not to
    /// send it concurrent requests (its secondary rate limits); OVH and Mattermost take a
    /// few at a time, which a first convergence of thousands of accounts needs.
    public var concurrency = Self.defaultConcurrency
    public static let defaultConcurrency: [AccountOperation.Provider: Int] = [.ovh: 4, .mattermost: 4, .github: 1]
    /// Counts what is done as it is done, for a report if the run is interrupted.
    public var progress: ApplyProgress?

    public init(journal: OperationJournal, perform: @escaping @Sendable (OperationJournal.Entry) async throws -> Void) {
        self.journal = journal
        self.perform = perform
    }

    /// - Parameter scope: what the plan covers (a narrowed run leaves the rest alone).
    public func apply(_ plan: AccountPlan, scope: OperationJournal.Scope = .everything) async throws -> Report {
        guard plan.exceededLimits.isEmpty else { throw LimitExceeded(limits: plan.exceededLimits) }
        guard try await journal.tryLockRun() else { throw RunInProgress() }
        do {
            try await journal.resumeInterrupted()
            try await journal.record(plan, scope: scope)
            try await journal.requeueFailed(scope: scope)
            progress?.started(planned: try await journal.pendingCount())
            var report = Report()
            while true {
                let next = try await journal.pending(limit: 64)
                if next.isEmpty { break }
                for phase in Self.phases(of: next) { report.done += try await run(phase) }
            }
            report.failed = try await journal.failures()
            try await journal.unlockRun()
            return report
        } catch {
            try? await journal.unlockRun()
            throw error
        }
    }

    /// Consecutive operations with the same provider and action. A plan is ordered so that
    /// an operation depends only on earlier actions (the mailbox before the invitation sent
    /// to it, a list before its subscribers), so the operations of one phase are independent.
    static func phases(of entries: [OperationJournal.Entry]) -> [ArraySlice<OperationJournal.Entry>] {
        var phases: [ArraySlice<OperationJournal.Entry>] = []
        var start = entries.startIndex
        for index in entries.indices.dropFirst()
        where (entries[index].operation.provider, entries[index].operation.action) != (entries[start].operation.provider, entries[start].operation.action) {
            phases.append(entries[start..<index])
            start = index
        }
        if start < entries.endIndex { phases.append(entries[start...]) }
        return phases
    }

    /// Runs one phase, at most the provider's concurrency at a time; returns how many succeeded.
    private func run(_ phase: ArraySlice<OperationJournal.Entry>) async throws -> Int {
        guard let provider = phase.first?.operation.provider else { return 0 }
        let width = max(1, concurrency[provider] ?? 1)
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            var waiting = phase
            var done = 0
            for _ in 0..<width {
                guard let entry = waiting.popFirst() else { break }
                group.addTask { try await execute(entry) }
            }
            while let succeeded = try await group.next() {
                if succeeded { done += 1 }
                if let entry = waiting.popFirst() { group.addTask { try await execute(entry) } }
            }
            return done
        }
    }

    /// Takes, runs and marks one operation; false when it failed (journaled for the next run)
    /// or another run took it. Stopping (shutdown, Ctrl-C) leaves what was under way
    /// "running" in the journal and the rest pending: the next run resumes them.
    private func execute(_ entry: OperationJournal.Entry) async throws -> Bool {
        try Task.checkCancellation()
        guard let entry = try await journal.start(entry) else { return false }
        do {
            try await perform(entry)
        } catch {
            if Task.isCancelled { throw error }
            try await journal.fail(entry, error: String(describing: error))
            AccountMetrics.operation(entry.operation, result: "failed")
            progress?.finished(succeeded: false)
            return false
        }
        try await journal.succeed(entry)
        AccountMetrics.operation(entry.operation, result: "done")
        progress?.finished(succeeded: true)
        return true
    }
}
