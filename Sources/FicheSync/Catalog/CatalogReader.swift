import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Reads every fiche of a source into a ``Catalog``, decoding files in parallel.
///
/// Blocking work (file and libgit2 reads, parsing): call it from a thread that may block
/// (``BlockingWork``), not from an event loop or a Swift concurrency task. Each worker handles a share of the files; a git worker opens its
/// own repository handle, since libgit2 handles are not shared between threads.
public enum CatalogReader {
    /// What was read, for reports and benchmarks.
    public struct Statistics: Sendable, Equatable {
        public var files: Int
        public var bytes: Int
    }

    /// Reads `content/_*/*.md` under `root` (a folder holding `content/`).
    public static func read(directory root: String, workers: Int = defaultWorkers, keepFrontMatter: Bool = false) throws -> (Catalog, Statistics) {
        let content = (root as NSString).appendingPathComponent("content")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: content, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: content])
        }
        let locations = try ficheLocations(inDirectory: root)
        return try decodeInParallel(locations, workers: workers) { locations, share in
            var buffer: [UInt8] = []
            for location in locations {
                let path = (root as NSString).appendingPathComponent(location.path)
                try readFile(path, into: &buffer)
                share.catalog.add(location, FicheDecoder.decode(location, bytes: buffer, keepFrontMatter: keepFrontMatter))
                share.bytes += buffer.count
            }
        }
    }

    /// Every `content/_*/*.md` file under `root`.
    static func ficheLocations(inDirectory root: String) throws -> [FicheLocation] {
        let content = (root as NSString).appendingPathComponent("content")
        var locations: [FicheLocation] = []
        for folder in try FileManager.default.contentsOfDirectory(atPath: content).sorted() where folder.hasPrefix("_") {
            let folderPath = (content as NSString).appendingPathComponent(folder)
            guard (try? FileManager.default.attributesOfItem(atPath: folderPath)[.type] as? FileAttributeType) == .typeDirectory
            else { continue }
            for name in try FileManager.default.contentsOfDirectory(atPath: folderPath) {
                if let location = FicheLocation(path: "content/\(folder)/\(name)") { locations.append(location) }
            }
        }
        return locations
    }

    /// Reads the fiches of `commit` straight from the object database at `repositoryPath`.
    public static func read(repository repositoryPath: String, commit: GitOID, workers: Int = defaultWorkers,
                            keepFrontMatter: Bool = false) throws -> (Catalog, Statistics) {
        let entries = try GitRepository(at: repositoryPath).ficheEntries(at: commit)
        let blobs = Dictionary(entries.map { ($0.location, $0.blob) }, uniquingKeysWith: { a, _ in a })
        return try decodeInParallel(entries.map(\.location), workers: workers) { locations, share in
            let repository = try GitRepository(at: repositoryPath)
            for location in locations {
                guard let blob = blobs[location] else { continue }
                let (result, size) = try repository.withBlob(blob) { bytes in
                    (FicheDecoder.decode(location, bytes: bytes, keepFrontMatter: keepFrontMatter), bytes.count)
                }
                share.catalog.add(location, result)
                share.bytes += size
            }
        }
    }

    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// What one worker decoded: a partial catalog and the bytes it read.
    struct Share: Sendable {
        var catalog = Catalog()
        var bytes = 0
    }

    /// Splits `locations` into contiguous shares, one per worker, runs `work` on each share
    /// on its own thread, and merges the partial catalogs. The first error any worker hits wins.
    private static func decodeInParallel(
        _ locations: [FicheLocation], workers: Int,
        work: @escaping @Sendable (ArraySlice<FicheLocation>, inout Share) throws -> Void
    ) throws -> (Catalog, Statistics) {
        let shareCount = max(1, min(workers, locations.count / 64 + 1))
        let shareSize = (locations.count + shareCount - 1) / shareCount
        let shares = Mutex<[Share]>(Array(repeating: Share(), count: shareCount))
        let failure = Mutex<(any Error)?>(nil)
        let decodeShare: @Sendable (Int) -> Void = { index in
            let lower = min(index * shareSize, locations.count)
            let upper = min(lower + shareSize, locations.count)
            var share = Share()
            do {
                try work(locations[lower..<upper], &share)
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
            shares.withLock { $0[index] = share }
        }
        // Threads of our own, not `DispatchQueue.concurrentPerform`: on Linux, Dispatch's
        // workers and the Swift concurrency pool share one thread budget, so a read spread
        // over Dispatch workers starved every task of the process until it was done.
        let finished = DispatchSemaphore(value: 0)
        for index in 1..<shareCount {
            let thread = Thread {
                decodeShare(index)
                finished.signal()
            }
            thread.name = "fichesync-decode-\(index)"
            thread.start()
        }
        decodeShare(0)
        for _ in 1..<shareCount { finished.wait() }
        if let error = failure.withLock({ $0 }) { throw error }
        var parts = shares.withLock { all in
            defer { all = [] }
            return all
        }
        let statistics = Statistics(files: parts.reduce(0) { $0 + $1.catalog.fileCount }, bytes: parts.reduce(0) { $0 + $1.bytes })
        var catalog = parts.isEmpty ? Catalog() : parts.removeFirst().catalog
        while !parts.isEmpty { catalog.merge(parts.removeFirst().catalog) }
        catalog.sort()
        return (catalog, statistics)
    }

    /// Reads a whole file into `buffer`, reusing its storage.
    static func readFile(_ path: String, into buffer: inout [UInt8]) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO, path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO, path: path) }
        let size = Int(info.st_size)
        buffer.removeAll(keepingCapacity: true)
        buffer.reserveCapacity(size)
        var failed: Int32 = 0
        buffer.append(contentsOf: repeatElement(0, count: size))
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            var done = 0
            while done < size {
                let n = Glibc.read(fd, base + done, size - done)
                if n <= 0 { failed = n < 0 ? errno : 0; break }
                done += n
            }
            return done
        }
        if failed != 0 { throw POSIXError(POSIXErrorCode(rawValue: failed) ?? .EIO, path: path) }
        buffer.removeLast(size - count)
    }
}

extension POSIXError {
    init(_ code: POSIXErrorCode, path: String) {
        self.init(code, userInfo: [NSFilePathErrorKey: path])
    }
}
