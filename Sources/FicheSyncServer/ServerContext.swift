import Hummingbird
import NIOCore

/// Hummingbird's request context plus the client's address, which the rate limit counts by.
/// The connection's peer is used, never `X-Forwarded-For` (a client can write that header).
public struct ServerContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The largest body read: a submission's bound (descriptions are at most 10,000
    /// characters), and GitHub's webhook payloads; anything larger is refused with 413.
    public var maxUploadSize: Int { 1024 * 1024 }

    /// The address the rate limit counts by.
    var client: String { remoteAddress?.ipAddress ?? "inconnu" }
}
