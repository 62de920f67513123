import Foundation
import NIOHTTP1
import Providers
import Synchronization

/// A real HTTP server on 127.0.0.1 speaking GitHub's organisation-membership REST API:
/// members (with `role=admin`), invitations, memberships (an invitation until accepted),
/// team memberships; 100-item pages with `Link` headers; bearer-token checks; faults.
public final class FakeGitHubServer: FakeProvider {
    public struct State: Sendable, Equatable, Codable {
        public init() {}

        /// Existing GitHub accounts: login → immutable id.
        public var users: [String: Int] = [:]
        /// Organisation members: login → role (`admin` or `member`).
        public var members: [String: String] = [:]
        /// Pending invitations: login → invitation id.
        public var invitations: [String: Int] = [:]
        public var teams: [String: Set<String>] = [:]
        public var requests = 0
        /// Invitations sent to someone already invited or a member.
        public var repeatedInvitations = 0
    }

    public let token = "fake-github-token"
    /// When set, every valid login names an existing account (the standalone sandbox, where
    /// nobody registers users first).
    let everyLoginExists: Bool
    public let organization = "betagouv"
    public let state = FakeState(State())
    public let listener = FakeListener()
    let faults: FaultInjector

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
        guard request.headers.first(name: "Authorization") == "Bearer \(token)" else {
            return FakeReply(status: .unauthorized, json: ["message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"])
        }
        if let fault = faults.next() { return fault }
        let r = request.segments.map { $0.lowercased() }
        guard r.count >= 3, r[0] == "orgs", r[1] == organization else {
            return FakeReply(status: .notFound, json: ["message": "Not Found"])
        }
        return state.withLock { s -> FakeReply in
            func account(_ login: String) -> [String: Any] { ["login": login, "id": s.users[login] ?? 0, "type": "User"] }
            switch (request.method, Array(r.dropFirst(2))) {
            case (.GET, ["members"]):
                let role = request.query["role"] ?? "all"
                let logins = s.members.filter { role == "all" || $0.value == role }.keys.sorted()
                return page(logins, request, account)
            case (.GET, ["invitations"]):
                let pending = s.invitations.sorted { $0.key < $1.key }
                return page(pending, request) { ["id": $0.value, "login": $0.key, "role": "direct_member"] }
            case (.PUT, let p) where p.count == 2 && p[0] == "memberships":
                let login = p[1]
                if everyLoginExists && s.users[login] == nil { s.users[login] = 1_000 + s.users.count }
                guard s.users[login] != nil else { return FakeReply(status: .notFound, json: ["message": "Not Found"]) }
                if let role = s.members[login] {
                    return FakeReply(status: .ok, json: ["state": "active", "role": role])
                }
                if s.invitations[login] != nil { s.repeatedInvitations += 1 } else { s.invitations[login] = 5_000 + s.invitations.count }
                return FakeReply(status: .ok, json: ["state": "pending", "role": "member"])
            case (.DELETE, let p) where p.count == 2 && p[0] == "memberships":
                guard s.members.removeValue(forKey: p[1]) != nil || s.invitations.removeValue(forKey: p[1]) != nil else {
                    return FakeReply(status: .notFound, json: ["message": "Not Found"])
                }
                for team in s.teams.keys { s.teams[team]?.remove(p[1]) }
                return FakeReply(status: .noContent, json: [String: Any]())
            case (.GET, let p) where p.count == 3 && p[0] == "teams" && p[2] == "members":
                guard let team = s.teams[p[1]] else { return FakeReply(status: .notFound, json: ["message": "Not Found"]) }
                return page(team.sorted(), request, account)
            case (.PUT, let p) where p.count == 4 && p[0] == "teams" && p[2] == "memberships":
                guard s.teams[p[1]] != nil, s.members[p[3]] != nil else { return FakeReply(status: .notFound, json: ["message": "Not Found"]) }
                s.teams[p[1]]?.insert(p[3])
                return FakeReply(status: .ok, json: ["state": "active", "role": "member"])
            default:
                return FakeReply(status: .notFound, json: ["message": "Not Found"])
            }
        }
    }
}
