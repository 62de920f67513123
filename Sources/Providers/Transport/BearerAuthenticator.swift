import AsyncHTTPClient

/// `Authorization: Bearer <token>`, the token read from its source at each attempt (a
/// GitHub App installation token may have been renewed since the last one).
public struct BearerAuthenticator: RequestAuthenticator {
    let tokens: any TokenSource

    public init(_ tokens: any TokenSource) { self.tokens = tokens }

    public func authenticate(_ request: inout HTTPClientRequest, body: [UInt8], via transport: ProviderTransport) async throws {
        request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(try await tokens.token())")
    }

    public func refused(_ request: HTTPClientRequest) async -> Bool {
        guard let header = request.headers.first(name: "Authorization"), header.hasPrefix("Bearer ") else { return false }
        return await tokens.refused(String(header.dropFirst("Bearer ".count)))
    }
}
