import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Something named like a fiche (`content/_<kind>s/<id>.md`) that is not a regular file
/// fichesync can read: a folder, a symbolic link, a pipe, a git submodule, a file whose name
/// is not UTF-8 or that cannot be opened.
///
/// Each becomes an `unreadable-file` error at 1:1 naming its path, and the rest of the
/// source is read on: one odd entry must not stop a whole check, and a fiche that was not
/// read must not let a sync drop its member from the database. Folders and git trees give
/// the same diagnostics for the same entries.
///
/// Symbolic links are never followed, in either mode: one leading outside the repository
/// would put a file of this machine into the database, and in git a link fiche's blob is
/// the link's text, not a fiche (an incremental sync would not see the target change).
struct UnreadableEntry: Sendable, Equatable {
    enum Reason: Sendable, Equatable {
        /// The link's text, as written.
        case symbolicLink(target: String)
        case folder
        case submodule
        /// "a named pipe", "a socket", "a device".
        case special(String)
        case nameNotUTF8
        /// The system's reason, lower case ("permission denied").
        case failed(String)
    }

    /// Relative to the repository root; a name that is not UTF-8 shows U+FFFD.
    var path: String
    var reason: Reason

    /// Where it would be as a fiche; nil when its name is not UTF-8 (it has no id).
    var location: FicheLocation? {
        reason == .nameNotUTF8 ? nil : FicheLocation(path: path)
    }

    var diagnostic: Diagnostic {
        Diagnostic(path: path, position: .fileStart, severity: .error, rule: .unreadableFile, message: message)
    }

    var message: String {
        switch reason {
        case .symbolicLink(let target):
            let shown = Self.printable(target)
            if Self.leadsOutside(target, from: path) {
                return "this fiche is a symbolic link to `\(shown)`, outside the repository: it is not followed — put the fiche itself here"
            }
            return "this fiche is a symbolic link to `\(shown)`: links are not followed — put the fiche itself here, not a link"
        case .folder:
            return "a folder is named like a fiche: only regular files are read — rename or move it"
        case .submodule:
            return "a git submodule is named like a fiche: only regular files are read — remove it"
        case .special(let what):
            return "\(what) is named like a fiche: only regular files are read — remove it"
        case .nameNotUTF8:
            return "the file name is not valid UTF-8 (shown with �): rename the file"
        case .failed(let reason):
            return "cannot read this file: \(reason)"
        }
    }

    /// Whether a link at `path` (relative to the root) to `target` leads out of the
    /// repository, read as text: absolute, or climbing above the root with `..`.
    static func leadsOutside(_ target: String, from path: String) -> Bool {
        if target.hasPrefix("/") { return true }
        var depth = path.split(separator: "/").count - 1
        for component in target.split(separator: "/") {
            switch component {
            case ".": continue
            case "..":
                depth -= 1
                if depth < 0 { return true }
            default: depth += 1
            }
        }
        return false
    }

    /// A link's text fit for a one-line message: control characters escaped, at most 200
    /// characters (it is anyone's text).
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(200) {
            if scalar.properties.generalCategory == .control {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > 200 ? out + "…" : out
    }

    /// What `lstat` mode `mode` is, when it is not a regular file.
    static func reason(forMode mode: mode_t, at absolutePath: String) -> Reason? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return .folder
        case S_IFLNK: return .symbolicLink(target: linkTarget(absolutePath))
        case S_IFIFO: return .special("a named pipe")
        case S_IFSOCK: return .special("a socket")
        case S_IFCHR, S_IFBLK: return .special("a device")
        default: return .special("a special file")
        }
    }

    /// The text of the symbolic link at `path` (empty when it cannot be read).
    static func linkTarget(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return "" }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
