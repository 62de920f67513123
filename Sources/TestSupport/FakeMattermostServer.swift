import Foundation
import NIOHTTP1
import Providers
import Synchronization

/// A real HTTP server on 127.0.0.1 speaking the Mattermost API v4 paths reconcile uses
/// (users with `page`/`per_page`/`in_team`, team invitations by email, team members), with
/// bearer-token checks and injectable faults.
public final class FakeMattermostServer: FakeProvider {
    public struct User: Sendable, Equatable, Codable {
        public var id: String
        public var username: String
        public var email: String

        public init(id: String, username: String, email: String) {
            self.id = id
            self.username = username
            self.email = email
        }
    }

    public struct State: Sendable, Equatable, Codable {
        public init() {}

        public var users: [String: User] = [:]               // id → user
        public var teams: [String: Set<String>] = [:]        // team id → user ids
        public var invitations: [String: Set<String>] = [:]  // team id → invited emails
        public var requests = 0
        public var unauthorized = 0
    }

    public let token = "fake-bot-token"
    public let communityTeamID = "communityteamid0000000000a"
    public let alumniTeamID = "alumniteamid000000000000000"
    public let state = FakeState(State())
    public let listener = FakeListener()
    let faults: FaultInjector

    public var url: String { "http://127.0.0.1:\(port)" }
    public var credentials: MattermostCredentials { MattermostCredentials(url: url, token: token) }

    /// The fake without a server of its own, to mount on a shared one (`fichesync sandbox`).
    public static func unstarted(faults: Faults = Faults()) -> FakeMattermostServer {
        FakeMattermostServer(faults: faults)
    }

    public static func start(faults: Faults = Faults()) async throws -> FakeMattermostServer {
        let server = FakeMattermostServer(faults: faults)
        try await server.serve()
        return server
    }

    private init(faults: Faults) {
        self.faults = FaultInjector(faults)
        state.withLock { $0.teams = [communityTeamID: [], alumniTeamID: []] }
    }


    /// Adds a user directly (an account made outside fichesync).
    public func addUser(username: String, email: String, teams: [String]) {
        state.withLock { s in
            let id = Self.id(for: username)
            s.users[id] = User(id: id, username: username, email: email)
            for team in teams { s.teams[team, default: []].insert(id) }
        }
    }

    /// Everyone invited signs up: their account exists and is in the team.
    public func acceptInvitations() {
        state.withLock { s in
            for (team, emails) in s.invitations {
                for email in emails {
                    let username = String(email.prefix { $0 != "@" })
                    let id = Self.id(for: username)
                    s.users[id] = User(id: id, username: username, email: email)
                    s.teams[team, default: []].insert(id)
                }
            }
            s.invitations = [:]
        }
    }

    /// Mattermost ids are 26 lowercase letters and digits.
    static func id(for username: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in username.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let text = String(hash, radix: 36) + String(UInt64(username.utf8.count) &* 2_654_435_761, radix: 36)
        return String((text + String(repeating: "0", count: 26)).prefix(26))
    }

    func json(_ user: User) -> [String: Any] {
        ["id": user.id, "username": user.username, "email": user.email, "delete_at": 0, "roles": "system_user"]
    }

    public func handle(_ request: FakeRequest) -> FakeReply {
        state.withLock { $0.requests += 1 }
        guard request.headers.first(name: "Authorization") == "Bearer \(token)" else {
            state.withLock { $0.unauthorized += 1 }
            return FakeReply(status: .unauthorized, json: ["id": "api.context.session_expired.app_error", "message": "Invalid or expired session, please login again.", "status_code": 401])
        }
        if let fault = faults.next() { return fault }
        let route = request.segments
        return state.withLock { s -> FakeReply in
            switch (request.method, route) {
            case (.GET, ["api", "v4", "users"]):
                let page = Int(request.query["page"] ?? "0") ?? 0
                let perPage = min(Int(request.query["per_page"] ?? "60") ?? 60, 200)
                var users = s.users.values.sorted { $0.username < $1.username }
                if let team = request.query["in_team"] {
                    let members = s.teams[team] ?? []
                    users = users.filter { members.contains($0.id) }
                }
                let slice = users.dropFirst(page * perPage).prefix(perPage)
                return FakeReply(status: .ok, json: slice.map(json))
            case (.POST, let r) where r.count == 6 && r[2] == "teams" && r[4] == "invite" && r[5] == "email":
                guard s.teams[r[3]] != nil, let emails = request.json as? [String] else {
                    return FakeReply(status: .badRequest, json: ["id": "api.team.invite_members.no_one.app_error", "message": "Invalid request", "status_code": 400])
                }
                s.invitations[r[3], default: []].formUnion(emails)
                return FakeReply(status: .ok, json: ["status": "OK"])
            case (.POST, let r) where r.count == 5 && r[2] == "teams" && r[4] == "members":
                guard s.teams[r[3]] != nil, let userID = (request.json as? [String: Any])?["user_id"] as? String, s.users[userID] != nil else {
                    return FakeReply(status: .badRequest, json: ["message": "Invalid team or user", "status_code": 400])
                }
                s.teams[r[3], default: []].insert(userID)
                return FakeReply(status: .created, json: ["team_id": r[3], "user_id": userID, "roles": "team_user"])
            case (.DELETE, let r) where r.count == 6 && r[2] == "teams" && r[4] == "members":
                guard s.teams[r[3]]?.remove(r[5]) != nil else {
                    return FakeReply(status: .notFound, json: ["message": "Team member not found", "status_code": 404])
                }
                return FakeReply(status: .ok, json: ["status": "OK"])
            default:
                return FakeReply(status: .notFound, json: ["id": "api.context.404.app_error", "message": "Sorry, we could not find the page.", "status_code": 404])
            }
        }
    }
}
