import Foundation
import Synchronization

/// A fake's state behind a lock: a reference, so the protocol below can hand it out.
public final class FakeState<Value: RecordedFakeState>: Sendable {
    private let mutex: Mutex<Value>
    /// Set while the fake's changes are saved as they happen (the sandbox of `reconcile`).
    let recorder = Mutex<FakeStateRecorder<Value>?>(nil)

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout sending Value) -> sending Result) -> sending Result {
        mutex.withLock(body)
    }
}

/// The HTTP server a fake runs on when it has one of its own (not mounted on the sandbox's).
public final class FakeListener: Sendable {
    let server = Mutex<FakeHTTPServer?>(nil)
    init() {}
}

/// What the three fakes share: their state (saved as JSON between sandbox runs) and the
/// server they may run on.
public protocol FakeProvider: AnyObject, Sendable {
    associatedtype State: RecordedFakeState
    var state: FakeState<State> { get }
    var listener: FakeListener { get }
    /// The faults it injects (none by default).
    var faults: FaultInjector { get }
    func handle(_ request: FakeRequest) -> FakeReply
}

extension FakeProvider {
    public var snapshot: State { state.withLock { $0 } }

    /// The fake's accounts as JSON, so the sandbox keeps them between runs (in the database).
    public func savedState() throws -> Data { try JSONEncoder().encode(snapshot) }

    /// Restores a saved state over the current one, key by key: a state saved by an older
    /// fake (without the keys a newer one added) still loads, the new keys keeping their value.
    public func restoreState(_ data: Data) throws {
        guard let saved = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            let restored = try JSONDecoder().decode(State.self, from: data)
            state.withLock { $0 = restored }
            return
        }
        var merged = try JSONSerialization.jsonObject(with: try savedState()) as? [String: Any] ?? [:]
        merged.merge(saved) { _, new in new }
        let restored = try JSONDecoder().decode(State.self, from: try JSONSerialization.data(withJSONObject: merged))
        state.withLock { $0 = restored }
    }

    /// From now on, every change of the fake goes to `sink` before the answer that follows it
    /// leaves (`answer`): what a killed process had answered is saved.
    public func record(to sink: @escaping FakeStateSink) {
        let state = self.state
        let recorder = FakeStateRecorder(saved: snapshot, current: { state.withLock { $0 } }, sink: sink)
        state.recorder.withLock { $0 = recorder }
    }

    /// Stops recording, once the changes made so far are saved.
    public func stopRecording() async throws {
        let recorder = state.recorder.withLock { recorder in
            defer { recorder = nil }
            return recorder
        }
        try await recorder?.durable()
    }

    /// Applies changes saved since the state was (`restoreState`), in order.
    public func replay(_ changes: [FakeStateChange]) throws {
        var replayed = snapshot
        try replayed.apply(changes)
        state.withLock { $0 = replayed }
    }

    /// The fake's answer as its servers send it: `handle`, then, when its changes are
    /// recorded, a wait for them to be saved before the answer leaves.
    public func answer(_ request: FakeRequest) -> FakeReply {
        let reply = handle(request)
        guard let recorder = state.recorder.withLock({ $0 }) else { return reply }
        return reply.then { reply in
            var saved = reply
            saved.saving = { try await recorder.durable() }
            return saved
        }
    }

    public func setFaults(_ new: Faults) { faults.set(new) }

    /// The faults injected so far.
    public var injectedFaults: FaultCounts { faults.counts }

    /// The port of the fake's own server (0 when it has none).
    public var port: Int { listener.server.withLock { $0?.port ?? 0 } }

    /// Starts a server of its own on a free loopback port.
    /// - Parameter port: 0 for a free one.
    func serve(port: Int = 0) async throws {
        let server = try await FakeHTTPServer.start(port: port, mounts: ["": { [self] in self.answer($0) }])
        listener.server.withLock { $0 = server }
    }

    public func stop() async throws {
        try await listener.server.withLock { $0 }?.stop()
    }
}
