import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Mattermost settings: `MATTERMOST_URL`, `MATTERMOST_BOT_TOKEN`, `MATTERMOST_TEAM_ID` (the
/// community team), `MATTERMOST_ALUMNI_TEAM_ID`.
public struct MattermostCredentials: Sendable {
    /// The environment variable of `url`, named in errors about it.
    public static let urlVariable = "MATTERMOST_URL"

    /// Server base URL; the API is under `/api/v4`.
    public var url: String
    public var token: String

    public init(url: String, token: String) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.token = token
    }
}

/// A typed client for the parts of the Mattermost API reconcile uses. Lists are paginated
/// (`page`, `per_page=200`) until a short page.
public actor MattermostClient {
    public struct User: Codable, Sendable, Equatable {
        public var id: String
        public var username: String
        public var email: String
    }

    let http: HTTPClient
    let credentials: MattermostCredentials
    let policy: HTTPPolicy
    public private(set) var requestCount = 0
    static let pageSize = 200
    private let connectionCheck: ConnectionCheck

    public init(http: HTTPClient, credentials: MattermostCredentials, policy: HTTPPolicy = HTTPPolicy()) {
        self.http = http
        self.credentials = credentials
        self.policy = policy
        connectionCheck = ConnectionCheck(provider: "mattermost", url: self.credentials.url, setting: MattermostCredentials.urlVariable)
    }

    /// Every user, or the users of one team.
    public func users(inTeam team: String? = nil) async throws -> [User] {
        var all: [User] = []
        var page = 0
        while true {
            var path = "/api/v4/users?page=\(page)&per_page=\(Self.pageSize)"
            if let team { path += "&in_team=\(try Self.segment(team))" }
            let users = try JSONDecoder().decode([User].self, from: Data(try await call(.GET, path)))
            all += users
            if users.count < Self.pageSize { return all }
            page += 1
        }
    }

    /// Invites an address to a team (the person creates their account from the email).
    public func invite(email: String, toTeam team: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: [email])
        try await call(.POST, "/api/v4/teams/\(try Self.segment(team))/invite/email", body: body)
    }

    /// Adds a user to a team. Adding a member again is no error on Mattermost; two additions
    /// racing (a retry of one whose answer was lost) may meet its "already exists" conflict,
    /// which means the work is done.
    public func addToTeam(userID: String, team: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["team_id": team, "user_id": userID], options: [.sortedKeys])
        try await call(.POST, "/api/v4/teams/\(try Self.segment(team))/members", body: body,
                       alreadyDoneErrors: ["app.team.join_user_to_team.save_member.conflict.app_error"])
    }

    public func removeFromTeam(userID: String, team: String) async throws {
        try await call(.DELETE, "/api/v4/teams/\(try Self.segment(team))/members/\(try Self.segment(userID))", alreadyDone: [404])
    }

    static func segment(_ text: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !text.isEmpty, text != ".", text != "..", text.allSatisfy(allowed.contains) else {
            throw ProviderError(provider: "mattermost", method: "-", path: "-", status: nil, message: "\"\(text)\" cannot be a Mattermost id")
        }
        return text
    }

    /// - Parameters:
    ///   - alreadyDone: statuses meaning the work is done (404 on a removal).
    ///   - alreadyDoneErrors: Mattermost error ids meaning the same, whatever their status.
    @discardableResult
    private func call(_ method: HTTPMethod, _ path: String, body: Data? = nil, alreadyDone: Set<Int> = [],
                      alreadyDoneErrors: Set<String> = []) async throws -> [UInt8] {
        try await connectionCheck.beforeRequest()
        requestCount += 1
        let url = credentials.url + path
        let token = credentials.token
        let response = try await policy.send(http, provider: "mattermost", method: method, path: path) {
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            return request
        }
        if (200..<300).contains(response.status) || alreadyDone.contains(response.status) { return response.body }
        let error = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        if let id = error?["id"] as? String, alreadyDoneErrors.contains(id) { return response.body }
        let message = error?["message"] as? String ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        throw ProviderError(provider: "mattermost", method: method.rawValue, path: String(path.prefix { $0 != "?" }),
                            status: response.status, message: message)
    }
}
