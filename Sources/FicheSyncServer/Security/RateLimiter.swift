import Foundation
import Synchronization

/// How many submissions one client address may make per window, in memory: the form and
/// the API open pull requests on GitHub, and one script must not fill the repository with
/// them. Per process (several instances each count their own), forgotten on restart; enough
/// for a form people fill by hand.
public final class RateLimiter: Sendable {
    public struct Policy: Sendable, Equatable {
        public var limit: Int
        public var window: TimeInterval

        public init(limit: Int, window: TimeInterval) {
            self.limit = limit
            self.window = window
        }

        /// Ten submissions an hour per address: a team filling fiches together stays far below.
        public static let submissions = Policy(limit: 10, window: 3600)
    }

    public let policy: Policy
    private let seen = Mutex<[String: [Date]]>([:])
    /// Past this many addresses the table is swept of expired entries, so memory stays bounded.
    private static let sweepAbove = 10_000

    public init(_ policy: Policy) {
        self.policy = policy
    }

    /// Counts one attempt by `client` at `now`; `false` once it is over the limit in the window.
    public func allow(_ client: String, now: Date = Date()) -> Bool {
        let policy = self.policy
        return seen.withLock { table in
            let since = now.addingTimeInterval(-policy.window)
            if table.count > Self.sweepAbove {
                table = table.compactMapValues { times in
                    let kept = times.filter { $0 > since }
                    return kept.isEmpty ? nil : kept
                }
            }
            var times = (table[client] ?? []).filter { $0 > since }
            guard times.count < policy.limit else {
                table[client] = times
                return false
            }
            times.append(now)
            table[client] = times
            return true
        }
    }
}
