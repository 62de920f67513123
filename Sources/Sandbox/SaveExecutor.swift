import Foundation

/// The thread the fakes' saves run on (``FakeStateRecorder``, and the answers that wait for
/// them), instead of the Swift concurrency pool.
///
/// A fake's answer leaves only once its change is saved. On the concurrency pool, anything
/// blocking the pool's threads — a synchronous caller waiting on a child process, CPU-bound
/// decoding in the same process — would hold every fake's answers back with it, and a
/// client's timeout would report a provider that never failed.
final class SaveExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = SaveExecutor()

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init() {
        let thread = Thread { [unowned self] in self.serve() }
        thread.name = "fichesync-sandbox-saves"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
