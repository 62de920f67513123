import AsyncHTTPClient
import Crypto
import Foundation

/// A typed client for the parts of the Mattermost API reconcile uses. Lists are paginated
/// (`page`, `per_page=200`) until a short page.
public struct MattermostClient: Sendable {
    public struct User: Codable, Sendable, Equatable {
        public var id: String
        public var username: String
        public var email: String
    }

    /// The body of `POST /teams/{team_id}/members`.
    struct TeamMember: Encodable {
        var teamID: String
        var userID: String

        enum CodingKeys: String, CodingKey {
            case teamID = "team_id", userID = "user_id"
        }
    }

    public let transport: ProviderTransport
    static let pageSize = 200

    public init(http: HTTPClient, credentials: MattermostCredentials, policy: HTTPPolicy = HTTPPolicy()) {
        self.init(http: http, url: credentials.url, tokens: StaticToken(credentials.token), policy: policy)
    }

    public init(http: HTTPClient, url: String, tokens: any TokenSource, policy: HTTPPolicy = HTTPPolicy()) {
        transport = ProviderTransport(provider: "mattermost", baseURL: url, setting: MattermostCredentials.urlVariable, http: http,
                                      policy: policy, authenticator: BearerAuthenticator(tokens), errorBody: MattermostErrorBody.self)
    }

    /// Every user, or the users of one team.
    public func users(inTeam team: String? = nil) async throws -> [User] {
        var all: [User] = []
        var page = 0
        while true {
            var path = "/api/v4/users?page=\(page)&per_page=\(Self.pageSize)"
            if let team { path += "&in_team=\(try Self.segment(team))" }
            let users = try await transport.send(ProviderRoute(.GET, path), as: [User].self).value
            all += users
            if users.count < Self.pageSize { return all }
            page += 1
        }
    }

    /// Invites an address to a team (the person creates their account from the email).
    /// Not repeatable: Mattermost sends the email again to an address already invited, so an
    /// invitation whose answer was lost fails with `outcomeUnknown` rather than risk a second email.
    public func invite(email: String, toTeam team: String) async throws {
        _ = try await transport.send(ProviderRoute(.POST, "/api/v4/teams/\(try Self.segment(team))/invite/email"), body: [email])
    }

    /// Adds a user to a team. Repeatable: adding a member again is no error on Mattermost;
    /// two additions racing (a retry of one whose answer was lost) may meet its "already
    /// exists" conflict, which means the work is done.
    public func addToTeam(userID: String, team: String) async throws {
        let route = ProviderRoute(.POST, "/api/v4/teams/\(try Self.segment(team))/members",
                                  alreadyDoneCodes: ["app.team.join_user_to_team.save_member.conflict.app_error"])
        _ = try await transport.send(route.repeatable(), body: TeamMember(teamID: team, userID: userID))
    }

    public func removeFromTeam(userID: String, team: String) async throws {
        _ = try await transport.send(ProviderRoute(.DELETE, "/api/v4/teams/\(try Self.segment(team))/members/\(try Self.segment(userID))",
                                                   alreadyDone: [404]))
    }

    /// A direct-message channel (`POST /channels/direct` answers its `id`, `type` `D`, `name`).
    public struct Channel: Codable, Sendable, Equatable {
        public var id: String
        public var type: String
        public var name: String
    }

    /// A post as `POST /posts` answers it (the fields fichesync reads).
    public struct Post: Codable, Sendable, Equatable {
        public var id: String
        public var channelID: String
        public var userID: String
        public var message: String
        public var pendingPostID: String?

        enum CodingKeys: String, CodingKey {
            case id, message, channelID = "channel_id", userID = "user_id", pendingPostID = "pending_post_id"
        }
    }

    struct NewPost: Encodable {
        var channelID: String
        var message: String
        var pendingPostID: String

        enum CodingKeys: String, CodingKey {
            case message, channelID = "channel_id", pendingPostID = "pending_post_id"
        }
    }

    /// The token's own user (the bot).
    public func me() async throws -> User {
        try await transport.send(ProviderRoute(.GET, "/api/v4/users/me"), as: User.self).value
    }

    /// The account with `email`, or `nil` when there is none (Mattermost answers 404).
    public func user(email: String) async throws -> User? {
        let segment = try PathSegment.validated(email, extra: ["@", "+"], provider: "mattermost", what: "an email address")
        do {
            return try await transport.send(ProviderRoute(.GET, "/api/v4/users/email/\(segment)"), as: User.self).value
        } catch let error as ProviderError where error.status == 404 {
            return nil
        }
    }

    /// The direct-message channel between two users. Repeatable: Mattermost answers the
    /// existing channel when there is one.
    public func directChannel(_ first: String, _ second: String) async throws -> Channel {
        _ = try Self.segment(first)
        _ = try Self.segment(second)
        return try await transport.send(ProviderRoute(.POST, "/api/v4/channels/direct").repeatable(), body: [first, second], as: Channel.self).value
    }

    /// Posts `message` in a channel. Not repeatable as such, but `pendingPostID` lets
    /// Mattermost drop a second post with the same id.
    public func post(channelID: String, message: String, pendingPostID: String) async throws -> Post {
        _ = try Self.segment(channelID)
        return try await transport.send(ProviderRoute(.POST, "/api/v4/posts"),
                                        body: NewPost(channelID: channelID, message: message, pendingPostID: pendingPostID), as: Post.self).value
    }

    /// `<user id>:<milliseconds>` as Mattermost's web app makes them, the time part derived
    /// from `key`, so the same message always has the same id.
    public static func pendingPostID(for key: String, userID: String) -> String {
        let digest = SHA256.hash(data: Data(key.utf8))
        let number = digest.prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return "\(userID):\(number)"
    }

    static func segment(_ text: String) throws -> String {
        try PathSegment.validated(text, provider: "mattermost", what: "a Mattermost id")
    }
}
