import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Providers
import Synchronization

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
        let connections = Connections()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(handler: handler))
                }
            }
        return FakeHTTPServer(channel: try await bootstrap.bind(host: "127.0.0.1", port: port).get(), connections: connections)
    }

    private let connections: Connections

    private init(channel: any Channel, connections: Connections) {
        self.channel = channel
        self.connections = connections
        port = channel.localAddress?.port ?? 0
    }

    /// Stops listening and closes the open connections, as a server going down does: a
    /// client's next request meets a refused connection, not a kept-alive one.
    public func stop() async throws {
        try await channel.close()
        for connection in connections.all() { try? await connection.close() }
    }

    /// The server's open connections.
    final class Connections: Sendable {
        private let open = Mutex<[ObjectIdentifier: any Channel]>([:])

        func add(_ channel: any Channel) {
            let key = ObjectIdentifier(channel)
            open.withLock { $0[key] = channel }
            channel.closeFuture.whenComplete { [self] _ in _ = open.withLock { $0.removeValue(forKey: key) } }
        }

        func all() -> [any Channel] { open.withLock { Array($0.values) } }
    }

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
                self.head = nil
                guard let work = reply.blocking else {
                    respond(reply, version: head.version, context: context)
                    return
                }
                // Blocking work (git on disk) runs on NIO's thread pool; the event loop
                // serves other connections meanwhile and delivers the answer it makes.
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let version = head.version
                NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) { work() }.whenComplete { result in
                    let (handler, context) = bound.value
                    switch result {
                    case .success(let reply):
                        handler.respond(reply, version: version, context: context)
                    case .failure(let error):
                        guard context.channel.isActive else { return }
                        handler.write(FakeReply(status: .serviceUnavailable, json: ["message": "sandbox: \(error)"]),
                                      version: version, context: context)
                    }
                }
            }
        }

        /// Delivers `reply` once the change it reports is saved (when it says it must be).
        func respond(_ reply: FakeReply, version: HTTPVersion, context: ChannelHandlerContext) {
            guard let saving = reply.saving else {
                deliver(reply, version: version, context: context)
                return
            }
            // The answer leaves only once the change it reports is saved; the event loop
            // serves other connections meanwhile.
            let promise = context.eventLoop.makePromise(of: Void.self)
            Task(executorPreference: SaveExecutor.shared) {
                do {
                    try await saving()
                    promise.succeed()
                } catch {
                    promise.fail(error)
                }
            }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            promise.futureResult.whenComplete { result in
                let (handler, context) = bound.value
                switch result {
                case .success:
                    handler.deliver(reply, version: version, context: context)
                case .failure(let error):
                    guard context.channel.isActive else { return }
                    handler.write(FakeReply(status: .serviceUnavailable, json: ["message": "sandbox: the change could not be saved: \(error)"]),
                                  version: version, context: context)
                }
            }
        }

        /// Carries out the reply's delivery. A late reply is scheduled on the channel's event
        /// loop, never slept on: the loop keeps serving other connections meanwhile.
        func deliver(_ reply: FakeReply, version: HTTPVersion, context: ChannelHandlerContext) {
            switch reply.delivery {
            case .now:
                write(reply, version: version, context: context)
            case .dropped:
                context.close(promise: nil)
            case .late(let delay):
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .nanoseconds(delay.nanoseconds)) {
                    let (handler, context) = bound.value
                    // The client may have given up (its timeout) and closed the connection.
                    guard context.channel.isActive else { return }
                    handler.write(reply, version: version, context: context)
                }
            }
        }

        func write(_ reply: FakeReply, version: HTTPVersion, context: ChannelHandlerContext) {
            var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(reply.body.count))])
            for (name, value) in reply.headers { headers.replaceOrAdd(name: name, value: value) }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: reply.status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
