import FicheSync
import Foundation
import NIOHTTP1
import Providers
import Synchronization

/// A real HTTP server on 127.0.0.1 speaking GitHub's organisation-membership REST API:
/// members (with `role=admin`), invitations, memberships (an invitation until accepted),
/// team memberships; invitations that expire after 7 days into `failed_invitations` and can
/// be cancelled; 100-item pages with `Link` headers; bearer-token checks; faults.
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
    public static func unstarted(faults: Faults = Faults(), teams: [String] = ["community"], everyLoginExists: Bool = false) -> FakeGitHubServer {
        FakeGitHubServer(faults: faults, teams: teams, everyLoginExists: everyLoginExists)
    }

    public static func start(faults: Faults = Faults(), teams: [String] = ["community"]) async throws -> FakeGitHubServer {
        let server = FakeGitHubServer(faults: faults, teams: teams)
        try await server.serve()
        return server
    }

    private init(faults: Faults, teams: [String], everyLoginExists: Bool = false) {
        self.faults = FaultInjector(faults)
        self.everyLoginExists = everyLoginExists
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

    func page<T>(_ items: [T], _ request: FakeRequest, _ json: (T) -> [String: Any]) -> FakeReply {
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
        return FakeReply(status: .ok, json: slice.map(json), headers: headers)
    }

    public func handle(_ request: FakeRequest) -> FakeReply {
        state.withLock { $0.requests += 1 }
        // GitHub takes both `Bearer <token>` and the older `token <token>` (PyGithub's).
        let authorization = request.headers.first(name: "Authorization")
        guard authorization == "Bearer \(token)" || authorization == "token \(token)" else {
            return FakeReply(status: .unauthorized, json: ["message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"])
        }
        if let fault = faults.next() { return fault }
        let reply = route(request)
        return faults.deliver(reply, changed: request.method != .GET && reply.status.code < 300)
    }

    private func route(_ request: FakeRequest) -> FakeReply {
        let r = request.segments.map { $0.lowercased() }
        let notFound = FakeReply(status: .notFound, json: ["message": "Not Found", "documentation_url": "https://docs.github.com/rest"])
        let now = Self.iso(clock.withLock { $0 })
        return state.withLock { s -> FakeReply in
            expireInvitations(&s)
            func exists(_ login: String) -> Bool {
                if everyLoginExists && s.users[login] == nil && Validator.isValidGitHubLogin(login) { s.users[login] = 1_000 + s.users.count }
                return s.users[login] != nil
            }
            func account(_ login: String) -> [String: Any] {
                let id = s.users[login] ?? 0
                return ["login": login, "id": id, "node_id": "U_\(id)", "type": "User", "site_admin": false,
                        "url": "\(request.base)/users/\(login)", "html_url": "https://github.com/\(login)"]
            }
            func invitation(id: Int, login: String, created: String, failedAt: String? = nil, reason: String? = nil) -> [String: Any] {
                ["id": id, "node_id": "OI_\(id)", "login": login, "email": NSNull(), "role": "direct_member", "created_at": created,
                 "failed_at": failedAt ?? NSNull(), "failed_reason": reason ?? NSNull(), "team_count": 0,
                 "inviter": ["login": "fichesync-bot", "id": 1, "type": "User"], "invitation_source": "member",
                 "invitation_teams_url": "\(request.base)/organizations/1/invitations/\(id)/teams"]
            }
            /// A new pending invitation (a notification to the person).
            func invite(_ login: String) -> Int {
                s.lastInvitationID += 1
                s.invitations[login] = s.lastInvitationID
                s.invitationTimes[login] = now
                s.invitationsSent += 1
                return s.lastInvitationID
            }
            if request.method == .GET, r.count == 2, r[0] == "users" {
                return exists(r[1]) ? FakeReply(status: .ok, json: account(r[1])) : notFound
            }
            guard r.count >= 2, r[0] == "orgs", r[1] == organization else { return notFound }
            switch (request.method, Array(r.dropFirst(2))) {
            case (.GET, []):
                return FakeReply(status: .ok, json: ["login": organization, "id": 1, "node_id": "O_1", "type": "Organization",
                                                     "url": "\(request.base)/orgs/\(organization)",
                                                     "members_url": "\(request.base)/orgs/\(organization)/members{/member}",
                                                     "public_members_url": "\(request.base)/orgs/\(organization)/public_members{/member}"])
            case (.GET, ["members"]):
                let role = request.query["role"] ?? "all"
                let logins = s.members.filter { role == "all" || $0.value == role }.keys.sorted()
                return page(logins, request, account)
            case (.GET, let p) where p.count == 2 && p[0] == "members":
                return s.members[p[1]] != nil ? .noContent : notFound
            case (.GET, ["invitations"]):
                let pending = s.invitations.sorted { $0.key < $1.key }
                return page(pending, request) { invitation(id: $0.value, login: $0.key, created: s.invitationTimes[$0.key] ?? now) }
            case (.POST, ["invitations"]):
                guard let body = request.json as? [String: Any], let inviteeID = body["invitee_id"] as? Int else {
                    return FakeReply(status: .unprocessableEntity, json: ["message": "Validation Failed", "errors": [["resource": "OrganizationInvitation", "code": "missing_field", "field": "invitee_id"]]])
                }
                guard let login = s.users.first(where: { $0.value == inviteeID })?.key else { return notFound }
                if s.members[login] != nil || s.invitations[login] != nil {
                    s.repeatedInvitations += 1
                    return FakeReply(status: .unprocessableEntity, json: ["message": "Validation Failed", "errors": [
                        ["resource": "OrganizationInvitation", "code": "unprocessable", "field": "data",
                         "message": s.members[login] != nil ? "Invitee is already a part of this organization" : "Invitee is already invited"],
                    ]])
                }
                let id = invite(login)
                return FakeReply(status: .created, json: invitation(id: id, login: login, created: now))
            case (.GET, ["failed_invitations"]):
                return page(s.failedInvitations, request) {
                    invitation(id: $0.id, login: $0.login, created: $0.createdAt, failedAt: $0.failedAt, reason: $0.failedReason)
                }
            case (.DELETE, let p) where p.count == 2 && p[0] == "invitations":
                guard let login = s.invitations.first(where: { String($0.value) == p[1] })?.key else { return notFound }
                s.invitations[login] = nil
                s.invitationTimes[login] = nil
                return .noContent
            case (.GET, let p) where p.count == 2 && p[0] == "memberships":
                let login = p[1]
                let state = s.members[login] != nil ? "active" : s.invitations[login] != nil ? "pending" : nil
                guard let state else { return notFound }
                return FakeReply(status: .ok, json: ["state": state, "role": s.members[login] == "admin" ? "admin" : "member", "user": account(login),
                                                     "organization": ["login": organization, "id": 1]])
            case (.PUT, let p) where p.count == 2 && p[0] == "memberships":
                let login = p[1]
                guard exists(login) else { return notFound }
                func membership(_ state: String, _ role: String) -> FakeReply {
                    FakeReply(status: .ok, json: ["state": state, "role": role, "url": "\(request.base)\(request.path)",
                                                  "organization_url": "\(request.base)/orgs/\(organization)",
                                                  "organization": ["login": organization, "id": 1], "user": account(login)])
                }
                if let role = s.members[login] { return membership("active", role) }
                if s.invitations[login] != nil { s.repeatedInvitations += 1 } else { _ = invite(login) }
                return membership("pending", "member")
            case (.DELETE, let p) where p.count == 2 && p[0] == "memberships":
                s.invitationTimes[p[1]] = nil
                guard s.members.removeValue(forKey: p[1]) != nil || s.invitations.removeValue(forKey: p[1]) != nil else { return notFound }
                for team in s.teams.keys { s.teams[team]?.remove(p[1]) }
                return .noContent
            case (.GET, let p) where p.count == 3 && p[0] == "teams" && p[2] == "members":
                guard let team = s.teams[p[1]] else { return notFound }
                return page(team.sorted(), request, account)
            case (.PUT, let p) where p.count == 4 && p[0] == "teams" && p[2] == "memberships":
                guard s.teams[p[1]] != nil, s.members[p[3]] != nil else { return notFound }
                s.teams[p[1]]?.insert(p[3])
                return FakeReply(status: .ok, json: ["state": "active", "role": "member", "url": "\(request.base)\(request.path)"])
            default:
                return notFound
            }
        }
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
