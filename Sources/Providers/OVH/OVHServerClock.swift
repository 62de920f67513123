import Foundation

/// OVH's clock as fichesync sees it: OVH refuses a signature whose time is more than a few
/// seconds off its own, so the difference is read once from `/auth/time` and added to ours.
/// Shared by the copies of one client's transport, read once per client.
actor OVHServerClock {
    private var offset: Int?

    /// OVH's time now, in Unix seconds, reading the offset with `read` (OVH's time then) the first time.
    func now(reading read: @Sendable () async throws -> Int) async throws -> Int {
        if let offset { return Self.local() + offset }
        let server = try await read()
        let offset = server - Self.local()
        self.offset = offset
        return Self.local() + offset
    }

    static func local() -> Int { Int(Date().timeIntervalSince1970) }
}
