import CGit2

/// A libgit2 failure, with libgit2's own message (read right away: it is thread-local).
public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libgit2's return code (`GIT_ENOTFOUND` is -3, …).
    public var code: Int32
    /// What fichesync was doing: "open repository", "fetch", …
    public var operation: String
    public var message: String

    public init(code: Int32, operation: String, message: String) {
        self.code = code
        self.operation = operation
        self.message = message
    }

    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

    public var description: String { "\(operation): \(message)" }

    /// Builds the error for a failed call from libgit2's last error.
    static func last(_ code: Int32, _ operation: String) -> GitError {
        let message = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "libgit2 error \(code)"
        return GitError(code: code, operation: operation, message: message)
    }
}

/// Runs a libgit2 call and turns a negative result into a ``GitError``.
func check(_ operation: @autoclosure () -> String, _ result: Int32) throws(GitError) {
    if result < 0 { throw GitError.last(result, operation()) }
}

/// libgit2 must be initialised once per process before any other call.
enum LibGit2 {
    private static let initialized: Bool = {
        git_libgit2_init()
        // Map packfiles in small windows under a global cap: by default libgit2 maps whole
        // packs per repository handle, and parallel readers each open one, so a large
        // repository's pack would count in resident memory once per reader.
        setOption(GIT_OPT_SET_MWINDOW_SIZE, 1 << 20)
        setOption(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, 8 << 20)
        return true
    }()

    private static func setOption(_ option: git_libgit2_opt_t, _ value: Int) {
        _ = fichesync_git_opts_size(Int32(option.rawValue), value)
    }

    static func ensureInitialized() {
        _ = initialized
    }
}
