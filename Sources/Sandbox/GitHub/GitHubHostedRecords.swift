import Foundation

/// What the GitHub fake knows of its hosted repositories beside git itself: which exist, who
/// owns them, which is a fork of which, their pull requests, and every write they received.
/// Saved as JSON next to the bare repositories (`hosting.json`), so the two stay together on
/// disk across `fichesync sandbox` runs.
public struct HostedRecords: Sendable, Codable, Equatable {
    /// By full name in lowercase (`betagouv/beta.gouv.fr`): GitHub's names are case-insensitive.
    public var repositories: [String: HostedRepository] = [:]
    /// The pull requests of each repository (by its key), by number order.
    public var pulls: [String: [HostedPull]] = [:]
    /// Every successful write, in order: which repository, which endpoint.
    public var writes: [HostedWrite] = []
    var lastRepositoryID = 700_000_000
    var lastPullID = 2_000_000_000

    public init() {}
}

/// One hosted repository. A fork lives in the same bare repository as its upstream (the
/// fork network's, named after the upstream), its refs under `refs/namespaces/<owner>/`: a
/// fork shares every object with its upstream, as on GitHub, where a ref of the fork can
/// point at an upstream commit the fork never fetched.
public struct HostedRepository: Sendable, Codable, Equatable {
    public var owner: String
    public var name: String
    public var id: Int
    /// `Organization` or `User`.
    public var ownerType: String
    public var ownerID: Int
    public var defaultBranch: String
    /// The key of the repository it was forked from, nil for an upstream.
    public var parent: String?
    /// The key of the fork network's root, whose bare repository holds the objects.
    public var network: String
    public var createdAt: String
    public var pushedAt: String

    public var fullName: String { "\(owner)/\(name)" }
    var key: String { fullName.lowercased() }

    /// Where this repository's refs live in the network's bare repository.
    var referencePrefix: String { parent == nil ? "refs/" : "refs/namespaces/\(owner.lowercased())/refs/" }
}

/// One pull request: the head is a branch of the base repository or of a fork of it.
public struct HostedPull: Sendable, Codable, Equatable {
    public var number: Int
    public var id: Int
    public var title: String
    public var body: String?
    /// `open` or `closed`.
    public var state: String
    public var draft: Bool
    public var maintainerCanModify: Bool
    public var author: String
    public var authorID: Int
    /// The key of the repository the head branch is in.
    public var headRepository: String
    public var headBranch: String
    /// The head commit, kept up to date with the branch while the pull request is open.
    public var headSHA: String
    public var baseBranch: String
    public var createdAt: String
    public var updatedAt: String
    public var closedAt: String?
    public var mergedAt: String?
    public var mergeCommitSHA: String?
    public var mergedBy: String?
    /// Its labels' names, in the order added (absent from records written before labels were kept).
    public var labels: [String]?

    public var merged: Bool { mergedAt != nil }
}

/// A write the fake accepted: what a test checks to say "only the fork is written to".
public struct HostedWrite: Sendable, Codable, Equatable {
    /// `owner/name` as the repository is named.
    public var repository: String
    /// `POST /repos/{owner}/{repo}/git/blobs`, as GitHub's documentation writes the path.
    public var endpoint: String
}
