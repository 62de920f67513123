import FicheSync
import Foundation
import Logging
import PostgresNIO
import Providers

/// Where observations become rows: the one path both inputs (the polling pass and the
/// webhook handler) take, so they cannot disagree about a PR.
public struct PullRequestWatcher: Sendable {
    public let database: Database
    public let repository: RepositoryName
    /// The bot's fork: a PR first seen from one of its branches is the bot's (recorded
    /// before a crash could lose it), not hand-made.
    public let botFork: RepositoryName?
    /// Called with each transition that changed something, on the transaction that writes
    /// it: what a transition causes (an outbox message, a reminder's schedule) is written with
    /// it or not at all. Throwing rolls the transition back.
    public var onTransition: (@Sendable (PullRequestState.Transition, PostgresConnection) async throws -> Void)?
    let logger: Logger

    public init(database: Database, repository: RepositoryName, botFork: RepositoryName?, logger: Logger) {
        self.database = database
        self.repository = repository
        self.botFork = botFork
        self.logger = logger
    }

    /// Applies `observation` on `connection`, which must be inside a transaction: the PR is
    /// locked from the read to the write, so two inputs seeing the PR at once apply one after
    /// the other. A stale observation writes nothing.
    public func observe(_ observation: PullRequestObservation, on connection: PostgresConnection) async throws -> PullRequestState.Transition {
        let store = PullRequestStore(connection: connection, logger: logger)
        // A row lock cannot cover a PR not yet in the table: two runners seeing it first at
        // once would both call it opened. A transaction-level lock on its name does.
        try await store.lock(repository: repository.description, number: observation.number)
        let current = try await store.find(repository: repository.description, number: observation.number, locking: true)
        let kind = PullRequestKind.inferred(headRepository: observation.headRepository, branch: observation.headBranch,
                                            botFork: botFork?.description)
        let transition = PullRequestState.apply(observation, to: current, repository: repository.description, kind: kind)
        if !transition.stale, transition.pullRequest != current { try await store.save(transition.pullRequest) }
        if !transition.changes.isEmpty, let onTransition { try await onTransition(transition, connection) }
        if !transition.changes.isEmpty {
            logger.info("pull request observed", metadata: [
                "number": "\(observation.number)", "changes": "\(transition.changes.map(\.description).joined(separator: "; "))",
            ])
        }
        return transition
    }

    /// Applies `observation` in a transaction of its own.
    public func observe(_ observation: PullRequestObservation) async throws -> PullRequestState.Transition {
        try await database.transaction { try await observe(observation, on: $0) }
    }
}
