import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A real SMTP server on 127.0.0.1 for the sandbox and the tests, as the replaced system's
/// Maildev was: it accepts what clients send (EHLO/HELO, AUTH PLAIN and LOGIN with any
/// credentials, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT), keeps the messages, and lets a
/// person read them (`GET /mail` on the sandbox's HTTP server, ``mailRoutes``).
///
/// It offers STARTTLS when asked to and then refuses it (454): a client that requires TLS
/// stops there, which is what `MAIL_IGNORE_TLS` is for. Faults: refusing connections (421,
/// "down"), a 4xx on DATA, or the connection dropped at DATA, for the next messages.
public final class FakeSMTPServer: Sendable {
    /// One message as received.
    public struct Mail: Sendable, Equatable, Codable {
        public var id: Int
        public var from: String
        public var recipients: [String]
        /// The whole message as sent after DATA, dot-unstuffed, CRLF line ends.
        public var data: String
        public var receivedAt: Date
        /// Who logged in (AUTH), if anyone.
        public var user: String?

        /// The parsed message: headers, decoded subject and parts.
        public var parsed: ReceivedMail { ReceivedMail(data) }
    }

    /// A fault for the next message(s).
    public enum Fault: Sendable, Equatable {
        /// `451` to DATA: the message is not taken.
        case refuseData
        /// The connection closed when DATA comes: no reply.
        case dropAtData
    }

    struct State {
        var mails: [Mail] = []
        var faults: [Fault] = []
        /// Addresses answered `550` at RCPT, as a server without such a mailbox does.
        var unknownMailboxes: Set<String> = []
        var down = false
        var offersStartTLS = false
        var connections = 0
    }

    public let port: Int
    private let channel: any Channel

    final class Box: Sendable {
        let state = Mutex(State())
    }

    /// Starts listening on `port` of 127.0.0.1 (0: a free one).
    public static func start(port: Int = 0, offersStartTLS: Bool = false) async throws -> FakeSMTPServer {
        let box = Box()
        box.state.withLock { $0.offersStartTLS = offersStartTLS }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Session(box: box))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        return FakeSMTPServer(channel: channel, box: box)
    }

    private let box: Box

    private init(channel: any Channel, box: Box) {
        self.channel = channel
        self.box = box
        port = channel.localAddress?.port ?? 0
    }

    public func stop() async throws { try await channel.close() }

    /// Every message received, oldest first.
    public var mails: [Mail] { box.state.withLock { $0.mails } }
    /// Connections accepted so far (refused ones included).
    public var connections: Int { box.state.withLock { $0.connections } }

    /// While down, every connection gets `421` and is closed: a server that is not taking mail.
    public func setDown(_ down: Bool) { box.state.withLock { $0.down = down } }
    /// Faults for the next messages, in order.
    public func inject(_ faults: [Fault]) { box.state.withLock { $0.faults += faults } }

    /// From now on, `address` has no mailbox here: RCPT TO it gets `550 5.1.1`, a permanent refusal.
    public func refuseMailbox(_ address: String) { box.state.withLock { _ = $0.unknownMailboxes.insert(address.lowercased()) } }

    /// Every address has a mailbox again.
    public func acceptMailboxes() { box.state.withLock { $0.unknownMailboxes = [] } }
    public func clear() { box.state.withLock { $0.mails = [] } }

    /// One client's conversation.
    final class Session: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        enum Phase {
            case command, data, authPlain, authLoginUser, authLoginPassword(String)
        }

        let box: Box
        var buffer = ByteBuffer()
        var phase = Phase.command
        var from: String?
        var recipients: [String] = []
        var user: String?
        var dataLines: [String] = []

        init(box: Box) { self.box = box }

        func channelActive(context: ChannelHandlerContext) {
            let down = box.state.withLock { s -> Bool in
                s.connections += 1
                return s.down
            }
            if down {
                reply(context, "421 4.3.2 fichesync sandbox: not taking mail now")
                context.close(promise: nil)
                return
            }
            reply(context, "220 127.0.0.1 ESMTP fichesync sandbox")
        }

        func reply(_ context: ChannelHandlerContext, _ line: String) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: line + "\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var chunk = unwrapInboundIn(data)
            buffer.writeBuffer(&chunk)
            while let line = nextLine() {
                handle(line, context: context)
                guard context.channel.isActive else { return }
            }
            // A line longer than SMTP allows (1000) and more: no client sends that.
            if buffer.readableBytes > 1_000_000 { context.close(promise: nil) }
        }

        func nextLine() -> String? {
            guard let view = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            let length = view - buffer.readerIndex + 1
            guard var line = buffer.readString(length: length) else { return nil }
            line.removeLast()
            if line.hasSuffix("\r") { line.removeLast() }
            return line
        }

        func decodeBase64(_ text: String) -> String? {
            Data(base64Encoded: text).map { String(decoding: $0, as: UTF8.self) }
        }

        func handle(_ line: String, context: ChannelHandlerContext) {
            switch phase {
            case .data:
                if line == "." {
                    finishData(context)
                } else {
                    dataLines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
                }
                return
            case .authPlain:
                phase = .command
                authPlain(line, context)
                return
            case .authLoginUser:
                phase = .authLoginPassword(decodeBase64(line) ?? "")
                reply(context, "334 UGFzc3dvcmQ6")
                return
            case .authLoginPassword(let name):
                phase = .command
                user = name
                reply(context, "235 2.7.0 Authentication successful")
                return
            case .command:
                break
            }
            let verb = line.prefix { $0 != " " }.uppercased()
            let argument = line.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
            switch verb {
            case "EHLO":
                let tls = box.state.withLock { $0.offersStartTLS }
                var lines = ["250-127.0.0.1 greets \(argument)", "250-8BITMIME", "250-SIZE 10485760", "250-AUTH PLAIN LOGIN"]
                if tls { lines.append("250-STARTTLS") }
                lines.append("250 SMTPUTF8")
                for line in lines { reply(context, line) }
            case "HELO":
                reply(context, "250 127.0.0.1")
            case "STARTTLS":
                reply(context, "454 4.7.0 TLS not available in the sandbox: set MAIL_IGNORE_TLS=true")
            case "AUTH":
                let parts = argument.split(separator: " ").map(String.init)
                switch parts.first?.uppercased() {
                case "PLAIN" where parts.count > 1: authPlain(parts[1], context)
                case "PLAIN":
                    phase = .authPlain
                    reply(context, "334 ")
                case "LOGIN" where parts.count > 1:
                    phase = .authLoginPassword(decodeBase64(parts[1]) ?? "")
                    reply(context, "334 UGFzc3dvcmQ6")
                case "LOGIN":
                    phase = .authLoginUser
                    reply(context, "334 VXNlcm5hbWU6")
                default:
                    reply(context, "504 5.5.4 Unrecognized authentication type")
                }
            case "MAIL":
                guard let address = Self.angle(argument, after: "FROM:") else { return reply(context, "501 5.5.4 Syntax: MAIL FROM:<address>") }
                from = address
                recipients = []
                reply(context, "250 2.1.0 Ok")
            case "RCPT":
                guard from != nil else { return reply(context, "503 5.5.1 Need MAIL before RCPT") }
                guard let address = Self.angle(argument, after: "TO:"), !address.isEmpty else {
                    return reply(context, "501 5.5.4 Syntax: RCPT TO:<address>")
                }
                if box.state.withLock({ $0.unknownMailboxes.contains(address.lowercased()) }) {
                    return reply(context, "550 5.1.1 <\(address)>: Recipient address rejected: User unknown in virtual mailbox table")
                }
                recipients.append(address)
                reply(context, "250 2.1.5 Ok")
            case "DATA":
                guard from != nil, !recipients.isEmpty else { return reply(context, "503 5.5.1 Need RCPT before DATA") }
                let fault = box.state.withLock { s -> Fault? in s.faults.isEmpty ? nil : s.faults.removeFirst() }
                switch fault {
                case .refuseData?:
                    reply(context, "451 4.3.0 fichesync sandbox: try again later")
                case .dropAtData?:
                    context.close(promise: nil)
                case nil:
                    phase = .data
                    dataLines = []
                    reply(context, "354 End data with <CR><LF>.<CR><LF>")
                }
            case "RSET":
                from = nil
                recipients = []
                reply(context, "250 2.0.0 Ok")
            case "NOOP":
                reply(context, "250 2.0.0 Ok")
            case "QUIT":
                reply(context, "221 2.0.0 Bye")
                context.close(promise: nil)
            default:
                reply(context, "502 5.5.2 Command not recognized")
            }
        }

        func authPlain(_ encoded: String, _ context: ChannelHandlerContext) {
            // authzid \0 authcid \0 password
            guard let decoded = Data(base64Encoded: encoded) else { return reply(context, "501 5.5.2 Cannot decode") }
            let parts = decoded.split(separator: 0, omittingEmptySubsequences: false)
            user = parts.count >= 2 ? String(decoding: parts[1], as: UTF8.self) : nil
            reply(context, "235 2.7.0 Authentication successful")
        }

        func finishData(_ context: ChannelHandlerContext) {
            phase = .command
            let data = dataLines.joined(separator: "\r\n") + "\r\n"
            let (from, recipients, user) = (self.from ?? "", self.recipients, self.user)
            let id = box.state.withLock { s -> Int in
                let id = s.mails.count + 1
                s.mails.append(Mail(id: id, from: from, recipients: recipients, data: data, receivedAt: Date(), user: user))
                return id
            }
            self.from = nil
            self.recipients = []
            reply(context, "250 2.0.0 Ok: queued as \(id)")
        }

        /// `<address>` after `FROM:`/`TO:` (parameters such as `SIZE=` after it ignored).
        static func angle(_ argument: String, after prefix: String) -> String? {
            guard argument.uppercased().hasPrefix(prefix) else { return nil }
            let rest = argument.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("<"), let end = rest.firstIndex(of: ">") else { return nil }
            return String(rest[rest.index(after: rest.startIndex)..<end])
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

extension FakeSMTPServer {
    /// A message as `GET /mail` lists it.
    struct Listed: Encodable {
        var id: Int
        var from: String
        var to: [String]
        var subject: String
        var date: String?
        var messageID: String?
        /// ISO 8601, UTC.
        var receivedAt: String
        var text: String?
        var html: String?
    }

    /// What a person reads the received mail with, on the sandbox's HTTP server (as Maildev's
    /// web page did): `GET /mail` lists every message (decoded subject and text, newest
    /// first), `GET /mail/<id>` gives one with its HTML, `GET /mail/<id>/raw` the message as
    /// received, `DELETE /mail` empties the box.
    public func answerMail(_ request: FakeRequest) -> FakeReply {
        let segments = request.segments
        func listed(_ mail: Mail, html: Bool) -> Listed {
            let parsed = mail.parsed
            return Listed(id: mail.id, from: mail.from, to: mail.recipients, subject: parsed.subject, date: parsed.header("Date"),
                          messageID: parsed.header("Message-ID"), receivedAt: ISO8601DateFormatter().string(from: mail.receivedAt), text: parsed.text, html: html ? parsed.html : nil)
        }
        switch (request.method, segments) {
        case (.GET, []):
            return FakeReply(status: .ok, encoding: mails.reversed().map { listed($0, html: false) })
        case (.DELETE, []):
            clear()
            return .noContent
        case (.GET, let s) where s.count >= 1:
            guard let id = Int(s[0]), let mail = mails.first(where: { $0.id == id }) else {
                return FakeReply(status: .notFound, json: ["message": "no message \(s[0])"])
            }
            if s.count == 2 && s[1] == "raw" {
                var reply = FakeReply(status: .ok, json: NSNull(), headers: [("Content-Type", "message/rfc822")])
                reply.body = Data(mail.data.utf8)
                return reply
            }
            return FakeReply(status: .ok, encoding: listed(mail, html: true))
        default:
            return FakeReply(status: .notFound, json: ["message": "GET /mail, /mail/<id>, /mail/<id>/raw; DELETE /mail"])
        }
    }
}
