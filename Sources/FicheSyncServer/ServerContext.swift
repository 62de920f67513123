import Hummingbird
import NIOCore

/// Hummingbird's request context plus the connection's peer, from which (and from the
/// `X-Forwarded-For` of trusted proxies, see ``TrustedProxies``) the rate limit's client is told.
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
}
