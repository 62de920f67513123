import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Providers
import Synchronization

/// A real HTTP server on 127.0.0.1 speaking the OVH email API used by fichesync (accounts,
/// passwords, mailing lists, `/auth/time`), with the paths, JSON shapes and status codes of
/// the real one. It checks every signature the way OVH does, so a client that signs wrongly
/// is refused (403), and it injects faults on demand.
public final class FakeOVHServer: Sendable {
    public struct State: Sendable, Equatable {
        public var accounts: [String: String] = [:]            // name → password
        public var mailingLists: [String: Set<String>] = [:]   // name → subscribers
        public var requests = 0
        /// Requests refused for a bad signature.
        public var badSignatures = 0
        /// Times a creation was attempted for a name that already existed.
        public var duplicateCreations = 0
    }

    /// Faults: each request fails with a 500 with this probability (seeded, deterministic),
    /// or is answered 429 with `Retry-After` every `rateLimitEvery` requests.
    public struct Faults: Sendable {
        public var failureRate = 0.0
        public var rateLimitEvery = 0
        public var seed: UInt64 = 42
        public init(failureRate: Double = 0, rateLimitEvery: Int = 0, seed: UInt64 = 42) {
            self.failureRate = failureRate
            self.rateLimitEvery = rateLimitEvery
            self.seed = seed
        }
    }

    public let applicationKey = "fake-app-key"
    public let applicationSecret = "fake-app-secret"
    public let consumerKey = "fake-consumer-key"
    public let domain: String
    public let port: Int
    /// `http://127.0.0.1:<port>/1.0`
    public var endpoint: String { "http://127.0.0.1:\(port)/1.0" }

    let state: Mutex<State>
    let faults: Mutex<(Faults, UInt64)>
    private let channel: any Channel

    public static func start(domain: String = "beta.gouv.fr", faults: Faults = Faults()) async throws -> FakeOVHServer {
        let box = Mutex<FakeOVHServer?>(nil)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: { box.withLock { $0 } }))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        let server = FakeOVHServer(channel: channel, domain: domain, faults: faults)
        box.withLock { $0 = server }
        return server
    }

    private init(channel: any Channel, domain: String, faults: Faults) {
        self.channel = channel
        self.domain = domain
        port = channel.localAddress?.port ?? 0
        state = Mutex(State())
        self.faults = Mutex((faults, faults.seed))
    }

    public func stop() async throws { try await channel.close() }

    public var snapshot: State { state.withLock { $0 } }

    public func setFaults(_ new: Faults) { faults.withLock { $0 = (new, new.seed) } }

    public var credentials: OVHCredentials {
        OVHCredentials(endpoint: endpoint, applicationKey: applicationKey, applicationSecret: applicationSecret, consumerKey: consumerKey)
    }

    // MARK: Requests

    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var body: Data
        var headers: [(String, String)] = []

        init(status: HTTPResponseStatus, json: Any, headers: [(String, String)] = []) {
            self.status = status
            body = (try? JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])) ?? Data()
            self.headers = headers
        }
    }

    func handle(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: String) -> Reply {
        state.withLock { $0.requests += 1 }
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        guard path.hasPrefix("/1.0/") else { return Reply(status: .notFound, json: ["message": "Not found"]) }
        let route = path.dropFirst("/1.0".count).split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        if route == ["auth", "time"], method == .GET {
            return Reply(status: .ok, json: Int(Date().timeIntervalSince1970))
        }
        // Faults come before the work: a failed request changes nothing.
        let fault: Reply? = faults.withLock { pair in
            let (settings, rng) = pair
            var next = rng &* 6364136223846793005 &+ 1442695040888963407
            pair.1 = next
            next = next >> 11
            if settings.rateLimitEvery > 0 && state.withLock({ $0.requests }) % settings.rateLimitEvery == 0 {
                return Reply(status: .tooManyRequests, json: ["message": "Too many requests"], headers: [("Retry-After", "0.05")])
            }
            if Double(next % 10_000) / 10_000 < settings.failureRate {
                return Reply(status: .internalServerError, json: ["message": "Internal server error"])
            }
            return nil
        }
        if let fault { return fault }
        // Signature, as OVH checks it.
        let timestamp = Int(headers.first(name: "X-Ovh-Timestamp") ?? "") ?? 0
        let expected = OVHCredentials.signature(secret: applicationSecret, consumerKey: consumerKey, method: method.rawValue,
                                                url: "http://127.0.0.1:\(port)\(uri)", body: body, timestamp: timestamp)
        guard headers.first(name: "X-Ovh-Application") == applicationKey, headers.first(name: "X-Ovh-Consumer") == consumerKey,
              headers.first(name: "X-Ovh-Signature") == expected,
              abs(timestamp - Int(Date().timeIntervalSince1970)) < 300 else {
            state.withLock { $0.badSignatures += 1 }
            return Reply(status: .forbidden, json: ["message": "Invalid signature", "errorCode": "INVALID_SIGNATURE"])
        }
        guard route.count >= 3, route[0] == "email", route[1] == "domain", route[2] == domain else {
            return Reply(status: .notFound, json: ["message": "The requested object (domain) does not exist"])
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        // OVH answers creations with an asynchronous task.
        let task = Reply(status: .ok, json: ["id": Int.random(in: 1...1_000_000), "function": "\(method.rawValue) \(path)", "status": "todo"])
        return state.withLock { s -> Reply in
            switch (method, Array(route.dropFirst(3))) {
            case (.GET, ["account"]):
                return Reply(status: .ok, json: s.accounts.keys.sorted())
            case (.POST, ["account"]):
                guard let name = json["accountName"] as? String, let password = json["password"] as? String else {
                    return Reply(status: .badRequest, json: ["message": "Missing parameter"])
                }
                if s.accounts[name] != nil {
                    s.duplicateCreations += 1
                    return Reply(status: .conflict, json: ["message": "This account already exists"])
                }
                s.accounts[name] = password
                return task
            case (.POST, let r) where r.count == 3 && r[0] == "account" && r[2] == "changePassword":
                guard s.accounts[r[1]] != nil, let password = json["password"] as? String else {
                    return Reply(status: .notFound, json: ["message": "This account does not exist"])
                }
                s.accounts[r[1]] = password
                return task
            case (.DELETE, let r) where r.count == 2 && r[0] == "account":
                guard s.accounts.removeValue(forKey: r[1]) != nil else {
                    return Reply(status: .notFound, json: ["message": "This account does not exist"])
                }
                return task
            case (.GET, ["mailingList"]):
                return Reply(status: .ok, json: s.mailingLists.keys.sorted())
            case (.POST, ["mailingList"]):
                guard let name = json["name"] as? String else { return Reply(status: .badRequest, json: ["message": "Missing parameter"]) }
                if s.mailingLists[name] != nil {
                    s.duplicateCreations += 1
                    return Reply(status: .conflict, json: ["message": "This mailing list already exists"])
                }
                s.mailingLists[name] = []
                return task
            case (.GET, let r) where r.count == 3 && r[0] == "mailingList" && r[2] == "subscriber":
                guard let subscribers = s.mailingLists[r[1]] else { return Reply(status: .notFound, json: ["message": "No such list"]) }
                return Reply(status: .ok, json: subscribers.sorted())
            case (.POST, let r) where r.count == 3 && r[0] == "mailingList" && r[2] == "subscriber":
                guard s.mailingLists[r[1]] != nil, let email = json["email"] as? String else {
                    return Reply(status: .notFound, json: ["message": "No such list"])
                }
                if s.mailingLists[r[1]]?.insert(email).inserted == false {
                    return Reply(status: .conflict, json: ["message": "Already subscribed"])
                }
                return task
            case (.DELETE, let r) where r.count == 4 && r[0] == "mailingList" && r[2] == "subscriber":
                guard s.mailingLists[r[1]]?.remove(r[3]) != nil else { return Reply(status: .notFound, json: ["message": "Not subscribed"]) }
                return task
            default:
                return Reply(status: .notFound, json: ["message": "Got an invalid (or empty) URL"])
            }
        }
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: @Sendable () -> FakeOVHServer?
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(server: @escaping @Sendable () -> FakeOVHServer?) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h): head = h; body.clear()
            case .body(var chunk): body.writeBuffer(&chunk)
            case .end:
                guard let head, let server = server() else { return }
                let reply = server.handle(method: head.method, uri: head.uri, headers: head.headers,
                                          body: body.readString(length: body.readableBytes) ?? "")
                let data = reply.body
                var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(data.count))])
                for (name, value) in reply.headers { headers.add(name: name, value: value) }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: reply.status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: data)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}
