import Foundation
import NIOHTTP1
import Providers
import Synchronization

/// A real HTTP server on 127.0.0.1 speaking the Mattermost API v4 paths reconcile and the
/// official drivers use (the token's own user, users with `page`/`per_page`/`in_team`, a user
/// by id or email, team invitations by email, team members), with bearer-token checks,
/// Mattermost's error bodies (`id`, `message`, `detailed_error`, `request_id`,
/// `status_code`) and injectable faults.
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

    /// A post, as kept (direct messages from the bot).
    public struct Post: Sendable, Equatable, Codable {
        public var id: String
        public var channelID: String
        public var userID: String
        public var message: String
        public var pendingPostID: String
        public var createAt: Int
    }

    public struct State: Sendable, Equatable, Codable {
        public init() {}

        /// Direct-message channels: id (`<user>__<user>`, sorted) → its two members.
        public var directChannels: [String: Set<String>] = [:]
        /// Posts by id.
        public var posts: [String: Post] = [:]

        public var users: [String: User] = [:]               // id → user
        public var teams: [String: Set<String>] = [:]        // team id → user ids
        public var invitations: [String: Set<String>] = [:]  // team id → invited emails
        public var requests = 0
        public var unauthorized = 0
        /// Invitation emails sent to an address already invited to that team (Mattermost
        /// sends them again: a retried invitation costs an email, never an account).
        public var repeatedInvitations = 0
    }

    public let token = "fake-bot-token"
    public let communityTeamID = "communityteamid0000000000a"
    public let alumniTeamID = "alumniteamid000000000000000"
    /// The bot the token belongs to (`GET /users/me`). It is not in the lists, so the
    /// population a test builds is exactly what the lists show.
    public let bot = User(id: "fichesyncbot00000000000000", username: "fichesync-bot", email: "fichesync-bot@localhost")
    public let state = FakeState(State())
    public let listener = FakeListener()
    public let faults: FaultInjector

    public var url: String { "http://127.0.0.1:\(port)" }
    public var credentials: MattermostCredentials { MattermostCredentials(url: url, token: token) }

    /// The fake without a server of its own, to mount on a shared one (`fichesync sandbox`).
    public static func unstarted(faults: Faults = Faults()) -> FakeMattermostServer {
        FakeMattermostServer(faults: faults)
    }

    /// - Parameter port: 0 for a free one (tests that count what a server receives pick one
    ///   outside the ephemeral range, where no other test's client can still be retrying).
    public static func start(faults: Faults = Faults(), port: Int = 0) async throws -> FakeMattermostServer {
        let server = FakeMattermostServer(faults: faults)
        try await server.serve(port: port)
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

    /// Everyone invited signs up: their account exists and is in the team. People choose
    /// their username when they sign up (by default, the address's local part).
    public func acceptInvitations(username choose: (String) -> String = { String($0.prefix { $0 != "@" }) }) {
        state.withLock { s in
            for (team, emails) in s.invitations {
                for email in emails {
                    let username = choose(email)
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

    /// A user as `GET /users` shows it to an administrator. Encoded with `JSONEncoder`:
    /// lists of thousands of users are the benchmark's bulk, and dictionaries through
    /// `JSONSerialization` cost ten times more.
    struct UserJSON: Encodable {
        var id, username, email: String
        var create_at = 1_700_000_000_000, update_at = 1_700_000_000_000, delete_at = 0
        var auth_data = "", auth_service = "", nickname = "", first_name = "", last_name = "", position = ""
        var email_verified = true
        var roles = "system_user", locale = "fr"
        var timezone = ["automaticTimezone": "", "manualTimezone": "", "useAutomaticTimezone": "true"]
        var is_bot = false

        init(_ user: User, bot: Bool = false) {
            id = user.id
            username = user.username
            email = user.email
            if bot {
                is_bot = true
                roles = "system_user system_admin"
            }
        }
    }

    /// A team member as `POST /teams/{team_id}/members` answers it.
    static func member(team: String, user: String) -> [String: Any] {
        ["team_id": team, "user_id": user, "roles": "team_user", "delete_at": 0, "scheme_guest": false, "scheme_user": true,
         "scheme_admin": false, "explicit_roles": ""]
    }

    public func handle(_ request: FakeRequest) -> FakeReply {
        let number = state.withLock { s -> Int in
            s.requests += 1
            return s.requests
        }
        // Mattermost names every request; its errors repeat the id.
        let requestID = String((String(number, radix: 36) + String(repeating: "r", count: 26)).prefix(26))
        var reply = respond(to: request, requestID: requestID)
        reply.headers.append(("X-Request-Id", requestID))
        reply.headers.append(("X-Version-Id", "9.11.0.fake"))
        return reply
    }

    private func respond(to request: FakeRequest, requestID: String) -> FakeReply {
        func error(_ status: HTTPResponseStatus, _ id: String, _ message: String, detail: String = "") -> FakeReply {
            Self.error(status, id: id, message: message, detail: detail, requestID: requestID)
        }
        guard request.headers.first(name: "Authorization") == "Bearer \(token)" else {
            state.withLock { $0.unauthorized += 1 }
            return error(.unauthorized, "api.context.session_expired.app_error", "Invalid or expired session, please login again.",
                         detail: "token=… Appears to be a bad token")
        }
        // Faults before the work: a failed request changes nothing.
        if let fault = faults.next() { return fault }
        let route = request.segments
        guard route.count >= 3, route[0] == "api", route[1] == "v4" else {
            return error(.notFound, "api.context.404.app_error", "Sorry, we could not find the page.")
        }
        var forced = false
        let reply = state.withLock { s -> FakeReply in
            switch (request.method, Array(route.dropFirst(2))) {
            case (.GET, ["users", "me"]):
                return FakeReply(status: .ok, encoding: UserJSON(bot, bot: true))
            case (.GET, ["users"]):
                let page = max(Int(request.query["page"] ?? "0") ?? 0, 0)
                let perPage = min(max(Int(request.query["per_page"] ?? "60") ?? 60, 0), 200)
                var users = s.users.values.sorted { $0.username < $1.username }
                if let team = request.query["in_team"] {
                    let members = s.teams[team] ?? []
                    users = users.filter { members.contains($0.id) }
                }
                let slice = users.dropFirst(page * perPage).prefix(perPage)
                return FakeReply(status: .ok, encoding: slice.map { UserJSON($0) })
            case (.GET, let r) where r.count == 3 && r[0] == "users" && r[1] == "email":
                guard let user = s.users.values.first(where: { $0.email.lowercased() == r[2].lowercased() }) else {
                    return error(.notFound, "app.user.missing_account.const", "Unable to find the user.")
                }
                return FakeReply(status: .ok, encoding: UserJSON(user))
            case (.GET, let r) where r.count == 2 && r[0] == "users":
                guard let user = s.users[r[1]] else {
                    return error(.notFound, "app.user.missing_account.const", "Unable to find the user.")
                }
                return FakeReply(status: .ok, encoding: UserJSON(user))
            case (.POST, let r) where r.count == 4 && r[0] == "teams" && r[2] == "invite" && r[3] == "email":
                guard s.teams[r[1]] != nil else { return error(.notFound, "app.team.get_by_invite_id.finding.app_error", "Unable to find the existing team.") }
                guard let emails = request.json as? [String], !emails.isEmpty else {
                    return error(.badRequest, "api.team.invite_members.no_one.app_error", "No one to invite.")
                }
                // Mattermost sends the invitation again to an address already invited: no error.
                let already = s.invitations[r[1], default: []].intersection(emails)
                s.repeatedInvitations += already.count
                s.invitations[r[1], default: []].formUnion(emails)
                return FakeReply(status: .ok, json: ["status": "OK"])
            case (.POST, let r) where r.count == 3 && r[0] == "teams" && r[2] == "members":
                let body = request.json as? [String: Any]
                guard let userID = body?["user_id"] as? String, body?["team_id"] as? String == r[1] else {
                    return error(.badRequest, "api.context.invalid_body_param.app_error", "Invalid or missing team_id or user_id in request body.")
                }
                guard s.teams[r[1]] != nil else { return error(.notFound, "app.team.get.find.app_error", "Unable to find the existing team.") }
                guard s.users[userID] != nil else { return error(.notFound, "app.user.missing_account.const", "Unable to find the user.") }
                // Adding a member again is no error: Mattermost answers the existing membership.
                let inserted = s.teams[r[1], default: []].insert(userID).inserted
                if inserted && faults.answersAlreadyExists() {
                    // Two requests racing: the other one saved the membership first.
                    forced = true
                    return error(.badRequest, "app.team.join_user_to_team.save_member.conflict.app_error",
                                 "Unable to save the new team member since it already exists.")
                }
                return FakeReply(status: .created, json: Self.member(team: r[1], user: userID))
            case (.POST, ["channels", "direct"]):
                // Mattermost's body is the two user ids; the channel is found again when it exists.
                guard let ids = request.json as? [String], ids.count == 2 else {
                    return error(.badRequest, "api.context.invalid_body_param.app_error", "Invalid or missing user_ids in request body.")
                }
                let everyone = Set(s.users.keys).union([bot.id])
                guard ids.allSatisfy(everyone.contains) else { return error(.badRequest, "api.channel.create_direct_channel.invalid_user.app_error", "Invalid user ID for direct channel creation.") }
                let pair = ids.sorted()
                let name = "\(pair[0])__\(pair[1])"
                let id = Self.id(for: name)
                let isNew = s.directChannels[id] == nil
                s.directChannels[id] = Set(ids)
                // 201 for a new channel and for one that existed: the API reference documents no other success.
                _ = isNew
                return FakeReply(status: .created, json: Self.channel(id: id, name: name))
            case (.POST, ["posts"]):
                let body = request.json as? [String: Any]
                guard let channel = body?["channel_id"] as? String, let message = body?["message"] as? String else {
                    return error(.badRequest, "api.context.invalid_body_param.app_error", "Invalid or missing channel_id in request body.")
                }
                guard let members = s.directChannels[channel] else { return error(.forbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.") }
                guard members.contains(bot.id) else { return error(.forbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.") }
                let pending = body?["pending_post_id"] as? String ?? ""
                // Mattermost drops a repeated pending_post_id: the first post is answered again.
                if !pending.isEmpty, let existing = s.posts.values.first(where: { $0.pendingPostID == pending }) {
                    return FakeReply(status: .created, json: Self.post(existing))
                }
                let id = Self.id(for: "post\(s.posts.count)-\(channel)")
                let post = Post(id: id, channelID: channel, userID: bot.id, message: message, pendingPostID: pending,
                                createAt: 1_700_000_000_000 + s.posts.count)
                s.posts[id] = post
                return FakeReply(status: .created, json: Self.post(post))
            case (.DELETE, let r) where r.count == 4 && r[0] == "teams" && r[2] == "members":
                guard s.teams[r[1]] != nil else { return error(.notFound, "app.team.get.find.app_error", "Unable to find the existing team.") }
                guard s.teams[r[1]]?.remove(r[3]) != nil else {
                    return error(.notFound, "app.team.get_member.missing.app_error", "No team member found for that user ID and team ID.")
                }
                return FakeReply(status: .ok, json: ["status": "OK"])
            default:
                return error(.notFound, "api.context.404.app_error", "Sorry, we could not find the page.",
                             detail: "There doesn't appear to be an api call for the url='\(request.path)'.")
            }
        }
        // Faults after the work: the answer to a done change may be lost, or late.
        return faults.deliver(reply, changed: request.method != .GET && reply.status.code < 300 || forced)
    }

    /// A direct channel as Mattermost's API reference shows `Channel`.
    static func channel(id: String, name: String) -> [String: Any] {
        ["id": id, "create_at": 1_700_000_000_000, "update_at": 1_700_000_000_000, "delete_at": 0, "team_id": "", "type": "D",
         "display_name": "", "name": name, "header": "", "purpose": "", "last_post_at": 0, "total_msg_count": 0,
         "extra_update_at": 0, "creator_id": ""]
    }

    /// A post as Mattermost's API reference shows `Post`.
    static func post(_ post: Post) -> [String: Any] {
        ["id": post.id, "create_at": post.createAt, "update_at": post.createAt, "edit_at": 0, "delete_at": 0, "is_pinned": false,
         "user_id": post.userID, "channel_id": post.channelID, "root_id": "", "original_id": "", "message": post.message,
         "type": "", "props": [String: Any](), "hashtags": "", "pending_post_id": post.pendingPostID, "reply_count": 0,
         "metadata": [String: Any]()]
    }

    /// The direct messages a user got from the bot, oldest first.
    public func directMessages(toEmail email: String) -> [Post] {
        state.withLock { s in
            guard let user = s.users.values.first(where: { $0.email.lowercased() == email.lowercased() }) else { return [] }
            let channels = Set(s.directChannels.filter { $0.value.contains(user.id) }.keys)
            return s.posts.values.filter { channels.contains($0.channelID) }.sorted { $0.createAt < $1.createAt }
        }
    }

    /// Mattermost's error body: an id to switch on, a message for people, the request's id.
    static func error(_ status: HTTPResponseStatus, id: String, message: String, detail: String, requestID: String) -> FakeReply {
        FakeReply(status: status, json: ["id": id, "message": message, "detailed_error": detail, "request_id": requestID,
                                         "status_code": Int(status.code)])
    }
}

extension FakeMattermostServer.State: RecordedFakeState {
    public static let fields: [FakeField<Self>] = [
        .map("users", \.users), .setMap("teams", \.teams), .setMap("invitations", \.invitations),
        .setMap("directChannels", \.directChannels), .map("posts", \.posts),
        .counter("requests", \.requests), .counter("unauthorized", \.unauthorized), .value("repeatedInvitations", \.repeatedInvitations),
    ]
}
