import FicheSync
import Logging
import PostgresNIO

/// What `/metrics` counts at each scrape: two small aggregate queries.
struct ServiceCounts: Sendable, Equatable {
    static let pullRequestStates = ["open", "merged", "closed"]
    var pullRequests: [String: Int] = [:]
    var outboxPending = 0

    static func read(from database: Database) async throws -> ServiceCounts {
        var counts = ServiceCounts()
        let logger = database.logger
        let states = try await database.client.query("SELECT state, count(*)::int8 FROM pull_requests GROUP BY state", logger: logger)
        for try await (state, count) in states.decode((String, Int64).self) { counts.pullRequests[state] = Int(count) }
        let pending = try await database.client.query("SELECT count(*)::int8 FROM outbox WHERE sent_at IS NULL", logger: logger)
        for try await count in pending.decode(Int64.self) { counts.outboxPending = Int(count) }
        return counts
    }
}
