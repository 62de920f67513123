import FicheSync
import Foundation
import Logging
import Providers

/// Opens the bot's pull requests through GitHub's Git Data API, never a clone or a push:
/// base = the upstream branch's head; one tree (`base_tree`) holding the file, one commit
/// whose parent is that base, a branch on the fork, a pull request to the upstream.
///
/// Only the fork is written to: the upstream gets nothing but the pull request. The fork
/// need not be up to date — it shares its objects with the upstream, so a commit on the
/// upstream's head is a valid parent there. Any failure once the branch exists removes it.
/// The same person submitted again gets the open pull request back — also one opened by hand.
public struct PullRequestOpener: Sendable {
    public let github: GitHubClient
    public let upstream: RepositoryName
    public let fork: RepositoryName
    /// The upstream branch pull requests go to; `nil`: the repository's default branch.
    public let baseBranch: String?
    let logger: Logger

    public init(github: GitHubClient, upstream: RepositoryName, fork: RepositoryName, baseBranch: String? = "master", logger: Logger) {
        self.github = github
        self.upstream = upstream
        self.fork = fork
        self.baseBranch = baseBranch
        self.logger = logger
    }

    public struct Opened: Sendable, Equatable {
        public var number: Int
        public var url: String
        /// The fork's branch (`nil` for a pull request opened by hand from elsewhere).
        public var branch: String?
        /// Whether it was already open: nothing was written.
        public var existing: Bool
    }

    /// Why the bot did not open a pull request, in French for the person who asked.
    public struct Refused: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable { case ficheExists = "fiche-exists", ficheMissing = "fiche-missing", change = "change" }
        public var code: Code
        public var message: String
        public var description: String { message }
    }

    /// The onboarding pull request of a checked submission (or the one already open for it).
    public func open(_ draft: PullRequestDraft) async throws -> Opened {
        let (base, branch) = try await baseHead()
        if let existing = try await openPullRequest(touching: draft.path) { return existing }
        if try await github.file(upstream, path: draft.path, ref: base) != nil {
            throw Refused(code: .ficheExists, message: "la fiche \(draft.path) existe déjà sur \(branch) : demande plutôt une mise à jour")
        }
        return try await propose(draft, base: base, baseBranch: branch)
    }

    /// The update pull request of a change to an existing fiche, made on the upstream's
    /// current file (not a local copy that may be behind), or the one already open for it.
    public func open(change: ProposedChange, memberID: String, fullname: String) async throws -> Opened {
        let path = FicheLocation(kind: .author, id: memberID).path
        let (base, branch) = try await baseHead()
        if let existing = try await openPullRequest(touching: path) { return existing }
        guard let current = try await github.file(upstream, path: path, ref: base)?.bytes else {
            throw Refused(code: .ficheMissing, message: "il n'y a pas de fiche \(path) sur \(branch)")
        }
        let content: [UInt8]
        do {
            content = try change.apply(to: current, id: memberID)
        } catch {
            throw Refused(code: .change, message: "\(path) : \(error.description)")
        }
        return try await propose(PullRequestDraft.update(id: memberID, change: change, content: content, fullname: fullname),
                                 base: base, baseBranch: branch)
    }

    /// The upstream branch's head sha, and the branch.
    private func baseHead() async throws -> (sha: String, branch: String) {
        let branch: String
        if let baseBranch { branch = baseBranch } else { branch = try await github.repository(upstream).defaultBranch }
        guard let head = try await github.reference(upstream, "heads/\(branch)") else {
            throw ProviderError(.rejected, provider: "github", method: "GET", path: "/repos/\(upstream)/git/ref/heads/\(branch)", status: 404,
                                message: "\(upstream) has no branch \(branch)")
        }
        return (head.object.sha, branch)
    }

    /// An open pull request that adds or changes `path`, whoever opened it. Reads each open
    /// pull request's files, a few at a time.
    func openPullRequest(touching path: String) async throws -> Opened? {
        let open = try await github.openPullRequests(upstream)
        let found = try await github.filesOfEach(open, in: upstream)
            .filter { $0.files.contains { $0.filename == path && $0.status != "removed" } }
            .min { $0.pull.number < $1.pull.number }
        guard let pull = found?.pull else { return nil }
        let ours = pull.head.repo?.fullName == fork.description
        return Opened(number: pull.number, url: pull.htmlURL, branch: ours ? pull.head.ref : nil, existing: true)
    }

    private func propose(_ draft: PullRequestDraft, base: String, baseBranch: String) async throws -> Opened {
        let baseTree = try await github.commit(upstream, sha: base).tree.sha
        let tree = try await github.createTree(fork, base: baseTree, files: [.init(path: draft.path, content: String(decoding: draft.content, as: UTF8.self))])
        let commit = try await github.createCommit(fork, message: draft.commitMessage, tree: tree, parents: [base])
        do {
            try await github.createBranch(fork, draft.branch, sha: commit)
        } catch let error as ProviderError where error.status == 422 {
            // The branch is named after the content: a run that stopped after making it left it. Ours to move.
            logger.info("bot branch already there, moved", metadata: ["branch": "\(draft.branch)"])
            try await github.moveBranch(fork, draft.branch, sha: commit, force: true)
        }
        do {
            let pull = try await createPullRequest(draft, baseBranch: baseBranch)
            logger.info("pull request opened", metadata: ["number": "\(pull.number)", "branch": "\(draft.branch)", "member": "\(draft.memberID)"])
            return Opened(number: pull.number, url: pull.htmlURL, branch: draft.branch, existing: false)
        } catch {
            // Already open for this branch (a first attempt that did reach GitHub): that one.
            if let existing = try? await github.openPullRequests(upstream, head: fork.owner, branch: draft.branch).first {
                return Opened(number: existing.number, url: existing.htmlURL, branch: draft.branch, existing: true)
            }
            do {
                try await github.deleteBranch(fork, draft.branch)
            } catch {
                logger.error("could not remove the bot branch after a failure", metadata: ["branch": "\(draft.branch)", "error": "\(error)"])
            }
            throw error
        }
    }

    /// `maintainer_can_modify` lets maintainers fix a bot PR in conflict, but GitHub refuses it
    /// for a fork owned by an organisation: then without.
    private func createPullRequest(_ draft: PullRequestDraft, baseBranch: String) async throws -> GitHubClient.PullRequest {
        let head = "\(fork.owner):\(draft.branch)"
        do {
            return try await github.createPullRequest(upstream, title: draft.title, head: head, base: baseBranch, body: draft.body, maintainerCanModify: true)
        } catch let error as ProviderError where error.status == 422 && error.message.lowercased().contains("maintainer") {
            return try await github.createPullRequest(upstream, title: draft.title, head: head, base: baseBranch, body: draft.body, maintainerCanModify: false)
        }
    }
}
