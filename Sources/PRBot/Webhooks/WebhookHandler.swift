import FicheSync
import Foundation
import Logging
import Providers

/// GitHub's webhooks for the content repository, as a library function the service mounts:
/// headers and raw body in, a status and what happened out.
///
/// - A missing or wrong `X-Hub-Signature-256` is refused (401) before anything is read or written.
/// - Each `X-GitHub-Delivery` is processed once: its row goes into `webhook_deliveries` in the
///   same transaction as its effect, so a redelivery (same id) is a no-op, and a delivery
///   whose effect failed leaves no row and can be redelivered.
/// - `pull_request` events become the same observations the polling pass makes, through the
///   same ``PullRequestWatcher``; a merge (or a `push` to the default branch) runs the
///   ``MergeFollowUp`` once the transaction is committed.
public struct WebhookHandler: Sendable {
    public struct Request: Sendable {
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(headers: [(name: String, value: String)], body: [UInt8]) {
            self.headers = headers
            self.body = body
        }

        /// Header names are case-insensitive.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public enum Outcome: Sendable, Equatable, CustomStringConvertible {
        case refused(String)
        /// A delivery id already processed: nothing done.
        case redelivery
        case ignored(String)
        case observed(number: Int, changes: [PullRequestState.Change])
        case pushed(ref: String)

        public var description: String {
            switch self {
            case .refused(let why): "refused: \(why)"
            case .redelivery: "redelivery: already processed"
            case .ignored(let why): "ignored: \(why)"
            case .observed(let number, let changes):
                "#\(number): \(changes.isEmpty ? "no change" : changes.map(\.description).joined(separator: ", "))"
            case .pushed(let ref): "push to \(ref)"
            }
        }
    }

    public struct Response: Sendable, Equatable {
        public var status: Int
        public var outcome: Outcome
        /// Members reconciled after a merge or a push to the default branch.
        public var reconciled: [String] = []
        /// The follow-up failed (the next polling pass does it again).
        public var followUpError: String?
    }

    public let secret: WebhookSecret
    public let github: GitHubClient
    public let watcher: PullRequestWatcher
    public let followUp: MergeFollowUp?
    let logger: Logger

    public init(secret: WebhookSecret, github: GitHubClient, watcher: PullRequestWatcher, followUp: MergeFollowUp?, logger: Logger) {
        self.secret = secret
        self.github = github
        self.watcher = watcher
        self.followUp = followUp
        self.logger = logger
    }

    /// Actions whose pull request may have new files: they are read again.
    static let readsFiles: Set<String> = ["opened", "synchronize", "reopened", "edited"]
    static let followed: Set<String> = readsFiles.union(["closed", "converted_to_draft", "ready_for_review"])

    /// - Parameter now: when the delivery arrived (its observation's time).
    public func handle(_ request: Request, now: Date) async -> Response {
        guard secret.verifies(request.header("X-Hub-Signature-256"), body: request.body) else {
            logger.warning("webhook refused: bad or missing signature")
            return Response(status: 401, outcome: .refused("bad or missing X-Hub-Signature-256"))
        }
        guard let delivery = request.header("X-GitHub-Delivery"), Self.isDeliveryID(delivery),
              let event = request.header("X-GitHub-Event"), event.count <= 64, event.allSatisfy({ $0.isLetter || $0 == "_" }) else {
            return Response(status: 400, outcome: .refused("X-GitHub-Delivery or X-GitHub-Event missing or malformed"))
        }
        do {
            switch event {
            case "pull_request": return try await pullRequest(request.body, delivery: delivery, now: now)
            case "push": return try await push(request.body, delivery: delivery, now: now)
            default: return try await record(delivery, event: event, now: now, .ignored("\(event) events are not followed"))
            }
        } catch let error as DecodingError {
            logger.warning("webhook payload not understood", metadata: ["event": "\(event)", "error": "\(error)"])
            return Response(status: 400, outcome: .refused("the \(event) payload does not have GitHub's shape"))
        } catch let problem as ObservationProblem {
            return Response(status: 400, outcome: .refused(problem.description))
        } catch {
            // Nothing was recorded: GitHub's redelivery (or the next poll) does it again.
            logger.error("webhook not processed", metadata: ["event": "\(event)", "error": "\(error)"])
            return Response(status: 500, outcome: .refused("not processed: \(error)"))
        }
    }

    private func pullRequest(_ body: [UInt8], delivery: String, now: Date) async throws -> Response {
        let payload = try JSONDecoder().decode(WebhookPayloads.PullRequestEvent.self, from: Data(body))
        guard payload.repository.fullName.lowercased() == watcher.repository.description.lowercased() else {
            return try await record(delivery, event: "pull_request", now: now, .ignored("not \(watcher.repository)"))
        }
        guard Self.followed.contains(payload.action) else {
            return try await record(delivery, event: "pull_request", now: now, .ignored("action \(payload.action)"))
        }
        let number = payload.pullRequest.number
        let watcher = self.watcher, logger = self.logger
        let known = try await watcher.database.withConnection {
            try await PullRequestStore(connection: $0, logger: logger).find(repository: watcher.repository.description, number: number)
        }
        var members: [String]?
        if Self.readsFiles.contains(payload.action) || known == nil {
            // Outside the transaction: no row is locked while GitHub answers.
            members = AuthorFiles.members(of: try await github.pullRequestFiles(watcher.repository, number: number))
        }
        if known == nil, members?.isEmpty ?? true {
            return try await record(delivery, event: "pull_request", now: now, .ignored("#\(number) adds or changes no author fiche"))
        }
        let observation = try PullRequestObservation(payload.pullRequest, members: members, observedAt: now)
        let transition: PullRequestState.Transition? = try await watcher.database.transaction { connection in
            guard try await PullRequestStore(connection: connection, logger: logger).claimDelivery(delivery, event: "pull_request", at: now) else {
                return nil
            }
            return try await watcher.observe(observation, on: connection)
        }
        guard let transition else { return Response(status: 200, outcome: .redelivery) }
        var response = Response(status: 200, outcome: .observed(number: number, changes: transition.changes))
        if transition.merged { await follow(merged: [transition.pullRequest], into: &response) }
        return response
    }

    private func push(_ body: [UInt8], delivery: String, now: Date) async throws -> Response {
        let payload = try JSONDecoder().decode(WebhookPayloads.PushEvent.self, from: Data(body))
        guard payload.repository.fullName.lowercased() == watcher.repository.description.lowercased() else {
            return try await record(delivery, event: "push", now: now, .ignored("not \(watcher.repository)"))
        }
        for sha in [payload.before, payload.after] where (try? GitHubClient.sha(sha)) == nil {
            throw ObservationProblem(code: .sha, description: "push: \"\(sha.prefix(80))\" is not a git sha")
        }
        guard let branch = payload.repository.defaultBranch, payload.ref == "refs/heads/\(branch)" else {
            return try await record(delivery, event: "push", now: now, .ignored("not a push to the default branch"))
        }
        var response = try await record(delivery, event: "push", now: now, .pushed(ref: payload.ref))
        if response.outcome != .redelivery { await follow(merged: [], into: &response) }
        return response
    }

    /// Records a delivery that has no effect of its own (or whose effect comes after).
    private func record(_ delivery: String, event: String, now: Date, _ outcome: Outcome) async throws -> Response {
        let logger = self.logger
        let fresh = try await watcher.database.transaction {
            try await PullRequestStore(connection: $0, logger: logger).claimDelivery(delivery, event: event, at: now)
        }
        return Response(status: 200, outcome: fresh ? outcome : .redelivery)
    }

    /// The merge's sync and narrowed reconcile; on success the PRs no longer owe it.
    private func follow(merged pulls: [FollowedPullRequest], into response: inout Response) async {
        guard let followUp else { return }
        do {
            response.reconciled = try await followUp.run(members: pulls.flatMap(\.members))
            let numbers = pulls.map(\.number), repository = watcher.repository.description, logger = self.logger
            if !numbers.isEmpty {
                try await watcher.database.withConnection {
                    try await PullRequestStore(connection: $0, logger: logger).markAccountsFollowed(repository: repository, numbers: numbers, at: Date())
                }
            }
        } catch {
            logger.error("the accounts follow-up of a merge failed; the next polling pass tries again", metadata: ["error": "\(error)"])
            response.followUpError = String(describing: error)
        }
    }

    /// GitHub's delivery ids are GUIDs; anything else of a sane length and alphabet is kept too.
    static func isDeliveryID(_ text: String) -> Bool {
        (1...100).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
}
