import FicheSync
import Foundation
import NIOHTTP1
import Providers
import Synchronization

/// A real HTTP server on 127.0.0.1 speaking GitHub's organisation-membership REST API:
/// members (with `role=admin`), invitations, memberships (an invitation until accepted),
/// team memberships, users by login and by id; invitations that expire after 7 days into
/// `failed_invitations` and can be cancelled; 100-item pages with `Link` headers;
/// bearer-token checks; faults.
///
/// This file holds the state, the public API tests and the sandbox use, and the routing; the
/// endpoints live by resource beside it (`GitHubOrgsRoutes`, `GitHubTeamsRoutes`,
/// `GitHubUsersRoutes`), and every answer is built from `GitHubObjects`, the complete shapes
/// of GitHub's published schema.
public final class FakeGitHubServer: FakeProvider {
    public struct State: Sendable, Equatable, Codable {
        public init() {}

        /// Existing GitHub accounts: login → immutable id.
        public var users: [String: Int] = [:]
        /// Organisation members: login → role (`admin` or `member`).
        public var members: [String: String] = [:]
        /// Pending invitations: login → invitation id.
        public var invitations: [String: Int] = [:]
        /// When each pending invitation was created (ISO 8601), by login.
        public var invitationTimes: [String: String] = [:]
        /// Expired (or refused) invitations, as `failed_invitations` lists them.
        public var failedInvitations: [FailedInvitation] = []
        public var teams: [String: Set<String>] = [:]
        public var requests = 0
        /// Invitations sent to someone already invited or a member.
        public var repeatedInvitations = 0
        /// Invitation notifications sent (each new invitation).
        public var invitationsSent = 0
        var lastInvitationID = 5_000

        public init(from decoder: any Decoder) throws {
            // Sandbox state saved by an earlier fichesync lacks the later fields.
            let c = try decoder.container(keyedBy: CodingKeys.self)
            users = try c.decode([String: Int].self, forKey: .users)
            members = try c.decode([String: String].self, forKey: .members)
            invitations = try c.decode([String: Int].self, forKey: .invitations)
            invitationTimes = try c.decodeIfPresent([String: String].self, forKey: .invitationTimes) ?? [:]
            failedInvitations = try c.decodeIfPresent([FailedInvitation].self, forKey: .failedInvitations) ?? []
            teams = try c.decode([String: Set<String>].self, forKey: .teams)
            requests = try c.decode(Int.self, forKey: .requests)
            repeatedInvitations = try c.decode(Int.self, forKey: .repeatedInvitations)
            invitationsSent = try c.decodeIfPresent(Int.self, forKey: .invitationsSent) ?? invitations.count
            lastInvitationID = try c.decodeIfPresent(Int.self, forKey: .lastInvitationID) ?? 5_000 + invitations.count
        }
    }

    public struct FailedInvitation: Sendable, Equatable, Codable {
        public var id: Int
        public var login: String
        public var createdAt: String
        public var failedAt: String
        public var failedReason: String
    }

    /// The fake's clock: invitation times, and their expiry after 7 days.
    private let clock = Mutex(Date())

    public let token = "fake-github-token"
    /// The token of the upstream's maintainer (`sandbox-maintainer`): the only one that may
    /// write to an organisation's repository — merge a pull request, move its branches.
    public let maintainerToken = "fake-github-maintainer-token"
    /// The GitHub App (JWT → installation tokens), for what needs one: check runs.
    public let app = FakeGitHubApp()
    /// The check runs apps wrote.
    let checkRuns = FakeCheckRuns()
    /// Comments on pull requests.
    let comments = FakeIssueComments()
    /// The repositories it hosts (nil: none, the fake serves only the organisation).
    public let hosting: GitHubHosting?
    /// Faults injected at one endpoint only (`POST /repos/{owner}/{repo}/git/blobs`…), so a
    /// client's test can fail each step of its work in turn.
    private let endpointFaults = Mutex<[String: FaultInjector]>([:])
    /// When set, every valid login names an existing account (the standalone sandbox, where
    /// nobody registers users first).
    let everyLoginExists: Bool
    public let organization = "betagouv"
    public let state = FakeState(State())
    public let listener = FakeListener()
    public let faults: FaultInjector

    public var apiURL: String { "http://127.0.0.1:\(port)" }
    public var credentials: GitHubCredentials { GitHubCredentials(apiURL: apiURL, token: token, organization: organization) }

    /// The fake without a server of its own, to mount on a shared one (`fichesync sandbox`).
    public static func unstarted(faults: Faults = Faults(), teams: [String] = ["community"], everyLoginExists: Bool = false,
                                 hosting: GitHubHosting? = nil) -> FakeGitHubServer {
        FakeGitHubServer(faults: faults, teams: teams, everyLoginExists: everyLoginExists, hosting: hosting)
    }

    /// With `hosting`, it also serves those repositories (Git Data API, contents, forks,
    /// pull requests).
    public static func start(faults: Faults = Faults(), teams: [String] = ["community"],
                             hosting: GitHubHosting? = nil) async throws -> FakeGitHubServer {
        let server = FakeGitHubServer(faults: faults, teams: teams, hosting: hosting)
        try await server.serve()
        return server
    }

    private init(faults: Faults, teams: [String], everyLoginExists: Bool = false, hosting: GitHubHosting? = nil) {
        self.faults = FaultInjector(faults)
        self.everyLoginExists = everyLoginExists
        self.hosting = hosting
        state.withLock { s in for team in teams { s.teams[team] = [] } }
    }


    public func addUsers(_ logins: [String]) {
        // Logins are case-insensitive on GitHub: the fake keys them in lowercase.
        state.withLock { s in for login in logins.map({ $0.lowercased() }) where s.users[login] == nil { s.users[login] = 1_000 + s.users.count } }
    }

    public func addMember(_ login: String, role: String = "member") {
        addUsers([login])
        state.withLock { $0.members[login.lowercased()] = role }
    }

    public func acceptInvitations() {
        state.withLock { s in
            for login in s.invitations.keys { s.members[login] = "member" }
            s.invitations = [:]
            s.invitationTimes = [:]
        }
    }

    /// Sets the fake's clock (invitations are dated by it and expire 7 days later).
    public func setClock(_ date: Date) { clock.withLock { $0 = date } }

    /// A user renames their account: same id, new login, everywhere.
    public func renameUser(_ old: String, to new: String) {
        let (old, new) = (old.lowercased(), new.lowercased())
        state.withLock { s in
            guard let id = s.users.removeValue(forKey: old) else { return }
            s.users[new] = id
            if let role = s.members.removeValue(forKey: old) { s.members[new] = role }
            if let invitation = s.invitations.removeValue(forKey: old) { s.invitations[new] = invitation }
            if let time = s.invitationTimes.removeValue(forKey: old) { s.invitationTimes[new] = time }
            for team in s.teams.keys where s.teams[team]?.remove(old) != nil { s.teams[team]?.insert(new) }
        }
    }

    /// `2026-11-25T11:00:00Z`, as GitHub writes times (UTC, so they sort as text).
    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    /// GitHub moves an invitation not accepted within 7 days to the failed ones. Runs on
    /// every request, so it compares the times as text rather than parsing each one.
    private func expireInvitations(_ s: inout State) {
        let now = clock.withLock { $0 }
        let cutoff = Self.iso(now.addingTimeInterval(-7 * 86_400))
        for (login, time) in s.invitationTimes where time <= cutoff {
            guard let id = s.invitations.removeValue(forKey: login) else { continue }
            s.invitationTimes[login] = nil
            let failedAt = (try? Date(time, strategy: .iso8601)).map { Self.iso($0.addingTimeInterval(7 * 86_400)) } ?? cutoff
            s.failedInvitations.append(FailedInvitation(id: id, login: login, createdAt: time, failedAt: failedAt,
                                                        failedReason: "Invitation expired"))
        }
    }

    /// One page of `items` (`per_page`, at most 100; `page` from 1), with GitHub's `Link:
    /// <…>; rel="next"` header while more follow.
    func page<T, Item: Encodable>(_ items: [T], _ request: FakeRequest, _ json: (T) -> Item) -> FakeReply {
        let perPage = min(Int(request.query["per_page"] ?? "30") ?? 30, 100)
        let page = max(Int(request.query["page"] ?? "1") ?? 1, 1)
        let slice = Array(items.dropFirst((page - 1) * perPage).prefix(perPage))
        var headers: [(String, String)] = []
        if page * perPage < items.count {
            var query = request.query
            query["page"] = String(page + 1)
            let next = "\(request.base)\(request.path)?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            headers.append(("Link", "<\(next)>; rel=\"next\""))
        }
        return FakeReply(status: .ok, encoding: slice.map(json), headers: headers)
    }

    public func handle(_ request: FakeRequest) -> FakeReply {
        state.withLock { $0.requests += 1 }
        let now = clock.withLock { $0 }
        let segments = request.segments
        if request.method == .POST, segments.count == 4, segments[0] == "app", segments[1] == "installations", segments[3] == "access_tokens" {
            // The app authenticates with its JWT, not a token.
            if let fault = faults.next() { return fault }
            return app.mintToken(request, installation: segments[2], now: now, objects: GitHubObjects(api: request.base, organization: organization))
        }
        // GitHub takes both `Bearer <token>` and the older `token <token>` (PyGithub's).
        let authorization = request.headers.first(name: "Authorization")
        let account: GitHubAccount
        switch authorization {
        case "Bearer \(token)", "token \(token)": account = .bot
        case "Bearer \(maintainerToken)", "token \(maintainerToken)": account = .maintainer
        case .some(let header) where (header.hasPrefix("Bearer ") && app.isValidInstallationToken(String(header.dropFirst(7)), at: now))
            || (header.hasPrefix("token ") && app.isValidInstallationToken(String(header.dropFirst(6)), at: now)):
            account = .app
        default: return GitHubCall.error(.unauthorized, "Bad credentials", documentation: GitHubRoute.documentationRoot)
        }
        if let fault = faults.next() { return fault }
        let method = request.method
        return route(request, as: account).then { [faults] reply in
            faults.deliver(reply, changed: method != .GET && reply.status.code < 300)
        }
    }

    /// From now on, `faults` are injected at `endpoint` (`POST /repos/{owner}/{repo}/git/trees`,
    /// as the route table writes it) on top of the fake's own; `Faults()` removes them.
    public func setFaults(_ faults: Faults, on endpoint: String) {
        endpointFaults.withLock { $0[endpoint] = FaultInjector(faults) }
    }

    /// The faults injected so far at `endpoint`.
    public func injectedFaults(on endpoint: String) -> FaultCounts {
        endpointFaults.withLock { $0[endpoint]?.counts } ?? FaultCounts()
    }

    /// Every endpoint the fake serves, as `setFaults(_:on:)` names them.
    public static var endpoints: [String] { routes.map(\.endpoint) }

    /// Every endpoint the fake serves, resource by resource (one file each). A new resource —
    /// the PR bot's repos, git data, pulls, issues, checks — is one more file of routes and
    /// one more entry here, not more cases in one switch.
    static let routes: [GitHubRoute] = usersRoutes + orgsRoutes + teamsRoutes + reposRoutes + gitDataRoutes + pullsRoutes + checksRoutes + issuesRoutes

    /// Finds the route for the request and answers it under the state's lock. A path under
    /// `/orgs/{org}` for another organisation is 404, as GitHub answers an organisation the
    /// token cannot see.
    private func route(_ request: FakeRequest, as account: GitHubAccount) -> FakeReply {
        let objects = GitHubObjects(api: request.base, organization: organization)
        let now = Self.iso(clock.withLock { $0 })
        let segments = request.segments
        for route in Self.routes where route.method == request.method {
            guard let (parameters, raw) = route.match(segments) else { continue }
            var call = GitHubCall(request: request, parameters: parameters, now: now, objects: objects,
                                  documentation: route.documentation)
            call.raw = raw
            if let org = parameters["org"], org != organization { return call.notFound() }
            let injector = endpointFaults.withLock { $0[route.endpoint] }
            if let fault = injector?.next() { return fault }
            let reply: FakeReply
            switch route.work {
            case .state(let answer):
                reply = state.withLock { s -> FakeReply in
                    expireInvitations(&s)
                    return answer(self, call, &s)
                }
            case .hosted(let access, let answer):
                guard let hosting else { return call.notFound() }
                reply = .blocking { [self, call] in
                    do {
                        return try hosting.run(as: account) { session in
                            try session.answer(route, access, call, server: self, answer)
                        }
                    } catch let failure as GitHubFailure {
                        return failure.reply(documentation: call.documentation)
                    } catch {
                        return GitHubCall.error(.internalServerError, "sandbox: \(error)", documentation: call.documentation)
                    }
                }
            }
            guard let injector else { return reply }
            return reply.then { reply in injector.deliver(reply, changed: request.method != .GET && reply.status.code < 300) }
        }
        return GitHubCall.error(.notFound, "Not Found", documentation: GitHubRoute.documentationRoot)
    }

    /// Whether `login` names an account, registering it first in the standalone sandbox
    /// (where every valid login exists).
    func exists(_ login: String, in s: inout State) -> Bool {
        if everyLoginExists && s.users[login] == nil && Validator.isValidGitHubLogin(login) { s.users[login] = 1_000 + s.users.count }
        return s.users[login] != nil
    }
}

extension FakeGitHubServer.State: RecordedFakeState {
    public static let fields: [FakeField<Self>] = [
        .map("users", \.users), .map("members", \.members), .map("invitations", \.invitations),
        .map("invitationTimes", \.invitationTimes), .value("failedInvitations", \.failedInvitations), .setMap("teams", \.teams),
        .counter("requests", \.requests), .value("repeatedInvitations", \.repeatedInvitations),
        .value("invitationsSent", \.invitationsSent), .value("lastInvitationID", \.lastInvitationID),
    ]
}
