import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The name `job_runs` gives the instance that ran a job: host and process id, what an
/// operator needs to find the process.
public enum JobInstance {
    public static let current: String = {
        // gethostname, not ProcessInfo.hostName: that one may resolve names (a blocking DNS call).
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown-host"
        return "\(host):\(ProcessInfo.processInfo.processIdentifier)"
    }()
}
