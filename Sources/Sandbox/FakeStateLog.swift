import Foundation
import Synchronization

/// One change to a fake's state: an entry of a keyed field set or removed, an element of a
/// set in a keyed field inserted or deleted, or a whole field replaced. The sandbox writes
/// these as the fakes change (before they answer) and replays them onto the last saved state,
/// so a change costs what it changed, not the size of the state.
public struct FakeStateChange: Codable, Sendable, Equatable {
    public enum Operation: String, Codable, Sendable {
        case set, remove, insert, delete, replace
    }

    public var op: Operation
    public var field: String
    public var key: String?
    public var element: String?
    /// The new value as JSON text (`set`, `replace`).
    public var value: String?

    public init(op: Operation, field: String, key: String? = nil, element: String? = nil, value: String? = nil) {
        self.op = op
        self.field = field
        self.key = key
        self.element = element
        self.value = value
    }
}

/// A change that names a field or an operation its state does not have: written by another
/// fichesync version.
public struct FakeStateChangeError: Error, Sendable, CustomStringConvertible {
    public var change: FakeStateChange
    public var description: String { "cannot apply the saved change \(change.op.rawValue) of \(change.field)" }
}

/// How one stored property of a fake's state is compared and changed.
public struct FakeField<State>: Sendable {
    public let name: String
    /// Request counters change on every request: written along with the next real change or
    /// the final save, never waited for (a killed run may lose a few counts, not an account).
    let isCounter: Bool
    let diff: @Sendable (_ old: State, _ new: State) throws -> [FakeStateChange]
    let apply: @Sendable (_ state: inout State, _ change: FakeStateChange) throws -> Void

    static func encode<V: Encodable>(_ value: V) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<V: Decodable>(_ type: V.Type, _ change: FakeStateChange) throws -> V {
        guard let value = change.value else { throw FakeStateChangeError(change: change) }
        return try JSONDecoder().decode(V.self, from: Data(value.utf8))
    }

    /// A field saved whole when it changes (numbers, small lists).
    public static func value<V: Codable & Equatable & Sendable>(_ name: String, _ path: WritableKeyPath<State, V> & Sendable) -> FakeField {
        FakeField(name: name, isCounter: false, diff: { old, new in
            old[keyPath: path] == new[keyPath: path] ? [] : [FakeStateChange(op: .replace, field: name, value: try encode(new[keyPath: path]))]
        }, apply: { state, change in
            guard change.op == .replace else { throw FakeStateChangeError(change: change) }
            state[keyPath: path] = try decode(V.self, change)
        })
    }

    /// A request counter (see `isCounter`).
    public static func counter(_ name: String, _ path: WritableKeyPath<State, Int> & Sendable) -> FakeField {
        let field = value(name, path)
        return FakeField(name: name, isCounter: true, diff: field.diff, apply: field.apply)
    }

    /// A field keyed by name: only the entries that changed are saved.
    public static func map<V: Codable & Equatable & Sendable>(_ name: String, _ path: WritableKeyPath<State, [String: V]> & Sendable) -> FakeField {
        FakeField(name: name, isCounter: false, diff: { old, new in
            let (before, after) = (old[keyPath: path], new[keyPath: path])
            // Unchanged storage compares in O(1): only fields a request touched cost a scan.
            guard before != after else { return [] }
            var changes: [FakeStateChange] = []
            for (key, value) in after where before[key] != value {
                changes.append(FakeStateChange(op: .set, field: name, key: key, value: try encode(value)))
            }
            for key in before.keys where after[key] == nil { changes.append(FakeStateChange(op: .remove, field: name, key: key)) }
            return changes
        }, apply: { state, change in
            guard let key = change.key else { throw FakeStateChangeError(change: change) }
            switch change.op {
            case .set: state[keyPath: path][key] = try decode(V.self, change)
            case .remove: state[keyPath: path][key] = nil
            default: throw FakeStateChangeError(change: change)
            }
        })
    }

    /// A field of sets keyed by name (team members, invitations): only the elements that
    /// changed are saved, not the team.
    public static func setMap(_ name: String, _ path: WritableKeyPath<State, [String: Set<String>]> & Sendable) -> FakeField {
        FakeField(name: name, isCounter: false, diff: { old, new in
            let (before, after) = (old[keyPath: path], new[keyPath: path])
            guard before != after else { return [] }
            var changes: [FakeStateChange] = []
            for (key, elements) in after {
                guard let previous = before[key] else {
                    changes.append(FakeStateChange(op: .set, field: name, key: key, value: try encode(elements)))
                    continue
                }
                guard previous != elements else { continue }
                for element in elements.subtracting(previous) { changes.append(FakeStateChange(op: .insert, field: name, key: key, element: element)) }
                for element in previous.subtracting(elements) { changes.append(FakeStateChange(op: .delete, field: name, key: key, element: element)) }
            }
            for key in before.keys where after[key] == nil { changes.append(FakeStateChange(op: .remove, field: name, key: key)) }
            return changes
        }, apply: { state, change in
            guard let key = change.key else { throw FakeStateChangeError(change: change) }
            switch (change.op, change.element) {
            case (.set, _): state[keyPath: path][key] = try decode(Set<String>.self, change)
            case (.remove, _): state[keyPath: path][key] = nil
            case (.insert, let element?): state[keyPath: path][key, default: []].insert(element)
            case (.delete, let element?): state[keyPath: path][key]?.remove(element)
            default: throw FakeStateChangeError(change: change)
            }
        })
    }
}

/// A fake's state that can be saved change by change: each stored property named (as it is
/// encoded) with how it changes. `FakeProviderTests` checks the list covers every property.
public protocol RecordedFakeState: Sendable, Codable, Equatable {
    static var fields: [FakeField<Self>] { get }
}

extension RecordedFakeState {
    /// What changed from `old` to this state, and whether it is only request counts.
    func changes(since old: Self) throws -> (changes: [FakeStateChange], onlyCounters: Bool) {
        var changes: [FakeStateChange] = []
        var onlyCounters = true
        for field in Self.fields {
            let found = try field.diff(old, self)
            if !found.isEmpty && !field.isCounter { onlyCounters = false }
            changes += found
        }
        return (changes, onlyCounters)
    }

    /// Applies changes in the order they were made.
    mutating func apply(_ changes: [FakeStateChange]) throws {
        let fields = Dictionary(Self.fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for change in changes {
            guard let field = fields[change.field] else { throw FakeStateChangeError(change: change) }
            try field.apply(&self, change)
        }
    }
}

/// Where a recorded fake's changes go; returns once they are durable.
public typealias FakeStateSink = @Sendable ([FakeStateChange]) async throws -> Void

/// Makes a fake's answers wait until the changes they follow are saved, so that a process
/// killed at any moment (`kill -9`) leaves saved exactly what the fake had answered, or more.
///
/// Group commit: each answer asks for a save of everything changed so far; one save at a time
/// runs, diffing the state against the last saved one (O(1) per untouched field, a scan of the
/// touched ones) and writing the changes in one statement, so requests arriving together share
/// a write instead of each writing the whole state.
final class FakeStateRecorder<State: RecordedFakeState>: Sendable {
    private struct Book {
        var saved: State
        var requested = 0
        var done = 0
        var saving = false
        var waiters: [(ticket: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private let book: Mutex<Book>
    private let current: @Sendable () -> State
    private let sink: FakeStateSink

    init(saved: State, current: @escaping @Sendable () -> State, sink: @escaping FakeStateSink) {
        book = Mutex(Book(saved: saved))
        self.current = current
        self.sink = sink
    }

    /// Returns once every change made before the call is saved.
    func durable() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = book.withLock { book -> Bool in
                book.requested += 1
                book.waiters.append((book.requested, continuation))
                guard !book.saving else { return false }
                book.saving = true
                return true
            }
            if start { Task(executorPreference: SaveExecutor.shared) { await self.saveLoop() } }
        }
    }

    /// Saves until no answer waits: each round covers every request made before it started.
    private func saveLoop() async {
        while true {
            let round = book.withLock { book -> (ticket: Int, saved: State)? in
                guard book.done < book.requested else {
                    book.saving = false
                    return nil
                }
                return (book.requested, book.saved)
            }
            guard let (ticket, saved) = round else { return }
            // Read after the ticket: the state includes every change of the requests it covers.
            let state = current()
            var outcome: Result<Void, any Error> = .success(())
            var newSaved = saved
            do {
                let (changes, onlyCounters) = try state.changes(since: saved)
                if !changes.isEmpty && !onlyCounters {
                    try await sink(changes)
                    newSaved = state
                }
            } catch {
                outcome = .failure(error)
            }
            let resumed = book.withLock { book -> [CheckedContinuation<Void, any Error>] in
                book.saved = newSaved
                book.done = ticket
                let ready = book.waiters.filter { $0.ticket <= ticket }
                book.waiters.removeAll { $0.ticket <= ticket }
                return ready.map(\.continuation)
            }
            for continuation in resumed { continuation.resume(with: outcome) }
        }
    }
}
