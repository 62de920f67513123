import Foundation

/// A message to deliver, as the outbox keeps it.
public struct OutboxMessage: Sendable, Equatable, Codable {
    public enum Channel: String, Sendable, Equatable, Codable {
        case email, mattermost
    }

    /// What the message is for, unique: enqueueing the same key twice makes one message.
    public var dedupeKey: String
    public var channel: Channel
    /// An email address (Mattermost finds the person's account by it).
    public var recipient: String
    public var subject: String
    public var text: String
    public var html: String?

    /// Checks what goes into headers: a key, recipient or subject with a line break could
    /// add headers to an email (or recipients to an SMTP envelope), so it is refused.
    public init(dedupeKey: String, channel: Channel, recipient: String, subject: String, text: String, html: String? = nil) throws {
        guard !dedupeKey.isEmpty, dedupeKey.utf8.count <= 500, !dedupeKey.contains(where: \.isNewline) else {
            throw OutboxError(.invalidMessage, "a dedupe key is 1 to 500 characters on one line")
        }
        guard EmailAddress.isValid(recipient) else {
            throw OutboxError(.invalidMessage, "\"\(recipient.prefix(80))\" is not an email address")
        }
        guard !subject.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw OutboxError(.invalidMessage, "a subject is one line: line breaks could inject headers")
        }
        self.dedupeKey = dedupeKey
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// Outbox failures, by code, so callers decide on the code.
public struct OutboxError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// A message that cannot be sent as given (an address with a line break): nothing written.
        case invalidMessage
        /// A row read back that is not a message fichesync writes (a channel it does not know).
        case invalidRow
        /// No sender for a row's channel is configured: the row waits.
        case noSender
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// An email address as fichesync accepts one for a message: `local@domain`, printable ASCII
/// without spaces, angle brackets, quotes or line breaks — what can go into `RCPT TO:<…>` and
/// a `To:` header without being able to add anything else.
public enum EmailAddress {
    static let forbidden = Set("<>()[]\\,;:\"'` ")

    public static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= 254, address.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }),
              !address.contains(where: { forbidden.contains($0) }) else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, !parts[1].isEmpty,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains("..") else { return false }
        return true
    }

    /// The domain of a valid address.
    public static func domain(of address: String) -> String? {
        guard isValid(address), let at = address.lastIndex(of: "@") else { return nil }
        return String(address[address.index(after: at)...])
    }
}
