import AsyncHTTPClient

/// How a provider learns who calls: headers added to each attempt of a request, just before
/// it is sent. A bearer token (`BearerAuthenticator`, GitHub and Mattermost) and OVH's
/// per-request signature, which covers the method, the full URL, the body and the time of
/// sending (`OVHSigner`), both fit, so the three clients share one transport.
public protocol RequestAuthenticator: Sendable {
    /// Adds the credentials to `request` (whose URL and method are set), for `body` as sent.
    /// `transport` is there for what an authenticator must first ask the provider (OVH's
    /// server time), through unauthenticated routes.
    func authenticate(_ request: inout HTTPClientRequest, body: [UInt8], via transport: ProviderTransport) async throws

    /// The provider answered 401: whether new credentials may be tried once (see `TokenSource.refused`).
    func refused(_ request: HTTPClientRequest) async -> Bool
}

extension RequestAuthenticator {
    public func refused(_ request: HTTPClientRequest) async -> Bool { false }
}
