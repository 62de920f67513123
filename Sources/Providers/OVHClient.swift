import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// OVH API credentials, from `OVH_ENDPOINT`, `OVH_APP_KEY`, `OVH_APP_SECRET`, `OVH_CONSUMER_KEY`.
public struct OVHCredentials: Sendable {
    /// The environment variable of `endpoint`, named in errors about it.
    public static let endpointVariable = "OVH_ENDPOINT"

    /// Base URL, `https://eu.api.ovh.com/1.0` by default.
    public var endpoint: String
    public var applicationKey: String
    public var applicationSecret: String
    public var consumerKey: String

    public init(endpoint: String = "https://eu.api.ovh.com/1.0", applicationKey: String, applicationSecret: String, consumerKey: String) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.applicationKey = applicationKey
        self.applicationSecret = applicationSecret
        self.consumerKey = consumerKey
    }

    /// `"$1$" + sha1hex(secret+consumer+METHOD+FULL_URL+BODY+TIMESTAMP)`, as OVH documents it.
    public static func signature(secret: String, consumerKey: String, method: String, url: String, body: String, timestamp: Int) -> String {
        let payload = [secret, consumerKey, method, url, body, String(timestamp)].joined(separator: "+")
        return "$1$" + Insecure.SHA1.hash(data: Data(payload.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// A typed client for the OVH email API (accounts and mailing lists of one domain).
///
/// Every call is signed; the clock drift is read once from `/auth/time`. Answers meaning
/// "already exists" (409) or "already gone" (404 on delete) count as success.
public actor OVHClient {
    let http: HTTPClient
    let credentials: OVHCredentials
    let domain: String
    let policy: HTTPPolicy
    private var clockDelta: Int?
    private let connectionCheck: ConnectionCheck
    /// Requests sent, for the benchmark's O(pages) figure.
    public private(set) var requestCount = 0

    public init(http: HTTPClient, credentials: OVHCredentials, domain: String, policy: HTTPPolicy = HTTPPolicy()) {
        self.http = http
        self.credentials = credentials
        self.domain = domain
        self.policy = policy
        connectionCheck = ConnectionCheck(provider: "ovh", url: self.credentials.endpoint, setting: OVHCredentials.endpointVariable)
    }

    // MARK: Accounts

    public func accounts() async throws -> [String] {
        try decode([String].self, await call(.GET, "/email/domain/\(domain)/account"))
    }

    public func createAccount(_ name: String, password: String, description: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["accountName": name, "password": password, "description": description], options: [.sortedKeys])
        try await call(.POST, "/email/domain/\(domain)/account", body: body, alreadyDone: [409])
    }

    /// How a mailbox is suspended (and brought back): a new password.
    public func changePassword(_ name: String, password: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["password": password])
        try await call(.POST, "/email/domain/\(domain)/account/\(try Self.segment(name))/changePassword", body: body)
    }

    public func deleteAccount(_ name: String) async throws {
        try await call(.DELETE, "/email/domain/\(domain)/account/\(try Self.segment(name))", alreadyDone: [404])
    }

    // MARK: Redirections

    /// Ids of every redirection of the domain (OVH gives ids only; each is read on its own).
    public func redirectionIDs() async throws -> [String] {
        try decode([String].self, await call(.GET, "/email/domain/\(domain)/redirection"))
    }

    public struct Redirection: Decodable, Sendable, Hashable {
        public var id: String
        public var from: String
        public var to: String

        public init(id: String, from: String, to: String) {
            self.id = id
            self.from = from
            self.to = to
        }
    }

    public func redirection(_ id: String) async throws -> Redirection {
        try decode(Redirection.self, await call(.GET, "/email/domain/\(domain)/redirection/\(try Self.segment(id))"))
    }

    /// `localCopy`: keep a copy in a mailbox of the same address (only when there is one).
    public func createRedirection(from: String, to: String, localCopy: Bool) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["from": from, "to": to, "localCopy": localCopy], options: [.sortedKeys])
        try await call(.POST, "/email/domain/\(domain)/redirection", body: body, alreadyDone: [409])
    }

    public func deleteRedirection(_ id: String) async throws {
        try await call(.DELETE, "/email/domain/\(domain)/redirection/\(try Self.segment(id))", alreadyDone: [404])
    }

    // MARK: Mailing lists

    public func mailingLists() async throws -> [String] {
        try decode([String].self, await call(.GET, "/email/domain/\(domain)/mailingList"))
    }

    public func createMailingList(_ name: String, ownerEmail: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["name": name, "ownerEmail": ownerEmail, "language": "fr",
                                                               "options": ["moderatorMessage": false, "subscribeByModerator": true, "usersPostOnly": false]],
                                              options: [.sortedKeys])
        try await call(.POST, "/email/domain/\(domain)/mailingList", body: body, alreadyDone: [409])
    }

    public func subscribers(of list: String) async throws -> [String] {
        try decode([String].self, await call(.GET, "/email/domain/\(domain)/mailingList/\(try Self.segment(list))/subscriber"))
    }

    public func subscribe(_ email: String, to list: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["email": email])
        try await call(.POST, "/email/domain/\(domain)/mailingList/\(try Self.segment(list))/subscriber", body: body, alreadyDone: [409])
    }

    public func unsubscribe(_ email: String, from list: String) async throws {
        try await call(.DELETE, "/email/domain/\(domain)/mailingList/\(try Self.segment(list))/subscriber/\(try Self.segment(email))",
                       alreadyDone: [404])
    }

    // MARK: Transport

    /// Account, list and address names reach the URL only when made of safe characters.
    static func segment(_ text: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@+")
        guard !text.isEmpty, text != ".", text != "..", text.allSatisfy(allowed.contains) else {
            throw ProviderError(provider: "ovh", method: "-", path: "-", status: nil, message: "\"\(text)\" cannot be an OVH account or list name")
        }
        return text
    }

    private func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(bytes))
    }

    /// Seconds to add to our clock to get OVH's, read once from `/auth/time` (unsigned).
    private func clockOffset() async throws -> Int {
        if let clockDelta { return clockDelta }
        try await connectionCheck.beforeRequest()
        requestCount += 1
        let url = credentials.endpoint + "/auth/time"
        let response = try await policy.send(http, provider: "ovh", method: .GET, path: "/auth/time") {
            HTTPClientRequest(url: url)
        }
        guard response.status == 200, let server = Int(String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ProviderError(provider: "ovh", method: "GET", path: "/auth/time", status: response.status, message: "no server time")
        }
        let delta = server - Int(Date().timeIntervalSince1970)
        clockDelta = delta
        return delta
    }

    @discardableResult
    private func call(_ method: HTTPMethod, _ path: String, body: Data? = nil, alreadyDone: Set<Int> = []) async throws -> [UInt8] {
        let url = credentials.endpoint + path
        let bodyText = body.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let credentials = self.credentials
        let delta = try await clockOffset()
        requestCount += 1
        let response = try await policy.send(http, provider: "ovh", method: method, path: path) {
            // Signed at each attempt: a retry later must carry its own time.
            let now = Int(Date().timeIntervalSince1970) + delta
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "X-Ovh-Application", value: credentials.applicationKey)
            request.headers.add(name: "X-Ovh-Consumer", value: credentials.consumerKey)
            request.headers.add(name: "X-Ovh-Timestamp", value: String(now))
            request.headers.add(name: "X-Ovh-Signature", value: OVHCredentials.signature(
                secret: credentials.applicationSecret, consumerKey: credentials.consumerKey, method: method.rawValue,
                url: url, body: bodyText, timestamp: now))
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            return request
        }
        if (200..<300).contains(response.status) || alreadyDone.contains(response.status) { return response.body }
        let message = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["message"] as? String
            ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        throw ProviderError(provider: "ovh", method: method.rawValue, path: path, status: response.status, message: message)
    }
}
