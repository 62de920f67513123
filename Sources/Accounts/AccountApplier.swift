/// Executes a plan through the journal: every operation recorded before it runs and marked
/// after; one failure never stops the run; a killed run is resumed by the next one.
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
        public var description: String { "another reconcile run is in progress; nothing was applied" }
    }

    let journal: OperationJournal
    let perform: @Sendable (AccountOperation) async throws -> Void

    public init(journal: OperationJournal, perform: @escaping @Sendable (AccountOperation) async throws -> Void) {
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
            var report = Report()
            while true {
                let batch = try await journal.claim(limit: 16)
                if batch.isEmpty { break }
                for entry in batch {
                    // Stopping (shutdown, Ctrl-C) leaves the rest running in the journal:
                    // the next run resumes them.
                    try Task.checkCancellation()
                    do {
                        try await perform(entry.operation)
                        try await journal.succeed(entry)
                        report.done += 1
                    } catch {
                        try await journal.fail(entry, error: String(describing: error))
                    }
                }
            }
            report.failed = try await journal.failures()
            try await journal.unlockRun()
            return report
        } catch {
            try? await journal.unlockRun()
            throw error
        }
    }
}
