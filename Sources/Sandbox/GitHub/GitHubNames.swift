import FicheSync

/// Checks of the names a GitHub API call carries (owners, repositories, branches, paths in a
/// tree), done before any of them reaches a path on disk, a reference name or libgit2: the
/// hosted repositories are real folders and files, and a name from outside is never trusted.
enum GitHubNames {
    /// A login or organisation: letters, digits and single inner hyphens, at most 39.
    static func isOwner(_ name: String) -> Bool { Validator.isValidGitHubLogin(name) }

    /// A repository name as GitHub allows it: letters, digits, `.`, `-`, `_`, at most 100,
    /// and not `.` or `..` (nor anything git would read as a folder of its own).
    static func isRepository(_ name: String) -> Bool {
        guard (1...100).contains(name.utf8.count), name != ".", name != "..", !name.hasSuffix(".git") else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x2D || byte == 0x5F
        }
    }

    /// A path inside a tree (`content/_authors/x.md`): relative, no empty, `.` or `..`
    /// component, no `.git` component, no NUL or other control character, at most 4,096 bytes.
    static func isTreePath(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count <= 4_096, !path.hasPrefix("/"), !path.hasSuffix("/") else { return false }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part != "." && part != ".." && part.lowercased() != ".git"
        }
    }

    /// A full reference name under `refs/` that git accepts, at most 255 bytes.
    static func isReference(_ name: String) -> Bool {
        name.utf8.count <= 255 && GitRepository.isValidReferenceName(name)
    }

    /// A branch name (`authorcamille.dupont-3fa2b1`): what `refs/heads/<name>` makes valid.
    static func isBranch(_ name: String) -> Bool { !name.isEmpty && isReference("refs/heads/" + name) }

    /// A full sha in hex (the Git Data API takes no abbreviations).
    static func oid(_ text: String?) -> GitOID? {
        guard let text, text.utf8.count == 40, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        return GitOID(hex: text)
    }
}
