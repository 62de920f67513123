import Foundation
import NIOHTTP1
import Providers
import Synchronization

/// A real HTTP server on 127.0.0.1 speaking the OVH email API used by fichesync (accounts,
/// passwords, mailing lists, `/auth/time`), with the paths, JSON shapes and status codes of
/// the real one. It checks every signature the way OVH does, so a client that signs wrongly
/// is refused (403), and it injects faults on demand.
public final class FakeOVHServer: FakeProvider {
    public struct State: Sendable, Equatable, Codable {
        public init() {}

        public var accounts: [String: String] = [:]            // name → password
        public var mailingLists: [String: Set<String>] = [:]   // name → subscribers
        public var requests = 0
        /// Requests refused for a bad signature.
        public var badSignatures = 0
        /// Times a creation was attempted for a name that already existed.
        public var duplicateCreations = 0
    }

    public let applicationKey = "fake-app-key"
    public let applicationSecret = "fake-app-secret"
    public let consumerKey = "fake-consumer-key"
    public let domain: String
    public let state = FakeState(State())
    public let listener = FakeListener()
    let faults: FaultInjector

    /// `http://127.0.0.1:<port>/1.0`
    public var endpoint: String { "http://127.0.0.1:\(port)/1.0" }

    /// The fake without a server of its own, to mount on a shared one (`fichesync sandbox`).
    public static func unstarted(domain: String = "beta.gouv.fr", faults: Faults = Faults()) -> FakeOVHServer {
        FakeOVHServer(domain: domain, faults: faults)
    }

    public static func start(domain: String = "beta.gouv.fr", faults: Faults = Faults()) async throws -> FakeOVHServer {
        let server = FakeOVHServer(domain: domain, faults: faults)
        try await server.serve()
        return server
    }

    private init(domain: String, faults: Faults) {
        self.domain = domain
        self.faults = FaultInjector(faults)
    }


    public func setFaults(_ new: Faults) { faults.set(new) }

    public var credentials: OVHCredentials {
        OVHCredentials(endpoint: endpoint, applicationKey: applicationKey, applicationSecret: applicationSecret, consumerKey: consumerKey)
    }

    // MARK: Requests

    public func handle(_ request: FakeRequest) -> FakeReply {
        let (method, headers, body, path) = (request.method, request.headers, request.body, request.path)
        state.withLock { $0.requests += 1 }
        guard path.hasPrefix("/1.0/") else { return FakeReply(status: .notFound, json: ["message": "Not found"]) }
        let route = path.dropFirst("/1.0".count).split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        if route == ["auth", "time"], method == .GET {
            return FakeReply(status: .ok, json: Int(Date().timeIntervalSince1970))
        }
        // Faults come before the work: a failed request changes nothing.
        let fault = faults.next()
        if let fault { return fault }
        // Signature, as OVH checks it.
        let timestamp = Int(headers.first(name: "X-Ovh-Timestamp") ?? "") ?? 0
        let expected = OVHCredentials.signature(secret: applicationSecret, consumerKey: consumerKey, method: method.rawValue,
                                                url: request.fullURL, body: body, timestamp: timestamp)
        guard headers.first(name: "X-Ovh-Application") == applicationKey, headers.first(name: "X-Ovh-Consumer") == consumerKey,
              headers.first(name: "X-Ovh-Signature") == expected,
              abs(timestamp - Int(Date().timeIntervalSince1970)) < 300 else {
            state.withLock { $0.badSignatures += 1 }
            return FakeReply(status: .forbidden, json: ["message": "Invalid signature", "errorCode": "INVALID_SIGNATURE"])
        }
        guard route.count >= 3, route[0] == "email", route[1] == "domain", route[2] == domain else {
            return FakeReply(status: .notFound, json: ["message": "The requested object (domain) does not exist"])
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        // OVH answers creations with an asynchronous task.
        let task = FakeReply(status: .ok, json: ["id": Int.random(in: 1...1_000_000), "function": "\(method.rawValue) \(path)", "status": "todo"])
        return state.withLock { s -> FakeReply in
            switch (method, Array(route.dropFirst(3))) {
            case (.GET, ["account"]):
                return FakeReply(status: .ok, json: s.accounts.keys.sorted())
            case (.POST, ["account"]):
                guard let name = json["accountName"] as? String, let password = json["password"] as? String else {
                    return FakeReply(status: .badRequest, json: ["message": "Missing parameter"])
                }
                if s.accounts[name] != nil {
                    s.duplicateCreations += 1
                    return FakeReply(status: .conflict, json: ["message": "This account already exists"])
                }
                s.accounts[name] = password
                return task
            case (.POST, let r) where r.count == 3 && r[0] == "account" && r[2] == "changePassword":
                guard s.accounts[r[1]] != nil, let password = json["password"] as? String else {
                    return FakeReply(status: .notFound, json: ["message": "This account does not exist"])
                }
                s.accounts[r[1]] = password
                return task
            case (.DELETE, let r) where r.count == 2 && r[0] == "account":
                guard s.accounts.removeValue(forKey: r[1]) != nil else {
                    return FakeReply(status: .notFound, json: ["message": "This account does not exist"])
                }
                return task
            case (.GET, ["mailingList"]):
                return FakeReply(status: .ok, json: s.mailingLists.keys.sorted())
            case (.POST, ["mailingList"]):
                guard let name = json["name"] as? String else { return FakeReply(status: .badRequest, json: ["message": "Missing parameter"]) }
                if s.mailingLists[name] != nil {
                    s.duplicateCreations += 1
                    return FakeReply(status: .conflict, json: ["message": "This mailing list already exists"])
                }
                s.mailingLists[name] = []
                return task
            case (.GET, let r) where r.count == 3 && r[0] == "mailingList" && r[2] == "subscriber":
                guard let subscribers = s.mailingLists[r[1]] else { return FakeReply(status: .notFound, json: ["message": "No such list"]) }
                return FakeReply(status: .ok, json: subscribers.sorted())
            case (.POST, let r) where r.count == 3 && r[0] == "mailingList" && r[2] == "subscriber":
                guard s.mailingLists[r[1]] != nil, let email = json["email"] as? String else {
                    return FakeReply(status: .notFound, json: ["message": "No such list"])
                }
                if s.mailingLists[r[1]]?.insert(email).inserted == false {
                    return FakeReply(status: .conflict, json: ["message": "Already subscribed"])
                }
                return task
            case (.DELETE, let r) where r.count == 4 && r[0] == "mailingList" && r[2] == "subscriber":
                guard s.mailingLists[r[1]]?.remove(r[3]) != nil else { return FakeReply(status: .notFound, json: ["message": "Not subscribed"]) }
                return task
            default:
                return FakeReply(status: .notFound, json: ["message": "Got an invalid (or empty) URL"])
            }
        }
    }
}
