import Logging
import PostgresNIO

extension OperationJournal {
    /// What re-arming one journal operation found.
    public enum Rearm: Sendable, Equatable {
        /// It was failed: its attempts are reset, so the next reconcile's `requeueFailed`
        /// takes it again (if that run's plan still wants it; else it is superseded).
        case rearmed
        /// It is not failed (pending, running, done or superseded): nothing changed.
        case notFailed(status: String)
        case unknown
    }

    /// An operator's retry of a failed operation, most often one that reached the attempt
    /// limit and waits for a human: it stays `failed` with its attempts back to 0, so the
    /// same path as every retry (`requeueFailed` at the next run) picks it up — never run
    /// from here, outside a reconcile's lock and limits.
    public func rearm(_ id: Int64) async throws -> Rearm {
        let updated = try await connection.query("""
            UPDATE account_operations SET attempts = 0, updated_at = now()
            WHERE id = \(id) AND status = 'failed' RETURNING id
            """, logger: logger)
        for try await _ in updated.decode(Int64.self) { return .rearmed }
        let rows = try await connection.query("SELECT status FROM account_operations WHERE id = \(id)", logger: logger)
        for try await status in rows.decode(String.self) { return .notFailed(status: status) }
        return .unknown
    }
}
