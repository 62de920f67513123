import Foundation
import Synchronization

/// Faults a fake injects, all deterministic so a failing run repeats:
///
/// - before any work (a failed request changes nothing): a 500 with probability
///   `failureRate` (drawn from `seed`), a 429 with `Retry-After` every `rateLimitEvery`
///   requests, a 503 with `Retry-After` (maintenance: the server says it did not take the
///   request) every `unavailableEvery` requests, the connection closed without an answer
///   once the request was read every `dropBeforeEvery` requests (the client cannot tell it
///   from a drop after the work);
/// - after the work: every `dropAfterEvery`-th change is done and then its connection closed
///   without an answer (the answer is lost, the state changed: a retry meets "already
///   exists"); every `alreadyExistsEvery`-th creation is done and answered with the provider's
///   own "already exists" error (two requests racing); every `slowEvery`-th request is
///   answered `delay` late.
///
/// Counters start at an offset drawn from `seed`, so two seeds fault different requests.
public struct Faults: Sendable {
    public var failureRate: Double
    public var rateLimitEvery: Int
    public var unavailableEvery: Int
    public var slowEvery: Int
    public var delay: Duration
    public var dropBeforeEvery: Int
    public var dropAfterEvery: Int
    public var alreadyExistsEvery: Int
    public var seed: UInt64

    public init(failureRate: Double = 0, rateLimitEvery: Int = 0, unavailableEvery: Int = 0, slowEvery: Int = 0,
                delay: Duration = .milliseconds(200), dropBeforeEvery: Int = 0, dropAfterEvery: Int = 0, alreadyExistsEvery: Int = 0,
                seed: UInt64 = 42) {
        self.failureRate = failureRate
        self.rateLimitEvery = rateLimitEvery
        self.unavailableEvery = unavailableEvery
        self.slowEvery = slowEvery
        self.delay = delay
        self.dropBeforeEvery = dropBeforeEvery
        self.dropAfterEvery = dropAfterEvery
        self.alreadyExistsEvery = alreadyExistsEvery
        self.seed = seed
    }
}

/// How many faults a fake injected, so a test can check its faults really happened.
public struct FaultCounts: Sendable, Equatable {
    public var serverErrors = 0
    public var rateLimits = 0
    public var unavailable = 0
    public var slow = 0
    public var droppedBefore = 0
    public var droppedAfter = 0
    public var alreadyExists = 0
}

/// Draws the faults of a sequence of requests. A fake asks it three things: before the work
/// (`next`), for a creation (`answersAlreadyExists`), and after the work (`deliver`).
public final class FaultInjector: Sendable {
    private struct Draws {
        var faults: Faults
        var rng: UInt64
        var requests = 0
        var answers = 0
        var changes = 0
        var creations = 0
        var counts = FaultCounts()
    }

    private let state: Mutex<Draws>

    init(_ faults: Faults) { state = Mutex(Draws(faults: faults, rng: faults.seed)) }

    func set(_ faults: Faults) { state.withLock { $0 = Draws(faults: faults, rng: faults.seed) } }

    var counts: FaultCounts { state.withLock { $0.counts } }

    /// Whether the `count`-th event is one of every `every`, counted from an offset the seed gives.
    private static func hits(_ count: Int, every: Int, seed: UInt64) -> Bool {
        guard every > 0 else { return false }
        return (count + Int(seed % UInt64(every))) % every == 0
    }

    /// Before the work: the reply that replaces it (a 429, a 503, a 500, a dropped connection), or nil.
    func next() -> FakeReply? {
        state.withLock { s in
            s.requests += 1
            s.rng = s.rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if s.faults.rateLimitEvery > 0 && s.requests % s.faults.rateLimitEvery == 0 {
                s.counts.rateLimits += 1
                return FakeReply(status: .tooManyRequests, json: ["message": "Too many requests"], headers: [("Retry-After", "0.05")])
            }
            if Self.hits(s.requests, every: s.faults.unavailableEvery, seed: s.faults.seed) {
                s.counts.unavailable += 1
                return FakeReply(status: .serviceUnavailable, json: ["message": "Service unavailable"], headers: [("Retry-After", "0.05")])
            }
            if Double((s.rng >> 11) % 10_000) / 10_000 < s.faults.failureRate {
                s.counts.serverErrors += 1
                return FakeReply(status: .internalServerError, json: ["message": "Internal server error"])
            }
            if Self.hits(s.requests, every: s.faults.dropBeforeEvery, seed: s.faults.seed) {
                s.counts.droppedBefore += 1
                return .dropped
            }
            return nil
        }
    }

    /// For a creation about to be done: whether to answer it with "already exists" anyway.
    func answersAlreadyExists() -> Bool {
        state.withLock { s in
            s.creations += 1
            guard Self.hits(s.creations, every: s.faults.alreadyExistsEvery, seed: s.faults.seed) else { return false }
            s.counts.alreadyExists += 1
            return true
        }
    }

    /// After the work: `reply` as it reaches the client, dropped when `changed` and its turn
    /// has come, else late when its turn has come.
    func deliver(_ reply: FakeReply, changed: Bool) -> FakeReply {
        state.withLock { s in
            var reply = reply
            s.answers += 1
            if changed {
                s.changes += 1
                if Self.hits(s.changes, every: s.faults.dropAfterEvery, seed: s.faults.seed) {
                    s.counts.droppedAfter += 1
                    reply.delivery = .dropped
                    return reply
                }
            }
            if Self.hits(s.answers, every: s.faults.slowEvery, seed: s.faults.seed) {
                s.counts.slow += 1
                reply.delivery = .late(s.faults.delay)
            }
            return reply
        }
    }
}
