import FicheSync
import Foundation
import Logging
import Providers

/// Opens the bot's pull requests through GitHub's Git Data API, never a clone or a push:
/// base = the head of the upstream's default branch (or `GITHUB_BASE_BRANCH`); one tree
/// (`base_tree`) holding the file, one commit whose parent is that base, a branch on the
/// fork, a pull request to the upstream.
///
/// Only the fork is written to: the upstream gets nothing but the pull request. The fork
/// need not be up to date — it shares its objects with the upstream, so a commit on the
/// upstream's head is a valid parent there. Any failure once the branch exists removes it.
/// The same person submitted again gets the open pull request back — also one opened by hand.
public struct PullRequestOpener: Sendable {
    public let github: GitHubClient
    public let upstream: RepositoryName
    public let fork: RepositoryName
    /// The upstream branch pull requests go to; `nil`: the repository's default branch,
    /// asked on the first pull request and remembered (a default branch is rarely renamed,
    /// and `serve` would otherwise pay one more request per submission).
    public let baseBranch: String?
    private let defaultBranch = Remembered<String>()
    /// The paths each open pull request adds or changes, at the head they were read at: a
    /// pull request's files change only with its head, so `serve` reads the files of the new
    /// and moved ones only, not of every open pull request on each submission.
    private let seenFiles = Remembered<[Int: SeenFiles]>()
    let logger: Logger

    struct SeenFiles: Sendable {
        var head: String
        var paths: Set<String>
    }

    public init(github: GitHubClient, upstream: RepositoryName, fork: RepositoryName, baseBranch: String? = nil, logger: Logger) {
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
        public enum Code: String, Sendable {
            case ficheExists = "fiche-exists", ficheMissing = "fiche-missing", change = "change"
            /// The id is asked for by someone else in a pull request still open.
            case idPending = "id-pending"
        }
        public var code: Code
        public var message: String
        public var description: String { message }
    }

    /// The onboarding pull request of a checked submission (or the one already open for it).
    public func open(_ draft: PullRequestDraft) async throws -> Opened {
        let base = try await baseHead()
        if let existing = try await openPullRequest(touching: draft.path) { return existing }
        if try await github.file(upstream, path: draft.path, ref: base.sha) != nil {
            throw Refused(code: .ficheExists, message: "la fiche \(draft.path) existe déjà sur \(base.branch) : demande plutôt une mise à jour")
        }
        return try await propose(draft, base: base)
    }

    /// The update pull request of a change to an existing fiche, made on the upstream's
    /// current file (not a local copy that may be behind), or the one already open for it.
    public func open(change: ProposedChange, memberID: String, fullname: String) async throws -> Opened {
        let path = FicheLocation(kind: .author, id: memberID).path
        let base = try await baseHead()
        if let existing = try await openPullRequest(touching: path) { return existing }
        guard let current = try await github.file(upstream, path: path, ref: base.sha)?.bytes else {
            throw Refused(code: .ficheMissing, message: "il n'y a pas de fiche \(path) sur \(base.branch)")
        }
        let content: [UInt8]
        do {
            content = try change.apply(to: current, id: memberID)
        } catch {
            throw Refused(code: .change, message: "\(path) : \(error.description)")
        }
        return try await propose(PullRequestDraft.update(id: memberID, change: change, content: content, fullname: fullname), base: base)
    }

    /// The upstream branch's head: its sha and tree, and the branch.
    private func baseHead() async throws -> (sha: String, tree: String, branch: String) {
        let branch: String
        if let baseBranch {
            branch = baseBranch
        } else if let remembered = defaultBranch.value {
            branch = remembered
        } else {
            branch = try GitHubClient.refPath(try await github.repository(upstream).defaultBranch)
            defaultBranch.value = branch
        }
        guard let head = try await github.commit(upstream, at: branch) else {
            throw ProviderError(.rejected, provider: "github", method: "GET", path: "/repos/\(upstream)/commits/\(branch)", status: 404,
                                message: "\(upstream) has no branch \(branch)")
        }
        return (head.sha, head.tree.sha, branch)
    }

    /// An open pull request that adds or changes `path`, whoever opened it. Reads the files
    /// of each open pull request not seen at its current head, a few at a time.
    func openPullRequest(touching path: String) async throws -> Opened? {
        let open = try await github.openPullRequests(upstream)
        let known = seenFiles.value ?? [:]
        let unseen = open.filter { known[$0.number]?.head != $0.head.sha }
        var seen = known.filter { entry in open.contains { $0.number == entry.key } }
        for (pull, files) in try await github.filesOfEach(unseen, in: upstream) {
            seen[pull.number] = SeenFiles(head: pull.head.sha, paths: Set(files.filter { $0.status != "removed" }.map(\.filename)))
        }
        seenFiles.value = seen
        let found = open.filter { seen[$0.number]?.paths.contains(path) == true }.min { $0.number < $1.number }
        guard let pull = found else { return nil }
        let ours = pull.head.repo?.fullName == fork.description
        return Opened(number: pull.number, url: pull.htmlURL, branch: ours ? pull.head.ref : nil, existing: true)
    }

    /// The file in a tree over the base's (the tree request carries the content, so GitHub
    /// makes the blob: one request fewer than a blob first), one commit, the branch, the PR.
    private func propose(_ draft: PullRequestDraft, base: (sha: String, tree: String, branch: String)) async throws -> Opened {
        let tree = try await github.createTree(fork, base: base.tree, files: [.init(path: draft.path, content: String(decoding: draft.content, as: UTF8.self))])
        let commit = try await github.createCommit(fork, message: draft.commitMessage, tree: tree, parents: [base.sha])
        do {
            try await github.createBranch(fork, draft.branch, sha: commit)
        } catch let error as ProviderError where error.status == 422 {
            // The branch is named after the content: a run that stopped after making it left it. Ours to move.
            logger.info("bot branch already there, moved", metadata: ["branch": "\(draft.branch)"])
            try await github.moveBranch(fork, draft.branch, sha: commit, force: true)
        }
        do {
            let pull = try await createPullRequest(draft, baseBranch: base.branch)
            seenFiles.update { $0?[pull.number] = SeenFiles(head: commit, paths: [draft.path]) }
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
