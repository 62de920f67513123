import Foundation
import Providers
import Sandbox
import Testing

/// libcurl's SMTP against the sandbox's real SMTP server on loopback.
@Suite struct SMTPSenderTests {
    static let date = ISO8601DateFormatter().date(from: "2026-12-02T09:00:00Z")!

    static func sender(_ server: FakeSMTPServer, ignoreTLS: Bool = true, user: String? = "bot", password: String? = "s3cret") throws -> SMTPSender {
        SMTPSender(settings: try SMTPSettings(host: "127.0.0.1", port: server.port, user: user, password: password, ignoreTLS: ignoreTLS,
                                              from: "secretariat@beta.gouv.fr", timeout: 10))
    }

    static func message(subject: String = "Élodie Lefèvre vient de créer sa fiche Github — référente ✔ très longue pour être pliée") throws -> MailMessage {
        try MailMessage(from: "secretariat@beta.gouv.fr", to: "marius.tellier@beta.gouv.fr", subject: subject,
                        text: "Bonjour Marius,\n.ligne qui commence par un point\nÀ bientôt", html: "<p>Bonjour <b>Marius</b></p>", key: "pr#1/referent-d0/email")
    }

    @Test func aMultipartMessageArrivesWithItsUTF8Subject() async throws {
        let server = try await FakeSMTPServer.start()
        defer { Task { try? await server.stop() } }
        let message = try Self.message()
        try await Self.sender(server).send(message, date: Self.date)
        let mails = server.mails
        try #require(mails.count == 1)
        let mail = mails[0]
        #expect(mail.from == "secretariat@beta.gouv.fr")
        #expect(mail.recipients == ["marius.tellier@beta.gouv.fr"])
        #expect(mail.user == "bot")
        let parsed = mail.parsed
        #expect(parsed.subject == message.subject)
        #expect(parsed.contentType.hasPrefix("multipart/alternative"))
        #expect(parsed.text == "Bonjour Marius,\n.ligne qui commence par un point\nÀ bientôt")
        #expect(parsed.html == "<p>Bonjour <b>Marius</b></p>")
        #expect(parsed.header("Message-ID") == message.messageID)
        #expect(parsed.header("Date") == "Wed, 02 Dec 2026 09:00:00 +0000")
        // Every header line is ASCII and short (RFC 5322's 78).
        let head = mail.data.components(separatedBy: "\r\n\r\n")[0]
        for line in head.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78 && line.unicodeScalars.allSatisfy(\.isASCII), "\(line)")
        }
    }

    @Test func theMessageIDComesFromTheKey() throws {
        let a = try Self.message(), b = try Self.message(subject: "autre")
        #expect(a.messageID == b.messageID)
        #expect(a.messageID.hasSuffix("@beta.gouv.fr>"))
        var c = a
        c.key = "other"
        #expect(c.messageID != a.messageID)
    }

    @Test func lineBreaksCannotReachHeadersOrTheEnvelope() {
        #expect(throws: SMTPError.self) { try Self.message(subject: "a\r\nBcc: x@y.fr") }
        #expect(throws: SMTPError.self) {
            try MailMessage(from: "secretariat@beta.gouv.fr", to: "x@y.fr>\r\nRCPT TO:<z@w.fr", subject: "s", text: "t", html: nil, key: "k")
        }
        #expect(throws: SMTPError.self) { try SMTPSettings(host: "evil\r\nhost", from: "a@b.fr") }
    }

    @Test func starttlsIsRequiredUnlessIgnored() async throws {
        let server = try await FakeSMTPServer.start(offersStartTLS: true)
        defer { Task { try? await server.stop() } }
        await #expect {
            try await Self.sender(server, ignoreTLS: false).send(try Self.message(), date: Self.date)
        } throws: { error in
            (error as? SMTPError)?.code == .tlsRequired
        }
        #expect(server.mails.isEmpty)
        try await Self.sender(server, ignoreTLS: true).send(try Self.message(), date: Self.date)
        #expect(server.mails.count == 1)
    }

    @Test func refusalsAndDropsAreErrorsNotSilence() async throws {
        let server = try await FakeSMTPServer.start()
        server.inject([.refuseData, .dropAtData])
        let sender = try Self.sender(server, user: nil, password: nil)
        await #expect {
            try await sender.send(try Self.message(), date: Self.date)
        } throws: { ($0 as? SMTPError)?.code == .refused && ($0 as? SMTPError)?.status == 451 }
        await #expect(throws: SMTPError.self) { try await sender.send(try Self.message(), date: Self.date) }
        server.setDown(true)
        await #expect(throws: SMTPError.self) { try await sender.send(try Self.message(), date: Self.date) }
        server.setDown(false)
        try await sender.send(try Self.message(), date: Self.date)
        #expect(server.mails.count == 1)
        #expect(server.mails.first?.user == nil)
        let port = server.port
        try await server.stop()
        await #expect {
            try await SMTPSender(settings: try SMTPSettings(host: "127.0.0.1", port: port, ignoreTLS: true, from: "a@beta.gouv.fr", timeout: 5))
                .send(try Self.message(), date: Self.date)
        } throws: { ($0 as? SMTPError)?.code == .unreachable }
    }

    @Test func settingsFromTheEnvironment() throws {
        #expect(try SMTPSettings.fromEnvironment([:]) == nil)
        let settings = try #require(try SMTPSettings.fromEnvironment(["MAIL_HOST": "smtp.example.org", "MAIL_PORT": "2525", "MAIL_USER": "u",
                                                                     "MAIL_PASS": "hunter2", "MAIL_IGNORE_TLS": "true"]))
        #expect(settings.port == 2525 && settings.ignoreTLS && settings.from == "secretariat@beta.gouv.fr")
        #expect(!settings.description.contains("hunter2"))
        #expect(throws: SMTPError.self) { try SMTPSettings.fromEnvironment(["MAIL_HOST": "h", "MAIL_PORT": "x"]) }
    }

    @Test func encodedWordsRoundTrip() {
        for subject in ["PR en attente", "Émilie a besoin de vous pour obtenir ses accès @beta.gouv.fr", String(repeating: "é✔", count: 60), "=?looks?like?=a word"] {
            let encoded = MailMessage.encodedWords(subject)
            #expect(ReceivedMail.decodeWords(encoded.replacingOccurrences(of: "\r\n", with: "")) == subject)
        }
    }
}
