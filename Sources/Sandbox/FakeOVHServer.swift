import Foundation
import NIOHTTP1
import Providers
import Synchronization

/// A real HTTP server on 127.0.0.1 speaking the OVH email API used by fichesync and by the
/// official `ovh` clients (accounts, passwords, redirections, mailing lists, `/auth/time`),
/// with the paths, JSON shapes (`email.domain.*` objects and tasks), status codes and error
/// bodies of the real one. It checks every signature the way OVH does, so a client that signs
/// wrongly is refused, and it injects faults on demand.
public final class FakeOVHServer: FakeProvider {
    /// What `email.domain.MailingList` shows beyond its name and subscribers.
    public struct MailingList: Sendable, Equatable, Codable {
        public var id: Int
        public var language: String
        public var ownerEmail: String
        public var replyTo: String
        public var options: [String: Bool]
    }

    /// `email.domain.RedirectionGlobal`.
    public struct Redirection: Sendable, Equatable, Codable {
        public var from: String
        public var to: String
        public var localCopy: Bool
    }

    public struct State: Sendable, Equatable, Codable {
        public init() {}

        public var accounts: [String: String] = [:]            // name → password
        public var descriptions: [String: String] = [:]        // account name → description
        public var mailingLists: [String: Set<String>] = [:]   // name → subscribers
        public var mailingListSettings: [String: MailingList] = [:]
        public var redirections: [String: Redirection] = [:]   // id → redirection
        /// Last task or object id handed out.
        public var lastID = 0
        public var requests = 0
        /// Requests refused for a bad signature (or key, consumer key, timestamp).
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
    public let faults: FaultInjector

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



    public var credentials: OVHCredentials {
        OVHCredentials(endpoint: endpoint, applicationKey: applicationKey, applicationSecret: applicationSecret, consumerKey: consumerKey)
    }

    // MARK: Requests

    public func handle(_ request: FakeRequest) -> FakeReply {
        let number = state.withLock { s -> Int in
            s.requests += 1
            return s.requests
        }
        var reply = respond(to: request)
        // Every OVH answer carries the id its support asks for; the `ovh` clients read it.
        reply.headers.append(("X-Ovh-Queryid", "EU.ext-fake.\(String(number, radix: 16)).\(number)"))
        return reply
    }

    private func respond(to request: FakeRequest) -> FakeReply {
        let (method, body, path) = (request.method, request.body, request.path)
        guard path.hasPrefix("/1.0/") else { return Self.error(.notFound, "Got an invalid (or empty) URL") }
        let route = path.dropFirst("/1.0".count).split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        if route == ["auth", "time"], method == .GET {
            return FakeReply(status: .ok, json: Int(Date().timeIntervalSince1970))
        }
        // Faults before the work: a failed request changes nothing.
        if let fault = faults.next() { return fault }
        if let refusal = checkSignature(request) {
            state.withLock { $0.badSignatures += 1 }
            return refusal
        }
        guard route.count >= 3, route[0] == "email", route[1] == "domain" else {
            return Self.error(.notFound, "Got an invalid (or empty) URL")
        }
        guard route[2] == domain else {
            return Self.error(.notFound, "This service does not exist")
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        var forced = false
        let reply = state.withLock { s in work(method, Array(route.dropFirst(3)), json: json, query: request.query, state: &s, forced: &forced) }
        // Faults after the work: the answer to a done change may be lost, or late.
        return faults.deliver(reply, changed: method != .GET && reply.status.code < 300 || forced)
    }

    /// OVH's checks, in its order: application key, consumer key, timestamp, signature.
    private func checkSignature(_ request: FakeRequest) -> FakeReply? {
        let headers = request.headers
        guard let application = headers.first(name: "X-Ovh-Application") else {
            return FakeReply(status: .unauthorized, json: ["class": "Client::Unauthorized", "message": "You must login first"])
        }
        guard application == applicationKey else {
            return Self.authError(.forbidden, code: "INVALID_KEY", "Invalid application key")
        }
        guard headers.first(name: "X-Ovh-Consumer") == consumerKey else {
            return Self.authError(.forbidden, code: "INVALID_CREDENTIAL", "This credential does not exist")
        }
        let timestamp = Int(headers.first(name: "X-Ovh-Timestamp") ?? "") ?? 0
        guard abs(timestamp - Int(Date().timeIntervalSince1970)) < 300 else {
            return Self.authError(.badRequest, code: "QUERY_TIME_OUT", "Query out of time")
        }
        let expected = OVHCredentials.signature(secret: applicationSecret, consumerKey: consumerKey, method: request.method.rawValue,
                                                url: request.fullURL, body: request.body, timestamp: timestamp)
        guard headers.first(name: "X-Ovh-Signature") == expected else {
            return Self.authError(.badRequest, code: "INVALID_SIGNATURE", "Invalid signature")
        }
        return nil
    }

    // MARK: Routes under /email/domain/{domain}

    /// One request's work on the state. `forced` is set when a creation was done but answered
    /// "already exists" (the fault of two racing requests): a change all the same.

    private func work(_ method: HTTPMethod, _ r: [String], json: [String: Any], query: [String: String], state s: inout State,
                       forced: inout Bool) -> FakeReply {
        switch (method, r) {
        // Accounts (POP mailboxes).
        case (.GET, ["account"]):
            var names = s.accounts.keys.sorted()
            if let pattern = query["accountName"] { names = names.filter { Self.like($0, pattern) } }
            if let pattern = query["description"] { names = names.filter { Self.like(s.descriptions[$0] ?? "", pattern) } }
            return FakeReply(status: .ok, json: names)
        case (.POST, ["account"]):
            guard let name = json["accountName"] as? String, let password = json["password"] as? String else {
                return Self.error(.badRequest, "Missing parameter: accountName and password are mandatory")
            }
            if let refusal = Self.checkPassword(password) { return refusal }
            if s.accounts[name] != nil {
                s.duplicateCreations += 1
                return Self.error(.conflict, "The account \(name)@\(domain) already exists")
            }
            s.accounts[name] = password
            s.descriptions[name] = json["description"] as? String ?? ""
            if faults.answersAlreadyExists() {
                forced = true
                return Self.error(.conflict, "The account \(name)@\(domain) already exists")
            }
            return taskPop("addAccount", name, &s)
        case (.GET, let r) where r.count == 2 && r[0] == "account":
            guard s.accounts[r[1]] != nil else { return notFound("accountName", r[1]) }
            return FakeReply(status: .ok, json: ["accountName": r[1], "description": s.descriptions[r[1]] ?? "", "domain": domain,
                                                 "email": "\(r[1])@\(domain)", "isBlocked": false, "size": 5_000_000_000])
        case (.PUT, let r) where r.count == 2 && r[0] == "account":
            guard s.accounts[r[1]] != nil else { return notFound("accountName", r[1]) }
            if let description = json["description"] as? String { s.descriptions[r[1]] = description }
            return FakeReply(status: .ok, json: NSNull())
        case (.POST, let r) where r.count == 3 && r[0] == "account" && r[2] == "changePassword":
            guard s.accounts[r[1]] != nil else { return notFound("accountName", r[1]) }
            guard let password = json["password"] as? String else { return Self.error(.badRequest, "Missing parameter: password is mandatory") }
            if let refusal = Self.checkPassword(password) { return refusal }
            s.accounts[r[1]] = password
            return taskPop("changePassword", r[1], &s)
        case (.DELETE, let r) where r.count == 2 && r[0] == "account":
            guard s.accounts.removeValue(forKey: r[1]) != nil else { return notFound("accountName", r[1]) }
            s.descriptions[r[1]] = nil
            return taskPop("deleteAccount", r[1], &s)

        // Redirections.
        case (.GET, ["redirection"]):
            let ids = s.redirections.filter { id, redirection in
                query["from"].map { $0 == redirection.from } ?? true && query["to"].map { $0 == redirection.to } ?? true
            }.keys.sorted { Int($0) ?? 0 < Int($1) ?? 0 }
            return FakeReply(status: .ok, json: ids)
        case (.POST, ["redirection"]):
            guard let from = json["from"] as? String, let to = json["to"] as? String, let localCopy = json["localCopy"] as? Bool else {
                return Self.error(.badRequest, "Missing parameter: from, to and localCopy are mandatory")
            }
            if s.redirections.values.contains(where: { $0.from == from && $0.to == to }) {
                s.duplicateCreations += 1
                return Self.error(.conflict, "The redirection from \(from) to \(to) already exists")
            }
            s.lastID += 1
            s.redirections[String(s.lastID)] = Redirection(from: from, to: to, localCopy: localCopy)
            return taskSpecialAccount("add", from, &s)
        case (.GET, let r) where r.count == 2 && r[0] == "redirection":
            guard let redirection = s.redirections[r[1]] else { return notFound("id", r[1]) }
            return FakeReply(status: .ok, json: ["id": r[1], "from": redirection.from, "to": redirection.to])
        case (.DELETE, let r) where r.count == 2 && r[0] == "redirection":
            guard let redirection = s.redirections.removeValue(forKey: r[1]) else { return notFound("id", r[1]) }
            return taskSpecialAccount("delete", redirection.from, &s)

        // Mailing lists.
        case (.GET, ["mailingList"]):
            var names = s.mailingLists.keys.sorted()
            if let pattern = query["name"] { names = names.filter { Self.like($0, pattern) } }
            return FakeReply(status: .ok, json: names)
        case (.POST, ["mailingList"]):
            guard let name = json["name"] as? String, let owner = json["ownerEmail"] as? String, let language = json["language"] as? String,
                  let options = json["options"] as? [String: Bool] else {
                return Self.error(.badRequest, "Missing parameter: name, ownerEmail, language and options are mandatory")
            }
            if s.mailingLists[name] != nil {
                s.duplicateCreations += 1
                return Self.error(.conflict, "The mailing list \(name)@\(domain) already exists")
            }
            s.lastID += 1
            s.mailingLists[name] = []
            s.mailingListSettings[name] = MailingList(id: s.lastID, language: language, ownerEmail: owner,
                                                      replyTo: json["replyTo"] as? String ?? "mailinglist", options: options)
            if faults.answersAlreadyExists() {
                forced = true
                return Self.error(.conflict, "The mailing list \(name)@\(domain) already exists")
            }
            return taskML("add", name, language: language, &s)
        case (.GET, let r) where r.count == 2 && r[0] == "mailingList":
            guard let subscribers = s.mailingLists[r[1]] else { return notFound("name", r[1]) }
            let settings = s.mailingListSettings[r[1]]
            // Every property of `email.domain.MailingList` is in OVH's answer; the fake does not
            // keep when the subscribers last changed, which the schema lets be null.
            return FakeReply(status: .ok, json: [
                "nbSubscribersUpdateDate": NSNull(),
                "id": settings?.id ?? 0, "name": r[1], "language": settings?.language ?? "fr", "nbSubscribers": subscribers.count,
                "ownerEmail": settings?.ownerEmail ?? "", "replyTo": settings?.replyTo ?? "mailinglist",
                "options": settings?.options ?? ["moderatorMessage": false, "subscribeByModerator": true, "usersPostOnly": false],
            ])
        case (.DELETE, let r) where r.count == 2 && r[0] == "mailingList":
            guard s.mailingLists.removeValue(forKey: r[1]) != nil else { return notFound("name", r[1]) }
            let language = s.mailingListSettings.removeValue(forKey: r[1])?.language ?? "fr"
            return taskML("delete", r[1], language: language, &s)
        case (.GET, let r) where r.count == 3 && r[0] == "mailingList" && r[2] == "subscriber":
            guard let subscribers = s.mailingLists[r[1]] else { return notFound("name", r[1]) }
            return FakeReply(status: .ok, json: subscribers.sorted())
        case (.POST, let r) where r.count == 3 && r[0] == "mailingList" && r[2] == "subscriber":
            guard s.mailingLists[r[1]] != nil else { return notFound("name", r[1]) }
            guard let email = json["email"] as? String else { return Self.error(.badRequest, "Missing parameter: email is mandatory") }
            if s.mailingLists[r[1]]?.insert(email).inserted == false {
                return Self.error(.conflict, "\(email) is already subscribed to \(r[1])@\(domain)")
            }
            return taskML("addSubscriber", r[1], language: s.mailingListSettings[r[1]]?.language ?? "fr", &s)
        case (.GET, let r) where r.count == 4 && r[0] == "mailingList" && r[2] == "subscriber":
            guard s.mailingLists[r[1]]?.contains(r[3]) == true else { return notFound("email", r[3]) }
            return FakeReply(status: .ok, json: ["domain": domain, "email": r[3], "mailinglist": r[1]])
        case (.DELETE, let r) where r.count == 4 && r[0] == "mailingList" && r[2] == "subscriber":
            guard s.mailingLists[r[1]]?.remove(r[3]) != nil else { return notFound("email", r[3]) }
            return taskML("deleteSubscriber", r[1], language: s.mailingListSettings[r[1]]?.language ?? "fr", &s)
        default:
            return Self.error(.notFound, "Got an invalid (or empty) URL")
        }
    }

    // MARK: Answers

    /// API errors carry their class and a message.
    static func error(_ status: HTTPResponseStatus, _ message: String) -> FakeReply {
        let kind = switch status {
        case .badRequest: "Client::BadRequest"
        case .notFound: "Client::NotFound"
        case .conflict: "Client::Conflict"
        default: "Server::InternalServerError"
        }
        return FakeReply(status: status, json: ["class": kind, "message": message])
    }

    /// Authentication errors carry an `errorCode` (the `ovh` clients pick their exception by it).
    static func authError(_ status: HTTPResponseStatus, code: String, _ message: String) -> FakeReply {
        FakeReply(status: status, json: ["errorCode": code, "httpCode": "\(status.code) \(status.reasonPhrase)", "message": message])
    }

    private func notFound(_ key: String, _ value: String) -> FakeReply {
        Self.error(.notFound, "The requested object (\(key) = \(value)) does not exist")
    }

    /// OVH's password rule: 9 to 30 characters, no space at either end.
    static func checkPassword(_ password: String) -> FakeReply? {
        guard (9...30).contains(password.count), password.first != " ", password.last != " " else {
            return error(.badRequest, "Invalid password: 9 to 30 characters, no space at the beginning or the end, no accent")
        }
        return nil
    }

    /// OVH filters lists with SQL-like patterns: `%` matches anything.
    static func like(_ value: String, _ pattern: String) -> Bool {
        let parts = pattern.split(separator: "%", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return value == pattern }
        guard let first = parts.first, let last = parts.last, value.hasPrefix(first), value.hasSuffix(last) else { return false }
        var rest = Substring(value.dropFirst(first.count))
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let found = rest.range(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return rest.count >= last.count
    }

    private static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        return formatter.string(from: Date())
    }

    /// `email.domain.TaskPop`: creations and changes of mailboxes are asynchronous tasks.
    private func taskPop(_ action: String, _ name: String, _ s: inout State) -> FakeReply {
        s.lastID += 1
        return FakeReply(status: .ok, json: ["action": action, "date": Self.now(), "domain": domain, "id": s.lastID, "name": name])
    }

    /// `email.domain.TaskMl`.
    private func taskML(_ action: String, _ list: String, language: String, _ s: inout State) -> FakeReply {
        s.lastID += 1
        return FakeReply(status: .ok, json: ["account": list, "action": action, "date": Self.now(), "domain": domain, "id": s.lastID,
                                             "language": language])
    }

    /// `email.domain.TaskSpecialAccount` (redirections). Unlike the other tasks, OVH's schema
    /// types its `id` as a string.
    private func taskSpecialAccount(_ action: String, _ from: String, _ s: inout State) -> FakeReply {
        s.lastID += 1
        return FakeReply(status: .ok, json: ["account": String(from.prefix { $0 != "@" }), "action": action, "date": Self.now(),
                                             "domain": domain, "id": String(s.lastID), "type": "forward"])
    }
}

extension FakeOVHServer.State: RecordedFakeState {
    public static let fields: [FakeField<Self>] = [
        .map("accounts", \.accounts), .map("descriptions", \.descriptions), .setMap("mailingLists", \.mailingLists),
        .map("mailingListSettings", \.mailingListSettings), .map("redirections", \.redirections), .value("lastID", \.lastID),
        .counter("requests", \.requests), .counter("badSignatures", \.badSignatures), .value("duplicateCreations", \.duplicateCreations),
    ]
}
