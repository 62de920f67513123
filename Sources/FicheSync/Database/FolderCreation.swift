import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Creates folders fichesync keeps its state in (`FICHESYNC_HOME` and below), reporting
/// the system's reason when it cannot: Foundation only says "NSCocoaErrorDomain error 512",
/// which tells the user nothing about what to change.
enum FolderCreation {
    /// Creates `path` and its missing parents. Returns nil when the folder exists afterwards,
    /// else the reason, as `strerror` says it in lower case ("permission denied").
    static func create(_ path: String, mode: mode_t = 0o755) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            // As mkdir would say of a file in the way.
            return isDirectory.boolValue ? nil : describe(ENOTDIR)
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path, let reason = create(parent, mode: 0o755) {
            return reason
        }
        if mkdir(path, mode) == 0 || errno == EEXIST { return nil }
        return describe(errno)
    }

    /// `strerror(code)` with a lower-case first letter, to sit inside a sentence.
    static func describe(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
