import Crypto
import Foundation

/// An email as fichesync sends it: multipart/alternative text and HTML, UTF-8 throughout, a
/// `Message-ID` derived from what the message is for, so a receiver can tell a resend (after a
/// crash between the SMTP server's acceptance and our record of it) from a new message.
///
/// Header injection is impossible by construction: addresses are checked
/// (`SMTPSender.checkedAddress`), the subject is RFC 2047-encoded (no raw line break can
/// survive), and the body parts are base64.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var subject: String
    public var text: String
    public var html: String?
    /// Seeds the `Message-ID` (the outbox's dedupe key).
    public var key: String

    public init(from: String, to: String, subject: String, text: String, html: String?, key: String) throws {
        self.from = try SMTPSender.checkedAddress(from)
        self.to = try SMTPSender.checkedAddress(to)
        guard !subject.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw SMTPError(.invalidMessage, "a subject is one line: a line break could add headers")
        }
        self.subject = subject
        self.text = text
        self.html = html
        self.key = key
    }

    /// `<hash of the key>@<the sender's domain>`: the same key, the same id.
    public var messageID: String {
        let digest = SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined().prefix(32)
        let domain = from.split(separator: "@").last.map(String.init) ?? "fichesync.invalid"
        return "<\(digest).fichesync@\(domain)>"
    }

    /// RFC 5322 date, in UTC (`Wed, 02 Dec 2026 09:00:00 +0000`).
    static func dateHeader(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// A header value as RFC 2047 encoded words when it is not plain ASCII: `=?UTF-8?B?…?=`,
    /// each word at most 64 characters, whole characters per word, folded with CRLF + space.
    public static func encodedWords(_ value: String) -> String {
        if value.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) && !value.contains("=?") { return value }
        var words: [String] = []
        var chunk = Data()
        // 39 bytes: 52 base64 characters, a 64-character word; with "Subject: " the line stays
        // under RFC 5322's 78.
        for character in value {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 39 {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Base64 in lines of 76 characters (RFC 2045).
    static func base64Lines(_ text: String) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [Substring] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[index..<end])
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// The whole message, headers and body, CRLF line ends, as it goes after `DATA`.
    public func rendered(date: Date) -> String {
        let boundary = "=_fichesync_" + messageID.dropFirst().prefix(24)
        var headers = [
            "From: \(from)", "To: \(to)", "Subject: \(Self.encodedWords(subject))", "Date: \(Self.dateHeader(date))",
            "Message-ID: \(messageID)", "MIME-Version: 1.0",
        ]
        func part(_ type: String, _ body: String) -> String {
            "Content-Type: \(type); charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\(Self.base64Lines(body))\r\n"
        }
        guard let html else {
            headers += ["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64"]
            return headers.joined(separator: "\r\n") + "\r\n\r\n" + Self.base64Lines(text) + "\r\n"
        }
        headers.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
        return headers.joined(separator: "\r\n") + "\r\n\r\n"
            + "--\(boundary)\r\n" + part("text/plain", text)
            + "--\(boundary)\r\n" + part("text/html", html)
            + "--\(boundary)--\r\n"
    }
}
