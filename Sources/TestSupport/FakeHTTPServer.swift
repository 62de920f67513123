import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request as a fake provider sees it.
public struct FakeRequest: Sendable {
    public var method: HTTPMethod
    /// Path and query, as sent.
    public var uri: String
    public var path: String
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: String
    /// `http://<Host><mount prefix>`: where this fake's API is, as the client reached it.
    public var base: String
    /// The whole URL the client called (OVH signs it).
    public var fullURL: String

    /// The path's segments, percent-decoded.
    public var segments: [String] {
        path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
    }

    public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
}

/// A fake provider's answer.
public struct FakeReply: Sendable {
    public var status: HTTPResponseStatus
    public var body: Data
    public var headers: [(String, String)]

    public init(status: HTTPResponseStatus, json: Any, headers: [(String, String)] = []) {
        self.status = status
        body = (try? JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed, .sortedKeys])) ?? Data()
        self.headers = headers
    }
}

/// Faults a fake injects before doing any work (a failed request changes nothing): a 500
/// with probability `failureRate` (seeded, so runs repeat), a 429 with `Retry-After` every
/// `rateLimitEvery` requests.
public struct Faults: Sendable {
    public var failureRate: Double
    public var rateLimitEvery: Int
    public var seed: UInt64

    public init(failureRate: Double = 0, rateLimitEvery: Int = 0, seed: UInt64 = 42) {
        self.failureRate = failureRate
        self.rateLimitEvery = rateLimitEvery
        self.seed = seed
    }
}

/// Draws the faults of a sequence of requests.
final class FaultInjector: Sendable {
    private let state: Mutex<(faults: Faults, rng: UInt64, count: Int)>

    init(_ faults: Faults) { state = Mutex((faults, faults.seed, 0)) }

    func set(_ faults: Faults) { state.withLock { $0 = (faults, faults.seed, 0) } }

    func next() -> FakeReply? {
        state.withLock { s in
            s.count += 1
            s.rng = s.rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if s.faults.rateLimitEvery > 0 && s.count % s.faults.rateLimitEvery == 0 {
                return FakeReply(status: .tooManyRequests, json: ["message": "Too many requests"], headers: [("Retry-After", "0.05")])
            }
            if Double((s.rng >> 11) % 10_000) / 10_000 < s.faults.failureRate {
                return FakeReply(status: .internalServerError, json: ["message": "Internal server error"])
            }
            return nil
        }
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 (a free port, or `port`), answering with `handler`;
/// or with several handlers mounted under path prefixes (`/ovh`, `/github`…), the prefix
/// removed from the path they see.
public final class FakeHTTPServer: Sendable {
    public let port: Int
    private let channel: any Channel

    public static func start(_ handler: @escaping @Sendable (FakeRequest) -> FakeReply) async throws -> FakeHTTPServer {
        try await start(mounts: ["": handler])
    }

    public static func start(port: Int = 0, mounts: [String: @Sendable (FakeRequest) -> FakeReply]) async throws -> FakeHTTPServer {
        // Longest prefix first.
        let routes = mounts.sorted { $0.key.count > $1.key.count }
        let handler: @Sendable (FakeRequest) -> FakeReply = { request in
            for (prefix, handler) in routes where prefix.isEmpty || request.path == prefix || request.path.hasPrefix(prefix + "/") {
                var inner = request
                inner.path = String(request.path.dropFirst(prefix.count))
                inner.uri = String(request.uri.dropFirst(prefix.count))
                inner.base = request.base + prefix
                return handler(inner)
            }
            return FakeReply(status: .notFound, json: ["message": "Not found"])
        }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(handler: handler))
                }
            }
        return FakeHTTPServer(channel: try await bootstrap.bind(host: "127.0.0.1", port: port).get())
    }

    private init(channel: any Channel) {
        self.channel = channel
        port = channel.localAddress?.port ?? 0
    }

    public func stop() async throws { try await channel.close() }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let handler: @Sendable (FakeRequest) -> FakeReply
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(handler: @escaping @Sendable (FakeRequest) -> FakeReply) { self.handler = handler }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                let parts = head.uri.split(separator: "?", maxSplits: 1)
                var query: [String: String] = [:]
                for item in (parts.count > 1 ? parts[1] : "").split(separator: "&") {
                    let pair = item.split(separator: "=", maxSplits: 1)
                    query[String(pair[0])] = pair.count > 1 ? String(pair[1]).removingPercentEncoding : ""
                }
                let host = head.headers.first(name: "Host") ?? "127.0.0.1"
                let request = FakeRequest(method: head.method, uri: head.uri, path: parts.first.map(String.init) ?? "/",
                                          query: query, headers: head.headers, body: body.readString(length: body.readableBytes) ?? "",
                                          base: "http://\(host)", fullURL: "http://\(host)\(head.uri)")
                let reply = handler(request)
                var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(reply.body.count))])
                for (name, value) in reply.headers { headers.add(name: name, value: value) }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: reply.status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}
