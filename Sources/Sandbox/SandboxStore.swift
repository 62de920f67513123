import Foundation
import Logging
import PostgresNIO

/// Where the sandbox's fakes keep their state between runs: `sandbox_state` holds each fake's
/// state as last folded, `sandbox_changes` what changed since, written as the fakes change.
///
/// Saving the whole state after each change would cost its size per request (≈12 ms to encode
/// and 15 ms to write the OVH fake's 400 kB at 3,500 members, debug build); a change costs a
/// few hundred bytes, written once for all the requests that arrived together.
public struct SandboxStore: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Loads each fake's saved state and replays the changes saved after it. Returns what
    /// could not be read: only the sandbox's play accounts are at stake, so the caller says so
    /// and goes on.
    public func restore(_ sandbox: FakeSandbox) async throws -> [String] {
        let fakes = Dictionary(uniqueKeysWithValues: sandbox.fakes.map { ($0.name, $0.fake) })
        var warnings: [String] = []
        func warn(_ text: String) { warnings.append(text) }
        var unreadable = Set<String>()
        let saved = try await connection.query("SELECT provider, state::text FROM sandbox_state", logger: logger)
        for try await (provider, state) in saved.decode((String, String).self) {
            do {
                try fakes[provider]?.restoreState(Data(state.utf8))
            } catch {
                unreadable.insert(provider)
                warn("the saved \(provider) state was written by another fichesync version and cannot be read; the fake \(provider) starts empty")
            }
        }
        var changes: [String: [FakeStateChange]] = [:]
        let rows = try await connection.query("SELECT provider, changes::text FROM sandbox_changes ORDER BY id", logger: logger)
        for try await (provider, batch) in rows.decode((String, String).self) {
            changes[provider, default: []] += (try? JSONDecoder().decode([FakeStateChange].self, from: Data(batch.utf8))) ?? []
        }
        for (provider, list) in changes.sorted(by: { $0.key < $1.key }) where !unreadable.contains(provider) {
            do {
                try fakes[provider]?.replay(list)
            } catch {
                warn("the \(provider) changes saved by the last run cannot be applied (\(error)); the fake \(provider) is as the run before left it")
            }
        }
        return warnings
    }

    /// Records every change of the fakes from now on, each before the fake answers.
    public func record(_ sandbox: FakeSandbox) {
        for (provider, fake) in sandbox.fakes {
            fake.record { [connection, logger] changes in
                let json = String(decoding: try JSONEncoder().encode(changes), as: UTF8.self)
                try await connection.query("INSERT INTO sandbox_changes (provider, changes) VALUES (\(provider), \(json)::jsonb)",
                                           logger: logger)
            }
        }
    }

    /// Lock id of a recording sandbox session ("fichsbox").
    static let lockKey: Int64 = 0x6669_6368_7362_6f78

    /// Takes the sandbox lock for this session, or returns false if another run holds it.
    public func lock() async throws -> Bool {
        for try await locked in try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockKey))", logger: logger).decode(Bool.self) {
            return locked
        }
        return false
    }

    public func unlock() async throws {
        try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
    }

    /// Writes each fake's whole state and drops the changes it includes, in one transaction:
    /// a run killed meanwhile leaves either the old state and its changes or the new state.
    /// Call when no change is being recorded.
    public func fold(_ sandbox: FakeSandbox) async throws {
        let states = try sandbox.fakes.map { ($0.name, String(decoding: try $0.fake.savedState(), as: UTF8.self)) }
        try await connection.query("BEGIN", logger: logger)
        do {
            for (provider, json) in states {
                try await connection.query("""
                    INSERT INTO sandbox_state (provider, state) VALUES (\(provider), \(json)::jsonb)
                    ON CONFLICT (provider) DO UPDATE SET state = excluded.state, updated_at = now()
                    """, logger: logger)
            }
            try await connection.query("DELETE FROM sandbox_changes", logger: logger)
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
