/// The Postgres advisory lock key of a job: a stable 64-bit hash (FNV-1a) of its name, so
/// every instance and every version of fichesync takes the same lock for the same job, and
/// none clashes with the migrator's or the sync's keys (they are spelled-out ASCII).
public enum JobLock {
    public static func key(_ job: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "fichesync.job.\(job)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
