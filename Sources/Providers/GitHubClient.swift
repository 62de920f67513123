import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// GitHub settings: `GITHUB_API_URL` (default `https://api.github.com`), `GITHUB_TOKEN`
/// (or `GITHUB_ORG_ADMIN_TOKEN`), `GITHUB_ORGANIZATION_NAME`.
public struct GitHubCredentials: Sendable {
    /// The environment variable of `apiURL`, named in errors about it.
    public static let apiURLVariable = "GITHUB_API_URL"

    public var apiURL: String
    public var token: String
    public var organization: String

    public init(apiURL: String = "https://api.github.com", token: String, organization: String) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.token = token
        self.organization = organization
    }
}

/// A typed client for GitHub organisation membership. Lists follow the `Link: rel="next"`
/// header (100 a page): the old system read only the first 30 and lost people.
public actor GitHubClient {
    public struct Account: Codable, Sendable, Equatable {
        public var login: String
        public var id: Int
    }

    /// An organisation invitation (pending, or from `failed_invitations`). Times are
    /// ISO 8601 as GitHub sends them.
    public struct Invitation: Codable, Sendable, Equatable {
        public var id: Int
        public var login: String?
        public var email: String?
        public var createdAt: String?
        public var failedAt: String?
        public var failedReason: String?

        enum CodingKeys: String, CodingKey {
            case id, login, email, createdAt = "created_at", failedAt = "failed_at", failedReason = "failed_reason"
        }
    }

    /// The answer to `PUT /orgs/{org}/memberships/{username}`: `active` or `pending`, and who.
    public struct Membership: Codable, Sendable, Equatable {
        public var state: String
        public var user: Account?
    }

    let http: HTTPClient
    let credentials: GitHubCredentials
    let policy: HTTPPolicy
    public private(set) var requestCount = 0
    private let connectionCheck: ConnectionCheck

    public init(http: HTTPClient, credentials: GitHubCredentials, policy: HTTPPolicy = HTTPPolicy()) {
        self.http = http
        self.credentials = credentials
        self.policy = policy
        connectionCheck = ConnectionCheck(provider: "github", url: self.credentials.apiURL, setting: GitHubCredentials.apiURLVariable)
    }

    private var org: String { credentials.organization }

    public func members(role: String = "all") async throws -> [Account] {
        try await paginate("/orgs/\(try Self.segment(org))/members?role=\(role)&per_page=100")
    }

    public func invitations() async throws -> [Invitation] {
        try await paginate("/orgs/\(try Self.segment(org))/invitations?per_page=100")
    }

    /// Invitations that failed (expired after 7 days, or refused).
    public func failedInvitations() async throws -> [Invitation] {
        try await paginate("/orgs/\(try Self.segment(org))/failed_invitations?per_page=100")
    }

    /// Cancels an invitation; one already gone counts as done.
    public func cancelInvitation(_ id: Int) async throws {
        try await call(.DELETE, "/orgs/\(try Self.segment(org))/invitations/\(id)", alreadyDone: [404])
    }

    public func teamMembers(_ team: String) async throws -> [Account] {
        try await paginate("/orgs/\(try Self.segment(org))/teams/\(try Self.segment(team))/members?per_page=100")
    }

    /// Invites (or keeps) a member; calling it again while an invitation is pending is
    /// harmless. The answer names the account, with its immutable id.
    @discardableResult
    public func setMembership(_ login: String) async throws -> Membership {
        let body = try JSONSerialization.data(withJSONObject: ["role": "member"])
        let answer = try await call(.PUT, "/orgs/\(try Self.segment(org))/memberships/\(try Self.segment(login))", body: body)
        return try JSONDecoder().decode(Membership.self, from: Data(answer))
    }

    public func removeMembership(_ login: String) async throws {
        try await call(.DELETE, "/orgs/\(try Self.segment(org))/memberships/\(try Self.segment(login))", alreadyDone: [404])
    }

    public func addToTeam(_ login: String, team: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["role": "member"])
        try await call(.PUT, "/orgs/\(try Self.segment(org))/teams/\(try Self.segment(team))/memberships/\(try Self.segment(login))", body: body)
    }

    static func segment(_ text: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !text.isEmpty, text != ".", text != "..", text.allSatisfy(allowed.contains) else {
            throw ProviderError(provider: "github", method: "-", path: "-", status: nil, message: "\"\(text)\" cannot be a GitHub name")
        }
        return text
    }

    /// Every page of a list, following `Link: <…>; rel="next"`.
    private func paginate<T: Decodable>(_ path: String) async throws -> [T] {
        var items: [T] = []
        var next: String? = credentials.apiURL + path
        while let url = next {
            let (body, headers) = try await call(.GET, url: url)
            items += try JSONDecoder().decode([T].self, from: Data(body))
            next = Self.nextLink(headers.first(name: "Link"))
        }
        return items
    }

    static func nextLink(_ header: String?) -> String? {
        for part in (header ?? "").split(separator: ",") where part.contains("rel=\"next\"") {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">") else { continue }
            return String(part[part.index(after: open)..<close])
        }
        return nil
    }

    @discardableResult
    private func call(_ method: HTTPMethod, _ path: String, body: Data? = nil, alreadyDone: Set<Int> = []) async throws -> [UInt8] {
        try await call(method, url: credentials.apiURL + path, body: body, alreadyDone: alreadyDone).0
    }

    private func call(_ method: HTTPMethod, url: String, body: Data? = nil, alreadyDone: Set<Int> = []) async throws -> ([UInt8], HTTPHeaders) {
        try await connectionCheck.beforeRequest()
        requestCount += 1
        let token = credentials.token
        let path = String(url.dropFirst(credentials.apiURL.count).prefix { $0 != "?" })
        let response = try await policy.send(http, provider: "github", method: method, path: path) {
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Accept", value: "application/vnd.github+json")
            request.headers.add(name: "X-GitHub-Api-Version", value: "2022-11-28")
            request.headers.add(name: "User-Agent", value: "fichesync")
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            return request
        }
        if (200..<300).contains(response.status) || alreadyDone.contains(response.status) { return (response.body, response.headers) }
        let message = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["message"] as? String
            ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        throw ProviderError(provider: "github", method: method.rawValue, path: path, status: response.status, message: message)
    }
}
