import Accounts
import FicheSync
import Logging
import PRBot
import PostgresNIO

/// What merging a fiche pull request would do to accounts, for its preview comment: a
/// dry-run reconcile narrowed to each member the pull request touches, with their fiches as
/// the head has them, against today's accounts (the configured providers, or the reconcile
/// sandbox's). PRBot asks for it as a closure, so it never depends on Accounts.
public enum MergePreviewPlanner {
    /// - Parameter settings: the environment's, as `fichesync reconcile` reads them.
    public static func make(settings: FicheSyncSettings, connection: PostgresConnection, today: FicheDate,
                            logger: Logger) async throws -> PullRequestChecks.Planner {
        let configuration = try ProviderConfiguration(environment: settings.environment)
        let known = try await MemberRecord.load(from: connection, logger: logger)
        let rules = AccountRules.make(settings, configuration: configuration)
        return { head, members in
            var records = Dictionary(known.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for author in head.authors where members.contains(author.id) { records[author.id] = MemberRecord(author: author) }
            let journal = OperationJournal(connection: connection, logger: logger)
            return try await ReconcileProviders(configuration).withReconciler(connection: connection, recording: false, logger: logger) { reconciler in
                var operations: [PreviewOperation] = []
                for member in members.sorted() {
                    let outcome = try await reconciler.run(members: Array(records.values), settings: rules, today: today,
                                                           journal: journal, member: member, dryRun: true)
                    operations += outcome.plan.operations.map {
                        PreviewOperation(provider: $0.provider.rawValue, action: $0.action.rawValue, target: $0.target, group: $0.group, member: $0.member)
                    }
                }
                return operations
            }
        }
    }
}
