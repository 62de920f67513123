import FicheSync
import Foundation
import Providers

/// A bot pull request that no longer merges cleanly — its base moved under it — rebuilt with
/// the same change on the new base: the fork's branch force-updated (it is the bot's own; the
/// replaced system's conflicted PRs had to be recreated by hand, since maintainers could not
/// push to its fork).
extension PullRequestOpener {
    public enum Rebuild: Sendable, Equatable {
        /// It merges cleanly: nothing to do.
        case clean
        /// GitHub has not computed `mergeable` yet: ask again later.
        case pending
        /// Not the bot's (or not one it can redo: no change record), or no longer open.
        case notOurs
        /// Rebuilt: the branch now holds this commit, on this base.
        case rebuilt(commit: String, base: String)
    }

    public func rebuildIfInConflict(number: Int) async throws -> Rebuild {
        guard let pull = try await github.pullRequest(upstream, number: number), pull.state == "open",
              pull.head.repo?.fullName == fork.description, let record = BotChangeRecord(body: pull.body) else { return .notOurs }
        guard let mergeable = pull.mergeable else { return .pending }
        if mergeable { return .clean }
        let path = FicheLocation(kind: .author, id: record.memberID).path
        guard let base = try await github.reference(upstream, "heads/\(pull.base.ref)")?.object.sha else { return .notOurs }
        let content: [UInt8]
        switch (record.kind, record.change) {
        case (.update, let change?):
            guard let current = try await github.file(upstream, path: path, ref: base)?.bytes else {
                throw Refused(code: .ficheMissing, message: "il n'y a plus de fiche \(path) sur \(pull.base.ref)")
            }
            do {
                content = try change.apply(to: current, id: record.memberID)
            } catch {
                throw Refused(code: .change, message: "\(path) : \(error.description)")
            }
        default:
            guard let ours = try await github.file(fork, path: path, ref: pull.head.sha)?.bytes else { return .notOurs }
            content = ours
        }
        let tree = try await github.createTree(fork, base: try await github.commit(upstream, sha: base).tree.sha,
                                               files: [.init(path: path, content: String(decoding: content, as: UTF8.self))])
        let message = "Reconstruite sur \(pull.base.ref) (\(base.prefix(7))) : même modification de \(path)"
        let commit = try await github.createCommit(fork, message: message, tree: tree, parents: [base])
        try await github.moveBranch(fork, pull.head.ref, sha: commit, force: true)
        logger.info("bot pull request rebuilt on its new base", metadata: ["number": "\(number)", "base": "\(base)"])
        return .rebuilt(commit: commit, base: base)
    }
}

extension PullRequestOpener.Rebuild {
    /// What the preview comment says of it.
    public var words: String? {
        guard case .rebuilt(let commit, let base) = self else { return nil }
        return "La base a bougé et la branche était en conflit : fichesync l'a reconstruite sur \(base.prefix(7)) avec la même modification (\(commit.prefix(7))). Elle fusionne de nouveau sans conflit."
    }
}
