import Accounts
import AsyncHTTPClient
import FicheSync
import Logging
import PostgresNIO
import Providers
import Sandbox

/// The account rules of a run: the configured providers' domain and team, the settings'
/// protected accounts. One answer for `reconcile`, its scheduled jobs, `watch` and the
/// accounts a merge reconciles, so the member page explains what the planner does.
public enum AccountRules {
    /// - Parameter configuration: the providers a run talks to; `nil` where none is needed
    ///   (the member page), then the settings' own `SECRETARIAT_DOMAIN` and `GITHUB_TEAM`.
    public static func make(_ settings: FicheSyncSettings, configuration: ProviderConfiguration? = nil, maxDeletions: Int? = nil,
                            mailingLists: Bool = false) -> AccountSettings {
        var rules = AccountSettings(domain: configuration?.domain ?? settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr",
                                    githubTeam: configuration.map(\.githubTeam) ?? settings.value("GITHUB_TEAM"),
                                    maxDeletions: maxDeletions, mailingLists: mailingLists)
        rules.protectedAccounts = settings.protectedAccounts
        return rules
    }
}

/// The providers a run talks to: those the environment configures, or the sandbox's fakes when
/// it configures none.
public struct ReconcileProviders: Sendable {
    public private(set) var configuration: ProviderConfiguration
    public private(set) var reconciler: Reconciler
    public var isSandbox: Bool { configuration.isEmpty || sandbox != nil }
    private var sandbox: FakeSandbox?
    private var store: SandboxStore?

    public init(_ configuration: ProviderConfiguration) {
        self.configuration = configuration
        reconciler = configuration.reconciler(http: HTTPClient.shared)
    }

    /// Starts the fakes on loopback, as `fichesync sandbox` serves them, with the state the
    /// last sandbox run left, and talks to them through the same configuration as real
    /// providers: their `export` lines. Unless `recording` is off (a dry run changes nothing),
    /// every change of the fakes is saved before they answer, so a killed run leaves the
    /// sandbox as the fakes had answered it.
    public mutating func startSandbox(connection: PostgresConnection, recording: Bool, logger: Logger) async throws {
        let store = SandboxStore(connection: connection, logger: logger)
        // Two runs recording at once would fold each other's changes away; the second could
        // not take the run lock anyway.
        if recording, !(try await store.lock()) { throw AccountApplier.RunInProgress() }
        let sandbox = try await FakeSandbox.start(domain: configuration.domain)
        do {
            for warning in try await store.restore(sandbox) {
                logger.warning("sandbox: \(warning)")
            }
            configuration = try ProviderConfiguration(environment: Dictionary(uniqueKeysWithValues: sandbox.exports.map { ($0.name, $0.value) }))
        } catch {
            try? await sandbox.stop()
            if recording { try? await store.unlock() }
            throw error
        }
        if recording { store.record(sandbox) }
        reconciler = configuration.reconciler(http: HTTPClient.shared)
        self.sandbox = sandbox
        self.store = recording ? store : nil
    }

    /// Runs `body` with the reconciler: the configured providers', or the sandbox's fakes
    /// started for it (on `connection`) and stopped after it, whatever happens.
    public func withReconciler<T: Sendable>(connection: PostgresConnection, recording: Bool, logger: Logger,
                                            _ body: (Reconciler) async throws -> T) async throws -> T {
        var providers = self
        if providers.isSandbox { try await providers.startSandbox(connection: connection, recording: recording, logger: logger) }
        do {
            let result = try await body(providers.reconciler)
            try await providers.stopSandbox()
            return result
        } catch {
            try? await providers.stopSandbox()
            throw error
        }
    }

    /// Stops the fakes; after a recording run, folds the changes into the saved state.
    public func stopSandbox() async throws {
        guard let sandbox else { return }
        try await sandbox.stop()
        guard let store else { return }
        for (_, fake) in sandbox.fakes { try await fake.stopRecording() }
        try await store.fold(sandbox)
        try await store.unlock()
    }
}
