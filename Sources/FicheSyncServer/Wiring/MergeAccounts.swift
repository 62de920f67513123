import Accounts
import AsyncHTTPClient
import FicheSync
import Foundation
import Logging
import PRBot

/// What a merge announced by the webhook sets off in the service: the content source synced
/// again, then the accounts of the members it changed reconciled, narrowed to them as
/// `fichesync watch` does, against the providers the settings configure (in zero-config the
/// in-process sandbox's, whose exports the bot's settings carry). PRBot never depends on
/// Accounts; this wiring joins the two, as the CLI's does.
enum MergeAccounts {
    /// `nil` when the settings configure no provider at all: nothing to reconcile against (the
    /// polling pass still records the merge).
    static func followUp(_ settings: FicheSyncSettings, database: Database, logger: Logger) throws -> MergeFollowUp? {
        let configuration = try ProviderConfiguration(environment: settings.environment)
        guard !configuration.isEmpty else { return nil }
        let reconciler = configuration.reconciler(http: HTTPClient.shared)
        let rules = AccountRules.make(settings, configuration: configuration)
        let cache = RepositoryCache(directory: (settings.home as NSString).appendingPathComponent("repositories"))
        return MergeFollowUp(
            sync: MergeFollowUp.catalogSync(source: settings.fichesRepository, database: database, cache: cache, logger: logger),
            onMerged: { [rules] members in
                let outcomes = try await database.withConnection { connection in
                    try await reconciler.run(memberIDs: members, settings: rules, today: .today(), connection: connection, logger: logger)
                }
                logger.notice("accounts reconciled after a merge", metadata: ["members": "\(outcomes.keys.sorted().joined(separator: ","))"])
            })
    }

    /// The reconcile a merge sets off, narrowed to `members`: the providers `settings`
    /// configure, or the sandbox's as `fichesync reconcile` runs it (its state kept in the
    /// database). The polling pass's follow-up, for the commands and the scheduled tick.
    static func reconcile(_ members: [String], settings: FicheSyncSettings, database: Database, logger: Logger) async throws {
        let configuration = try ProviderConfiguration(environment: settings.environment)
        let rules = AccountRules.make(settings, configuration: configuration)
        try await database.withConnection { connection in
            try await ReconcileProviders(configuration).withReconciler(connection: connection, recording: true, logger: logger) { reconciler in
                _ = try await reconciler.run(memberIDs: members, settings: rules, today: .today(), connection: connection, logger: logger)
            }
        }
    }
}
