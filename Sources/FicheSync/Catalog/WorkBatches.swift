import Synchronization

/// Hands out the indices of a list, a batch at a time, to the threads that share its work.
///
/// Batches rather than fixed shares: fiches differ in size (a startup's page is several times
/// an author's) and the kinds are listed one after the other, so a thread given the second
/// half of the list finished long after the first. Batches rather than single items: one
/// atomic step per few dozen files keeps the threads off each other's cache line.
final class WorkBatches: Sendable {
    let count: Int
    let batchSize: Int
    private let next = Atomic<Int>(0)

    init(count: Int, batchSize: Int) {
        self.count = count
        self.batchSize = max(1, batchSize)
    }

    /// Gives out no more batches (a worker failed: the read's result is its error).
    func finish() {
        next.store(count, ordering: .relaxed)
    }

    /// The next batch not yet taken by any thread, or `nil` when all are.
    func take() -> Range<Int>? {
        let lower = next.wrappingAdd(batchSize, ordering: .relaxed).oldValue
        guard lower < count else { return nil }
        return lower..<min(lower + batchSize, count)
    }
}
