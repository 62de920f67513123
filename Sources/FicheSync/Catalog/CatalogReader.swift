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
    ///
    /// Only regular files are read; anything else named like a fiche (a folder, a symbolic
    /// link, a pipe, a name that is not UTF-8, a file that cannot be opened) is an
    /// `unreadable-file` diagnostic and the rest is read on (``UnreadableEntry``).
    public static func read(directory root: String, workers: Int = defaultWorkers, keepFrontMatter: Bool = false) throws -> (Catalog, Statistics) {
        let content = (root as NSString).appendingPathComponent("content")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: content, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: content])
        }
        let listing = try ficheFiles(inDirectory: root)
        let files = listing.files
        return try decodeInParallel(count: files.count, unreadable: listing.unreadable, workers: workers) { batches, share in
            var buffer: [UInt8] = []
            while let batch = batches.take() {
                for location in files[batch] {
                    let path = (root as NSString).appendingPathComponent(location.path)
                    if let reason = readRegularFile(path, into: &buffer) {
                        let entry = UnreadableEntry(path: location.path, reason: reason)
                        share.catalog.add(location, FicheDecoder.Result(fiche: nil, diagnostics: [entry.diagnostic]))
                        continue
                    }
                    share.catalog.add(location, FicheDecoder.decode(location, bytes: buffer, keepFrontMatter: keepFrontMatter))
                    share.bytes += buffer.count
                }
            }
        }
    }

    /// The regular files named `content/_*/*.md` under `root`, and the entries so named that
    /// are something else. Listed with `readdir` and `lstat`: a name that is not UTF-8 has no
    /// `String` to open it by, and links are never followed. Only real folders `_*` are
    /// walked (a link named `content/_authors` is not), as git sees them.
    static func ficheFiles(inDirectory root: String) throws -> (files: [FicheLocation], unreadable: [UnreadableEntry]) {
        let content = (root as NSString).appendingPathComponent("content")
        var files: [FicheLocation] = []
        var unreadable: [UnreadableEntry] = []
        for folder in try names(in: content).sorted(by: { $0.lexicographicallyPrecedes($1) }) where folder.first == UInt8(ascii: "_") {
            guard let folderName = String(validating: folder, as: UTF8.self) else { continue }
            let folderPath = (content as NSString).appendingPathComponent(folderName)
            var info = stat()
            guard lstat(folderPath, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
            for name in try names(in: folderPath) {
                guard name.count > 3, name.suffix(3).elementsEqual(".md".utf8) else { continue }
                guard let fileName = String(validating: name, as: UTF8.self) else {
                    let shown = "content/\(folderName)/\(String(decoding: name, as: UTF8.self))"
                    if FicheLocation(path: shown) != nil { unreadable.append(UnreadableEntry(path: shown, reason: .nameNotUTF8)) }
                    continue
                }
                let relative = "content/\(folderName)/\(fileName)"
                guard let location = FicheLocation(path: relative) else { continue }
                let absolute = (folderPath as NSString).appendingPathComponent(fileName)
                if lstat(absolute, &info) != 0 {
                    unreadable.append(UnreadableEntry(path: relative, reason: .failed(FolderCreation.describe(errno))))
                } else if let reason = UnreadableEntry.reason(forMode: info.st_mode, at: absolute) {
                    unreadable.append(UnreadableEntry(path: relative, reason: reason))
                } else {
                    files.append(location)
                }
            }
        }
        return (files, unreadable)
    }

    /// The names in a folder as bytes (without `.` and `..`), from `readdir`.
    private static func names(in folder: String) throws -> [[UInt8]] {
        guard let directory = opendir(folder) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO, path: folder)
        }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(name)
        }
        return names
    }

    /// Reads the fiches of `commit` straight from the object database at `repositoryPath`.
    public static func read(repository repositoryPath: String, commit: GitOID, workers: Int = defaultWorkers,
                            keepFrontMatter: Bool = false) throws -> (Catalog, Statistics) {
        let opened = try GitRepository(at: repositoryPath)
        let entries = try opened.ficheEntries(at: commit)
        let readable = entries.filter(\.isReadable)
        let unreadable = try entries.compactMap { try opened.unreadableEntry($0) }
        // Each thread reads its blobs itself, so reading (inflating) one file overlaps
        // parsing another rather than all reads coming first.
        return try decodeInParallel(count: readable.count, unreadable: unreadable, workers: workers) { batches, share in
            let repository = try GitRepository(at: repositoryPath)
            while let batch = batches.take() {
                for entry in readable[batch] {
                    let location = entry.location
                    let (result, size) = try repository.withBlob(entry.blob) { bytes in
                        (FicheDecoder.decode(location, bytes: bytes, keepFrontMatter: keepFrontMatter), bytes.count)
                    }
                    share.catalog.add(location, result)
                    share.bytes += size
                }
            }
        }
    }

    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// What one worker decoded: a partial catalog and the bytes it read.
    struct Share: Sendable {
        var catalog = Catalog()
        var bytes = 0
    }

    /// Files a worker takes at a time (``WorkBatches``): small enough that the threads end
    /// together, large enough that taking one is rare.
    static let batchSize = 24

    /// Runs `work` on one thread per worker; each takes batches of the `count` files from a
    /// shared ``WorkBatches`` until none is left. Then merges the partial catalogs with the
    /// `unreadable` entries' diagnostics. The first error any worker hits wins (the others
    /// stop at their next batch).
    private static func decodeInParallel(
        count: Int, unreadable: [UnreadableEntry], workers: Int,
        work: @escaping @Sendable (WorkBatches, inout Share) throws -> Void
    ) throws -> (Catalog, Statistics) {
        let shareCount = max(1, min(workers, count / 64 + 1))
        let batches = WorkBatches(count: count, batchSize: batchSize)
        let shares = Mutex<[Share]>(Array(repeating: Share(), count: shareCount))
        let failure = Mutex<(any Error)?>(nil)
        let decodeShare: @Sendable (Int) -> Void = { index in
            var share = Share()
            do {
                try work(batches, &share)
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
                batches.finish()
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
        let statistics = Statistics(files: parts.reduce(0) { $0 + $1.catalog.fileCount } + unreadable.count { $0.location != nil },
                                    bytes: parts.reduce(0) { $0 + $1.bytes })
        var catalog = parts.isEmpty ? Catalog() : parts.removeFirst().catalog
        while !parts.isEmpty { catalog.merge(parts.removeFirst().catalog) }
        catalog.addUnreadable(unreadable)
        catalog.sort()
        return (catalog, statistics)
    }

    /// Reads a whole regular file into `buffer`, reusing its storage; returns why not when
    /// `path` is not one or cannot be read.
    ///
    /// Opened without following a link and without blocking (a named pipe would wait for a
    /// writer forever), then checked with `fstat`: what is read is what was checked.
    static func readRegularFile(_ path: String, into buffer: inout [UInt8]) -> UnreadableEntry.Reason? {
        buffer.removeAll(keepingCapacity: true)
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            var info = stat()
            if lstat(path, &info) == 0, let reason = UnreadableEntry.reason(forMode: info.st_mode, at: path) { return reason }
            return .failed(FolderCreation.describe(code))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failed(FolderCreation.describe(errno)) }
        if let reason = UnreadableEntry.reason(forMode: info.st_mode, at: path) { return reason }
        let size = Int(info.st_size)
        buffer.reserveCapacity(size)
        var failed: Int32 = 0
        buffer.append(contentsOf: repeatElement(0, count: size))
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            var done = 0
            while done < size {
                let n = Glibc.read(fd, base + done, size - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failed = n < 0 ? errno : 0; break }
                done += n
            }
            return done
        }
        if failed != 0 { return .failed(FolderCreation.describe(failed)) }
        buffer.removeLast(size - count)
        return nil
    }
}

extension Catalog {
    /// Adds entries that could not be read: each an error; those with a fiche's name count
    /// as files (references resolve against files, as for a file that does not parse).
    mutating func addUnreadable(_ entries: [UnreadableEntry]) {
        for entry in entries {
            if let location = entry.location {
                add(location, FicheDecoder.Result(fiche: nil, diagnostics: [entry.diagnostic]))
            } else {
                fileDiagnostics.append(entry.diagnostic)
            }
        }
    }
}

extension POSIXError {
    init(_ code: POSIXErrorCode, path: String) {
        self.init(code, userInfo: [NSFilePathErrorKey: path])
    }
}
