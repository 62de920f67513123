import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The one way the provider clients talk HTTP: a base URL, credentials added to each
/// attempt (`RequestAuthenticator`), `HTTPPolicy`'s retries told what is safe to repeat
/// (`ProviderRoute`), the first-request reachability check, Codable bodies in and out, and
/// the provider's error body decoded once into a `ProviderError`.
///
/// A client is a set of routes on it: adding an endpoint is a method that builds a route and
/// names its body and answer types.
public struct ProviderTransport: Sendable {
    /// The provider's name in metrics, errors and logs (`github`, `mattermost`, `ovh`).
    public let provider: String
    /// Base URL without trailing slash; routes' paths follow it.
    public let baseURL: String
    let http: HTTPClient
    let policy: HTTPPolicy
    let authenticator: any RequestAuthenticator
    /// How the provider's error answers are shaped.
    let errorBody: any ProviderErrorBody.Type
    /// Sent with every request (GitHub's `Accept` and API version, a `User-Agent`).
    let headers: HTTPHeaders
    let connectionCheck: ConnectionCheck
    let endpoint: String
    let encoder: JSONEncoder
    let decoder = JSONDecoder()

    /// - Parameter setting: the environment variable of `baseURL`, named when it cannot be reached.
    public init(provider: String, baseURL: String, setting: String, http: HTTPClient, policy: HTTPPolicy,
                authenticator: any RequestAuthenticator, errorBody: any ProviderErrorBody.Type, headers: HTTPHeaders = [:]) {
        self.provider = provider
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.http = http
        self.policy = policy
        self.authenticator = authenticator
        self.errorBody = errorBody
        self.headers = headers
        connectionCheck = ConnectionCheck(provider: provider, url: self.baseURL, setting: setting)
        endpoint = ProviderMetrics.endpoint(of: self.baseURL)
        let encoder = JSONEncoder()
        // Sorted keys: the same body for the same value, which OVH signs and the fakes record.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.encoder = encoder
    }

    /// Sends `body` as JSON and decodes the answer as `Answer` (`IgnoredBody` to read none).
    public func send<Body: Encodable, Answer: Decodable & Sendable>(_ route: ProviderRoute, body: Body,
                                                                    as answer: Answer.Type = IgnoredBody.self) async throws -> ProviderAnswer<Answer> {
        let bytes: [UInt8]
        do {
            bytes = Array(try encoder.encode(body))
        } catch {
            throw failure(.invalidRequest, route, status: nil, message: "cannot encode the request body: \(error)")
        }
        return try await exchange(route, body: bytes, as: answer)
    }

    /// Sends a request without a body and decodes the answer as `Answer` (`IgnoredBody` to read none).
    public func send<Answer: Decodable & Sendable>(_ route: ProviderRoute, as answer: Answer.Type = IgnoredBody.self) async throws -> ProviderAnswer<Answer> {
        try await exchange(route, body: nil, as: answer)
    }

    private func exchange<Answer: Decodable & Sendable>(_ route: ProviderRoute, body: [UInt8]?, as answer: Answer.Type) async throws -> ProviderAnswer<Answer> {
        try await connectionCheck.beforeRequest()
        var response = try await attempt(route, body: body)
        // A 401 did nothing: a token source that can mint a new token gets one more try.
        if response.status == 401, route.isAuthenticated, await authenticator.refused(response.request) {
            response = try await attempt(route, body: body)
        }
        let (status, headers, bytes) = (response.status, response.headers, response.body)
        let refusal = (200..<300).contains(status) ? nil : try? decoder.decode(errorBody, from: Data(bytes))
        guard (200..<300).contains(status) || route.alreadyDone.contains(status)
                || refusal?.code.map(route.alreadyDoneCodes.contains) == true else {
            throw failure(.rejected, route, status: status, message: refusal?.text ?? String(decoding: bytes.prefix(200), as: UTF8.self),
                          providerCode: refusal?.code)
        }
        if let ignored = IgnoredBody() as? Answer { return ProviderAnswer(value: ignored, status: status, headers: headers) }
        do {
            return ProviderAnswer(value: try decoder.decode(Answer.self, from: Data(bytes)), status: status, headers: headers)
        } catch {
            throw failure(.unexpectedAnswer, route, status: status, message: "unexpected answer, not a \(Answer.self): \(error)")
        }
    }

    /// One call through the policy's retries.
    private func attempt(_ route: ProviderRoute, body: [UInt8]?) async throws -> HTTPPolicy.Response {
        let url = baseURL + route.path
        let call = HTTPPolicy.Call(provider: provider, endpoint: endpoint, method: route.method, path: route.pathWithoutQuery,
                                   isRepeatable: route.isRepeatable)
        return try await policy.send(http, call) { [self] in
            var request = HTTPClientRequest(url: url)
            request.method = route.method
            request.headers = headers
            if let body {
                request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
            }
            if route.isAuthenticated { try await authenticator.authenticate(&request, body: body ?? [], via: self) }
            return request
        }
    }

    func failure(_ code: ProviderError.Code, _ route: ProviderRoute, status: Int?, message: String, providerCode: String? = nil) -> ProviderError {
        ProviderError(code, provider: provider, method: route.method.rawValue, path: route.pathWithoutQuery, status: status,
                      message: message, providerCode: providerCode)
    }
}
