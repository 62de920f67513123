import AsyncHTTPClient
import Foundation
import Providers
import Sandbox
import Testing

/// The sandbox's SMTP receiver, spoken to as raw SMTP and read back over the sandbox's HTTP `/mail`.
@Suite struct FakeSMTPServerTests {
    @Test func theSandboxExportsTheReceiverAndServesWhatItGot() async throws {
        let sandbox = try await FakeSandbox.start()
        defer { Task { try? await sandbox.stop() } }
        let exports = Dictionary(uniqueKeysWithValues: sandbox.exports.map { ($0.name, $0.value) })
        #expect(exports["MAIL_HOST"] == "127.0.0.1" && exports["MAIL_IGNORE_TLS"] == "true")
        #expect(exports["MAIL_PORT"] == String(sandbox.smtp.port))
        let settings = try #require(try SMTPSettings.fromEnvironment(exports))
        let message = try MailMessage(from: settings.from, to: "lea@example.org", subject: "Léa, ta fiche <attend>", text: "Bonjour Léa",
                                      html: "<p>Bonjour Léa</p>", key: "k1")
        try await SMTPSender(settings: settings).send(message, date: Date())
        let list = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(sandbox.base)/mail"), timeout: .seconds(10))
        #expect(list.status == .ok)
        let body = try await list.body.collect(upTo: 1 << 20)
        let mails = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]])
        #expect(mails.count == 1)
        #expect(mails.first?["subject"] as? String == "Léa, ta fiche <attend>")
        #expect(mails.first?["text"] as? String == "Bonjour Léa")
        #expect(mails.first?["to"] as? [String] == ["lea@example.org"])
        let one = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(sandbox.base)/mail/1"), timeout: .seconds(10))
        let oneBody = try await one.body.collect(upTo: 1 << 20)
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(buffer: oneBody)) as? [String: Any])
        #expect(detail["html"] as? String == "<p>Bonjour Léa</p>")
        #expect((detail["receivedAt"] as? String)?.hasSuffix("Z") == true)
        let raw = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(sandbox.base)/mail/1/raw"), timeout: .seconds(10))
        #expect(String(buffer: try await raw.body.collect(upTo: 1 << 20)).contains("Message-ID: \(message.messageID)"))
    }

    /// A line-by-line SMTP conversation, as a client that does not use libcurl speaks it.
    @Test func speaksPlainSMTP() async throws {
        let server = try await FakeSMTPServer.start(offersStartTLS: true)
        defer { Task { try? await server.stop() } }
        let conversation = [
            ("", "220"), ("EHLO test", "250"), ("STARTTLS", "454"), ("AUTH LOGIN", "334"), ("Ym90", "334"), ("czNjcmV0", "235"),
            ("MAIL FROM:<a@beta.gouv.fr>", "250"), ("DATA", "503"), ("RCPT TO:<b@beta.gouv.fr>", "250"), ("DATA", "354"),
            ("Subject: hi\r\n\r\n..dot\r\n.", "250"), ("NOOP", "250"), ("BOGUS", "502"), ("QUIT", "221"),
        ]
        let replies = try await SMTPScript.run(port: server.port, conversation.map(\.0))
        #expect(replies.map { String($0.prefix(3)) } == conversation.map(\.1), "\(replies)")
        #expect(server.mails.count == 1)
        #expect(server.mails.first?.data == "Subject: hi\r\n\r\n.dot\r\n")
        #expect(server.mails.first?.user == "bot")
    }
}

/// Sends SMTP lines over a socket and reads one reply (its last line) after each.
enum SMTPScript {
    static func run(port: Int, _ lines: [String]) async throws -> [String] {
        try await Task.detached {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { return [] }
            var pending = ""
            func reply() -> String {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    // A reply ends with a line whose fourth character is a space.
                    let lines = pending.components(separatedBy: "\r\n")
                    if let last = lines.dropLast().last(where: { $0.count >= 4 }), last.dropFirst(3).first == " " {
                        pending = ""
                        return last
                    }
                    let n = recv(fd, &buffer, buffer.count, 0)
                    if n <= 0 { return pending }
                    pending += String(decoding: buffer[0..<n], as: UTF8.self)
                }
            }
            var replies: [String] = []
            for line in lines {
                if !line.isEmpty { _ = Array((line + "\r\n").utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } }
                replies.append(reply())
            }
            return replies
        }.value
    }
}
