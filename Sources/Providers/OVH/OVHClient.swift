import AsyncHTTPClient

/// A typed client for the OVH email API (accounts, redirections and mailing lists of one
/// domain). Resources are in extensions (`OVHAccounts…`) on the shared transport.
///
/// Every call is signed (`OVHSigner`; the clock drift is read once from `/auth/time`).
/// Answers meaning "already exists" (409) or "already gone" (404 on delete) count as success;
/// that is also why OVH's creation POSTs are safe to repeat: a second one meets the 409.
public struct OVHClient: Sendable {
    public let transport: ProviderTransport
    let domain: String

    public init(http: HTTPClient, credentials: OVHCredentials, domain: String, policy: HTTPPolicy = HTTPPolicy()) {
        transport = ProviderTransport(provider: "ovh", baseURL: credentials.endpoint, setting: OVHCredentials.endpointVariable, http: http,
                                      policy: policy, authenticator: OVHSigner(credentials), errorBody: OVHErrorBody.self)
        self.domain = domain
    }

    /// `/email/domain/{domain}`, the domain validated as a path segment.
    func domainPath() throws -> String { "/email/domain/\(try Self.segment(domain))" }

    /// Account, list and address names reach the URL only when made of safe characters.
    static func segment(_ text: String) throws -> String {
        try PathSegment.validated(text, extra: ["@", "+"], provider: "ovh", what: "an OVH account or list name")
    }
}
