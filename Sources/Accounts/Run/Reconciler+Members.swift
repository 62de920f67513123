import FicheSync
import Logging
import PostgresNIO

extension Reconciler {
    /// A reconcile narrowed to `ids` (what a merge changed), one narrowed run per member as
    /// `fichesync reconcile --member` does, on one connection (the journal's run lock is a
    /// session's). Ids no synced fiche has are skipped: a merged PR that removed a fiche has
    /// nobody left to reconcile narrowly, and the scheduled full reconcile handles removals.
    /// Returns the outcome of each member reconciled.
    public func run(memberIDs ids: [String], settings: AccountSettings, today: FicheDate,
                    connection: PostgresConnection, logger: Logger) async throws -> [String: Outcome] {
        let members = try await MemberRecord.load(from: connection, logger: logger)
        let known = Set(members.map(\.id))
        let journal = OperationJournal(connection: connection, logger: logger)
        var outcomes: [String: Outcome] = [:]
        for id in Set(ids).sorted() where known.contains(id) {
            outcomes[id] = try await run(members: members, settings: settings, today: today, journal: journal, member: id, dryRun: false)
        }
        return outcomes
    }
}
