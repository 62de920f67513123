import Foundation
import NIOHTTP1

/// A fake provider's answer, and how it reaches the client.
public struct FakeReply: Sendable {
    /// How the server hands the reply over. The fakes decide it per request (faults), and the
    /// server core carries it out without blocking its event loop.
    public enum Delivery: Sendable, Equatable {
        /// Written at once.
        case now
        /// Written after a delay: a slow provider. The work is already done, so a client
        /// whose timeout is shorter meets the realistic case of a lost answer to a done job.
        case late(Duration)
        /// The connection is closed without any answer (the request may or may not have been
        /// carried out: the fake decides that before).
        case dropped
    }

    public var status: HTTPResponseStatus
    public var body: Data
    public var headers: [(String, String)]
    public var delivery: Delivery = .now
    /// Waited for before the reply is delivered: the fake's changes being saved (when they
    /// are recorded). If it fails, the client gets a 503 saying so instead of the reply.
    public var saving: (@Sendable () async throws -> Void)?
    /// When set, the real answer is made by blocking work (git on disk: the hosted
    /// repositories): the server runs it on NIO's blocking thread pool, never on its event
    /// loop or the concurrency pool, and delivers what it returns instead of this reply.
    public var blocking: (@Sendable () -> FakeReply)?

    /// A reply whose answer `work` makes, off the event loop (``blocking``).
    public static func blocking(_ work: @escaping @Sendable () -> FakeReply) -> FakeReply {
        var reply = FakeReply(status: .internalServerError, json: NSNull())
        reply.blocking = work
        return reply
    }

    /// This reply with `transform` applied to the answer it ends up as: at once, or after the
    /// blocking work that makes it.
    public func then(_ transform: @escaping @Sendable (FakeReply) -> FakeReply) -> FakeReply {
        guard let work = blocking else { return transform(self) }
        return .blocking { transform(work()) }
    }

    public init(status: HTTPResponseStatus, json: Any, headers: [(String, String)] = []) {
        self.status = status
        body = (try? JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed, .sortedKeys])) ?? Data()
        self.headers = headers
    }

    /// A body encoded from `Encodable` values (keys sorted, like the JSON initialiser's).
    public init(status: HTTPResponseStatus, encoding value: some Encodable, headers: [(String, String)] = []) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        self.status = status
        body = (try? encoder.encode(value)) ?? Data()
        self.headers = headers
    }

    /// A `204 No Content`: no body at all, as HTTP wants.
    public static var noContent: FakeReply {
        var reply = FakeReply(status: .noContent, json: NSNull())
        reply.body = Data()
        return reply
    }

    /// No answer at all: the connection is closed.
    public static var dropped: FakeReply {
        var reply = FakeReply(status: .internalServerError, json: NSNull())
        reply.delivery = .dropped
        return reply
    }
}
