import Synchronization

/// A value found once and kept for the life of its owner, shared by the copies of a
/// `Sendable` struct (the pull request opener remembers its upstream's default branch and
/// the files of the open pull requests it has read).
final class Remembered<Value: Sendable>: Sendable {
    private let stored = Mutex<Value?>(nil)

    var value: Value? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }

    func update(_ change: (inout Value?) -> Void) {
        stored.withLock { change(&$0) }
    }
}
