import Foundation
import NIOCore
import NIOPosix

/// A provider's address refused the connection on a client's first request (or its host has
/// no address): nothing listens there, which on the first request means a wrong setting, not
/// a passing outage.
public struct ProviderUnreachable: Error, Sendable, CustomStringConvertible, Equatable {
    public var provider: String
    /// The base URL configured (never a path with ids or a query).
    public var url: String
    public var reason: String
    /// The environment variable that holds `url`.
    public var setting: String

    public init(provider: String, url: String, reason: String, setting: String) {
        self.provider = provider
        self.url = url
        self.reason = reason
        self.setting = setting
    }

    public var description: String { "\(provider): cannot connect to \(url): \(reason) — check \(setting)" }
}

/// Whether a client's first request can reach its provider at all, decided in milliseconds.
///
/// AsyncHTTPClient keeps retrying a refused connection until the request's deadline (30 s),
/// and `HTTPPolicy` retries that five times: a mistyped `OVH_ENDPOINT` took 152 s to report.
/// A refused connection means the request never reached the server, so retrying later ones
/// is safe and useful (a provider restarting); on the first request of a run it means
/// misconfiguration, so the client checks once with a plain TCP connection and fails at once
/// (so does a host name that does not resolve: a typo, not an outage).
/// Anything else (a slow answer, a timeout) is left to the request and its retries.
actor ConnectionCheck {
    private var checked = false
    let provider: String
    let url: String
    let setting: String
    /// A connection that neither succeeds nor is refused by then is left to the request.
    let timeout: TimeAmount

    init(provider: String, url: String, setting: String, timeout: TimeAmount = .seconds(5)) {
        self.provider = provider
        self.url = url
        self.setting = setting
        self.timeout = timeout
    }

    /// Throws `ProviderUnreachable` if this is the first request and the address refuses
    /// connections or does not resolve; does nothing on later requests.
    func beforeRequest() async throws {
        guard !checked else { return }
        checked = true
        guard let (host, port) = Self.address(of: url) else { return }
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: host, port: port).get()
            try? await channel.close()
        } catch {
            if let reason = Self.reason(error, host: host) {
                throw ProviderUnreachable(provider: provider, url: url, reason: reason, setting: setting)
            }
        }
    }

    /// Host and port of an http(s) URL (default ports 80 and 443); nil when it has none.
    static func address(of url: String) -> (String, Int)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              var host = components.host, !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, components.port ?? (scheme == "https" ? 443 : 80))
    }

    /// Why no request could reach the provider, when that is certain: every address refused
    /// the connection, or the host has none (a name that does not resolve). `nil` otherwise.
    static func reason(_ error: any Error, host: String) -> String? {
        if let io = error as? IOError { return io.errnoCode == ECONNREFUSED ? "connection refused" : nil }
        guard let failure = error as? NIOConnectionError else { return nil }
        if failure.connectionErrors.isEmpty {
            return failure.dnsAError != nil && failure.dnsAAAAError != nil ? "host \(host) not found" : nil
        }
        return failure.connectionErrors.allSatisfy { reason($0.error, host: host) == "connection refused" } ? "connection refused" : nil
    }
}
