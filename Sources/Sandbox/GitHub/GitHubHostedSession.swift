import FicheSync
import Foundation
import NIOHTTP1

/// One hosted call's view of the repositories: the records (changed in place, saved by the
/// hosting when the call ends), the bare repositories opened so far, and who calls. Lives on
/// the one thread-pool thread that runs the call.
final class HostedSession {
    let hosting: GitHubHosting
    var records: HostedRecords
    let user: GitHubAccount
    /// The repository a write goes to when it is not the path's (a fork creates one).
    var written: String?
    private var opened: [String: GitRepository] = [:]

    init(hosting: GitHubHosting, records: HostedRecords, user: GitHubAccount) {
        self.hosting = hosting
        self.records = records
        self.user = user
    }

    /// The repository `owner/name`, 404 when it is not hosted (or its name is not one).
    func target(_ fullName: String) throws -> HostedTarget {
        let (owner, name) = try GitHubHosting.split(fullName)
        guard let record = records.repositories["\(owner)/\(name)".lowercased()] else { throw GitHubFailure(.notFound, "Not Found") }
        return HostedTarget(record: record, git: try git(record.network))
    }

    func target(_ call: GitHubCall) throws -> HostedTarget { try target("\(call["owner"])/\(call["repo"])") }

    private func git(_ network: String) throws -> GitRepository {
        if let open = opened[network] { return open }
        let repository = try GitRepository(at: hosting.networkPath(network))
        opened[network] = repository
        return repository
    }

    /// Answers `call` with `answer` once the caller may, recording a successful write.
    func answer(_ route: GitHubRoute, _ access: HostedAccess, _ call: GitHubCall, server: FakeGitHubServer,
                _ answer: GitHubRoute.HostedAnswer) throws -> FakeReply {
        let target = try target(call)
        if access == .write && !target.writable(by: user) {
            throw GitHubFailure(.forbidden, "Resource not accessible by personal access token")
        }
        let reply = try answer(server, call, self)
        if route.method != .GET && reply.status.code < 300 {
            records.writes.append(HostedWrite(repository: written ?? target.record.fullName, endpoint: route.endpoint))
            records.repositories[(written ?? target.record.fullName).lowercased()]?.pushedAt = GitHubClock.now
        }
        return reply
    }

    // MARK: Forks

    /// Makes `owner`'s fork of `source` (its refs copied into the fork's namespace), or
    /// returns the one that exists.
    func fork(_ source: HostedRepository, owner: String, ownerID: Int, ownerType: String, defaultBranchOnly: Bool) throws -> HostedRepository {
        let key = "\(owner)/\(source.name)".lowercased()
        if let existing = records.repositories[key] {
            guard existing.network == source.network else {
                throw GitHubFailure.validation("Repository", "name already exists on this account", field: "name")
            }
            return existing
        }
        let git = try git(source.network)
        var record = source
        record.owner = owner
        record.ownerID = ownerID
        record.ownerType = ownerType
        record.parent = source.key
        records.lastRepositoryID += 1
        record.id = records.lastRepositoryID
        record.createdAt = GitHubClock.now
        record.pushedAt = record.createdAt
        let prefix = source.referencePrefix + "heads/"
        for (name, oid) in try git.references(withPrefix: prefix) {
            let branch = String(name.dropFirst(prefix.count))
            if defaultBranchOnly && branch != source.defaultBranch { continue }
            try git.setReference(record.referencePrefix + "heads/" + branch, to: oid, force: true, message: "fork")
        }
        records.repositories[key] = record
        written = record.fullName
        return record
    }

    // MARK: Pull request heads

    /// A branch of `repository` moved to `sha` (or was deleted: nil): its open pull requests
    /// follow (GitHub's `synchronize`), or close when their head branch is gone.
    func headMoved(_ repository: HostedRepository, branch: String, to sha: GitOID?) throws {
        for (base, pulls) in records.pulls {
            for (index, pull) in pulls.enumerated()
            where pull.state == "open" && pull.headRepository == repository.key && pull.headBranch == branch {
                let target = try target(base)
                if let sha {
                    records.pulls[base]?[index].headSHA = sha.description
                    try target.git.setReference(target.record.referencePrefix + "pull/\(pull.number)/head", to: sha, force: true)
                } else {
                    records.pulls[base]?[index].state = "closed"
                    records.pulls[base]?[index].closedAt = GitHubClock.now
                }
                records.pulls[base]?[index].updatedAt = GitHubClock.now
            }
        }
    }

    // MARK: Shapes

    func repositoryObject(_ record: HostedRepository, _ objects: GitHubObjects) -> GitHubObjects.Repository {
        let forks = records.repositories.values.filter { $0.parent == record.key }.count
        return objects.repository(record, cloneURL: URL(fileURLWithPath: hosting.networkPath(record.network)).absoluteString,
                                  forks: forks, viewer: user)
    }

    func fullRepository(_ record: HostedRepository, _ objects: GitHubObjects) -> GitHubObjects.FullRepository {
        let parent = record.parent.flatMap { records.repositories[$0] }
        let source = records.repositories[record.network]
        let network = records.repositories.values.filter { $0.network == record.network }.count
        return GitHubObjects.FullRepository(
            repository: repositoryObject(record, objects),
            details: .init(network_count: network,
                           organization: record.ownerType == "Organization"
                               ? objects.account(login: record.owner, id: record.ownerID, type: "Organization") : nil,
                           parent: parent.map { repositoryObject($0, objects) },
                           source: record.parent == nil ? nil : source.map { repositoryObject($0, objects) }))
    }

    func account(_ login: String, _ objects: GitHubObjects) -> GitHubObjects.SimpleUser {
        let known = [GitHubAccount.bot, .maintainer].first { $0.login == login }
        if let owner = records.repositories.values.first(where: { $0.owner.lowercased() == login.lowercased() }) {
            return objects.account(login: owner.owner, id: owner.ownerID, type: owner.ownerType)
        }
        return objects.simpleUser(login: login, id: known?.id ?? 0)
    }
}

/// A hosted repository of a call, with the bare repository holding its objects.
struct HostedTarget {
    var record: HostedRepository
    var git: GitRepository

    /// The reference database name of `name` (`heads/x` or `refs/heads/x`) in this repository.
    func reference(_ name: String) -> String {
        record.referencePrefix + (name.hasPrefix("refs/") ? String(name.dropFirst(5)) : name)
    }

    /// The head of branch `name`, nil when there is none.
    func branch(_ name: String) throws -> GitOID? {
        guard GitHubNames.isBranch(name) else { return nil }
        return try git.reference(reference("heads/" + name))
    }

    func writable(by user: GitHubAccount) -> Bool {
        user.isMaintainer || (record.ownerType == "User" && record.owner.lowercased() == user.login)
    }

    /// The commit `ref` names: a full sha, a branch, or a tag; nil when none.
    func commit(_ ref: String) throws -> GitOID? {
        if let oid = GitHubNames.oid(ref), git.objectKind(oid) == .commit { return oid }
        let name = ref.hasPrefix("refs/") ? String(ref.dropFirst(5)) : ref
        for candidate in name.hasPrefix("heads/") || name.hasPrefix("tags/") ? [name] : ["heads/" + name, "tags/" + name] {
            guard GitHubNames.isReference("refs/" + candidate) else { continue }
            if let oid = try git.reference(reference(candidate)) { return oid }
        }
        return nil
    }
}
