import Foundation
import PostgresNIO
import Testing
import TestKit
@testable import FicheSync

/// `Database` is a pool: work that needs a session of its own gets one, side by side with
/// others (what `serve` needs for requests and jobs at once).
@Suite struct DatabasePoolTests {
    /// Waits until `count` parties have arrived, then lets them all go.
    actor Rendezvous {
        let count: Int
        private var arrived: [Int32] = []
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(count: Int) { self.count = count }

        func arrive(_ pid: Int32) async -> [Int32] {
            arrived.append(pid)
            if arrived.count == count {
                waiting.forEach { $0.resume() }
                waiting = []
            } else {
                await withCheckedContinuation { waiting.append($0) }
            }
            return arrived
        }
    }

    /// Three leases held at the same time, each on its own server session. With one shared
    /// connection, the second lease would wait for the first forever (the time limit fails it).
    @Test(.timeLimit(.minutes(1))) func leasesRunSideBySideOnTheirOwnSessions() async throws {
        try await TestDatabase.with { databases in
            let database = databases[0]
            let rendezvous = Rendezvous(count: 3)
            let seen = try await withThrowingTaskGroup(of: [Int32].self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await database.withConnection { connection in
                            var pid: Int32 = 0
                            for try await value in try await connection.query("SELECT pg_backend_pid()", logger: TestDatabase.logger).decode(Int32.self) {
                                pid = value
                            }
                            // Still holding the lease: wait for the others to hold theirs.
                            return await rendezvous.arrive(pid)
                        }
                    }
                }
                var all: [[Int32]] = []
                for try await pids in group { all.append(pids) }
                return all
            }
            #expect(seen.count == 3)
            #expect(Set(seen.flatMap { $0 }).count == 3, "three distinct sessions: \(seen)")
        }
    }

    /// A transaction's error comes out as thrown, not wrapped, and nothing of it stays.
    @Test func aFailedTransactionRollsBackAndRethrows() async throws {
        struct Boom: Error {}
        try await TestDatabase.with { databases in
            let database = databases[0]
            await #expect(throws: Boom.self) {
                try await database.transaction { connection in
                    try await connection.query("CREATE TABLE pool_probe (x int)", logger: TestDatabase.logger)
                    throw Boom()
                }
            }
            var exists = true
            for try await value in try await database.client.query("SELECT to_regclass('pool_probe') IS NOT NULL", logger: TestDatabase.logger).decode(Bool.self) {
                exists = value
            }
            #expect(!exists)
        }
    }
}
