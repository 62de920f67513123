import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An advisory `flock` on a file, held until unlocked or the process ends (even killed).
public final class FileLock: Sendable {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    private let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileLock.Problem(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    func lock(exclusive: Bool) throws {
        while flock(descriptor, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            guard errno == EINTR else {
                throw FileLock.Problem(description: "cannot lock: \(String(cString: strerror(errno)))")
            }
        }
    }

    func tryLock(exclusive: Bool) throws -> Bool {
        if flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw FileLock.Problem(description: "cannot lock: \(String(cString: strerror(errno)))")
    }

    func unlock() { flock(descriptor, LOCK_UN) }
}
