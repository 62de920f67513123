import CGit2
import Foundation

extension GitRepository {
    /// Fetches every branch of `url` into this (bare, cache) repository as a mirror
    /// (`+refs/heads/*:refs/heads/*`) and points `HEAD` at the remote's default branch, so
    /// `HEAD` and branch names mean what they mean on the remote.
    ///
    /// - Returns: the remote's default branch (`refs/heads/master`), when it says.
    @discardableResult
    public func fetchMirror(from url: String, showProgress: Bool = false) throws(GitError) -> String? {
        let shown = ContentSource.redacted(url)
        var remote: OpaquePointer?
        defer { git_remote_free(remote) }
        let lookup = git_remote_lookup(&remote, handle, "origin")
        if lookup == GIT_ENOTFOUND.rawValue {
            try check("add remote \(shown)",
                      git_remote_create_with_fetchspec(&remote, handle, "origin", url, "+refs/heads/*:refs/heads/*"))
        } else {
            try check("read remote origin", lookup)
            if let current = git_remote_url(remote).map({ String(cString: $0) }), current != url {
                try check("set remote url", git_remote_set_url(handle, "origin", url))
                git_remote_free(remote)
                remote = nil
                try check("read remote origin", git_remote_lookup(&remote, handle, "origin"))
            }
        }

        var options = git_fetch_options()
        try check("fetch options", git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)))
        options.prune = GIT_FETCH_PRUNE
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        if showProgress {
            options.callbacks.transfer_progress = { stats, _ in
                guard let stats = stats?.pointee, stats.total_objects > 0 else { return 0 }
                let line = "\rReceiving objects: \(stats.received_objects)/\(stats.total_objects), \(stats.received_bytes / 1024) KiB"
                FileHandle.standardError.write(Data(line.utf8))
                return 0
            }
        }
        try check("connect to \(shown)", git_remote_connect(remote, GIT_DIRECTION_FETCH, &options.callbacks, &options.proxy_opts, nil))
        defer { git_remote_disconnect(remote) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let defaultBranch = git_remote_default_branch(&buffer, remote) == 0 && buffer.ptr != nil
            ? String(cString: buffer.ptr) : nil
        try check("fetch \(shown)", git_remote_download(remote, nil, &options))
        try check("update branches from \(shown)",
                  git_remote_update_tips(remote, &options.callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_NONE, "fetch"))
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        if let defaultBranch {
            try check("point HEAD at \(defaultBranch)", git_repository_set_head(handle, defaultBranch))
        }
        return defaultBranch
    }
}

extension GitRepository {
    /// Fetches pull request `number`'s head (`refs/pull/<n>/head`, which GitHub keeps on the
    /// upstream for every pull request, from forks too) from the mirror's `origin` into the
    /// same name here, and returns its commit. Only objects are fetched: nothing from the pull
    /// request is ever checked out or run.
    public func fetchPullRequestHead(_ number: Int) throws(GitError) -> GitOID {
        let reference = "refs/pull/\(number)/head"
        var remote: OpaquePointer?
        defer { git_remote_free(remote) }
        try check("read remote origin", git_remote_lookup(&remote, handle, "origin"))
        var options = git_fetch_options()
        try check("fetch options", git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)))
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        let refspec = strdup("+\(reference):\(reference)")
        defer { free(refspec) }
        var specs = [refspec]
        let fetched = specs.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var array = git_strarray(strings: buffer.baseAddress, count: 1)
            return git_remote_fetch(remote, &array, &options, "fetch pull request")
        }
        try check("fetch \(reference)", fetched)
        return try commit(for: reference)
    }
}
