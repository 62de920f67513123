import AsyncHTTPClient
import Foundation

/// OVH's request signature: application key, consumer key, the time of sending (OVH's clock)
/// and `OVHCredentials.signature` of the method, full URL and body as sent.
/// Signed at each attempt, so a retry later carries its own time.
public struct OVHSigner: RequestAuthenticator {
    let credentials: OVHCredentials
    let clock = OVHServerClock()

    public init(_ credentials: OVHCredentials) { self.credentials = credentials }

    /// OVH's time, unsigned: the only call that needs no credentials.
    static let serverTime = ProviderRoute(.GET, "/auth/time").unauthenticated()

    public func authenticate(_ request: inout HTTPClientRequest, body: [UInt8], via transport: ProviderTransport) async throws {
        let now = try await clock.now { try await transport.send(Self.serverTime, as: Int.self).value }
        request.headers.replaceOrAdd(name: "X-Ovh-Application", value: credentials.applicationKey)
        request.headers.replaceOrAdd(name: "X-Ovh-Consumer", value: credentials.consumerKey)
        request.headers.replaceOrAdd(name: "X-Ovh-Timestamp", value: String(now))
        request.headers.replaceOrAdd(name: "X-Ovh-Signature", value: OVHCredentials.signature(
            secret: credentials.applicationSecret, consumerKey: credentials.consumerKey, method: request.method.rawValue,
            url: request.url, body: String(decoding: body, as: UTF8.self), timestamp: now))
    }
}
