import CCurl
import Foundation
import NIOPosix

/// SMTP failures, by code: the outbox retries them with backoff (a message is never
/// dropped); a permanent refusal is kept as refused until re-armed. `fichesync outbox` shows them.
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The message or a setting cannot be sent as given: nothing was sent.
        case invalidMessage
        /// No connection to the server (refused, timed out, name unknown).
        case unreachable
        /// STARTTLS was required (no `MAIL_IGNORE_TLS`) and the server does not offer it.
        case tlsRequired
        /// The server refused the login.
        case loginRefused
        /// The server answered an error (a 4xx or 5xx reply, `status` holds it) or dropped the
        /// connection during the exchange.
        case refused
    }

    public var code: Code
    public var message: String
    /// The server's last reply code, when it gave one.
    public var status: Int?

    public init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String { "smtp: \(message)\(status.map { " (last reply \($0))" } ?? "")" }

    /// A 5xx reply to the message itself (RFC 5321's permanent negative completion: no such
    /// mailbox, message refused): sending it again gets the same answer. A refused login is
    /// not one — it is the configuration's to fix, and the messages wait for it.
    public var isPermanentRefusal: Bool {
        guard code == .refused, let status else { return false }
        return (500...599).contains(status)
    }
}

/// Where and how to send email: `MAIL_HOST`, `MAIL_PORT`, `MAIL_USER`, `MAIL_PASS` (a secret:
/// never printed, `description` omits it), `MAIL_IGNORE_TLS`, `MAIL_FROM`.
public struct SMTPSettings: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String?
    public var password: String?
    /// Plain SMTP without STARTTLS (a local receiver). Otherwise STARTTLS is required: a
    /// server that does not offer it gets nothing, not a message in clear text.
    public var ignoreTLS: Bool
    public var from: String
    /// Seconds for a whole exchange.
    public var timeout: Int

    public init(host: String, port: Int = 587, user: String? = nil, password: String? = nil, ignoreTLS: Bool = false,
                from: String, timeout: Int = 30) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        guard !host.isEmpty, host.count <= 253, host.allSatisfy(allowed.contains) else {
            throw SMTPError(.invalidMessage, "MAIL_HOST \"\(host.prefix(60))\" is not a host name")
        }
        guard (1...65535).contains(port) else { throw SMTPError(.invalidMessage, "MAIL_PORT \(port) is not a TCP port") }
        for value in [user, password].compactMap({ $0 }) where value.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw SMTPError(.invalidMessage, "MAIL_USER and MAIL_PASS are one line each")
        }
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.ignoreTLS = ignoreTLS
        self.from = try SMTPSender.checkedAddress(from)
        self.timeout = timeout
    }

    /// The settings from the environment's `MAIL_*` variables, or `nil` without `MAIL_HOST`.
    /// `MAIL_FROM` defaults to `secretariat@<SECRETARIAT_DOMAIN>`.
    public static func fromEnvironment(_ environment: [String: String]) throws -> SMTPSettings? {
        guard let host = environment["MAIL_HOST"], !host.isEmpty else { return nil }
        let portText = environment["MAIL_PORT"] ?? "587"
        guard let port = Int(portText) else { throw SMTPError(.invalidMessage, "MAIL_PORT \"\(portText.prefix(20))\" is not a number") }
        let ignore = ["true", "1", "yes"].contains((environment["MAIL_IGNORE_TLS"] ?? "").lowercased())
        let domain = environment["SECRETARIAT_DOMAIN"] ?? "beta.gouv.fr"
        return try SMTPSettings(host: host, port: port, user: environment["MAIL_USER"].flatMap { $0.isEmpty ? nil : $0 },
                                password: environment["MAIL_PASS"].flatMap { $0.isEmpty ? nil : $0 }, ignoreTLS: ignore,
                                from: environment["MAIL_FROM"] ?? "secretariat@\(domain)")
    }

    public var description: String {
        "smtp://\(host):\(port)\(ignoreTLS ? " (no TLS)" : " (STARTTLS required)")\(user.map { " as \($0)" } ?? "") from \(from)"
    }
}

/// Sends email over SMTP through libcurl (STARTTLS, AUTH as the server offers it).
///
/// libcurl's calls block: each send runs on NIO's blocking thread pool, never on the Swift
/// concurrency pool, one easy handle per send (handles are not shared between threads).
public struct SMTPSender: Sendable {
    public let settings: SMTPSettings

    public init(settings: SMTPSettings) {
        self.settings = settings
    }

    /// `curl_global_init`, once per process, before any handle (it is not thread-safe itself).
    static let initialized: Bool = curl_global_init(3) == CURLE_OK  // CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32

    /// `address` when it can go into an envelope and a header as is.
    public static func checkedAddress(_ address: String) throws -> String {
        let forbidden = Set("<>()[]\\,;:\"'` ")
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.utf8.count <= 254, address.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }),
              !address.contains(where: forbidden.contains), parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else {
            throw SMTPError(.invalidMessage, "\"\(address.prefix(80))\" is not an address an email can go to")
        }
        return address
    }

    /// Sends `message`, dated `date`. Returns once the server accepted it (its reply to the
    /// end of `DATA`); throws `SMTPError` otherwise.
    public func send(_ message: MailMessage, date: Date) async throws {
        let settings = self.settings
        let data = Array(message.rendered(date: date).utf8)
        try await NIOThreadPool.singleton.runIfActive {
            try Self.blockingSend(data, from: message.from, to: message.to, settings: settings)
        }
    }

    /// What libcurl reads the message from.
    final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    static func blockingSend(_ bytes: [UInt8], from: String, to: String, settings: SMTPSettings) throws {
        guard initialized else { throw SMTPError(.unreachable, "libcurl could not be initialised") }
        guard let curl = curl_easy_init() else { throw SMTPError(.unreachable, "libcurl could not make a handle") }
        defer { curl_easy_cleanup(curl) }
        let recipients = curl_slist_append(nil, "<\(to)>")
        defer { curl_slist_free_all(recipients) }
        let upload = Upload(bytes)
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let scheme = settings.port == 465 ? "smtps" : "smtp"
        let host = settings.host.contains(":") && !settings.host.hasPrefix("[") ? "[\(settings.host)]" : settings.host
        var codes: [CURLcode] = [
            ccurl_setopt_string(curl, CURLOPT_URL, "\(scheme)://\(host):\(settings.port)/\(domain)"),
            // Signals are not for a library on a thread pool.
            ccurl_setopt_long(curl, CURLOPT_NOSIGNAL, 1),
            ccurl_setopt_long(curl, CURLOPT_TIMEOUT, settings.timeout),
            ccurl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT, min(10, settings.timeout)),
            ccurl_setopt_long(curl, CURLOPT_USE_SSL, Int(settings.ignoreTLS ? CURLUSESSL_NONE.rawValue : CURLUSESSL_ALL.rawValue)),
            ccurl_setopt_string(curl, CURLOPT_MAIL_FROM, "<\(from)>"),
            ccurl_setopt_slist(curl, CURLOPT_MAIL_RCPT, recipients),
            ccurl_setopt_long(curl, CURLOPT_UPLOAD, 1),
            ccurl_setopt_long(curl, CURLOPT_INFILESIZE, bytes.count),
            ccurl_setopt_read_function(curl) { buffer, size, count, user in
                guard let buffer, let user else { return 0 }
                let upload = Unmanaged<Upload>.fromOpaque(user).takeUnretainedValue()
                let n = min(size * count, upload.bytes.count - upload.offset)
                upload.bytes.withUnsafeBytes { raw in
                    if let base = raw.baseAddress { memcpy(buffer, base + upload.offset, n) }
                }
                upload.offset += n
                return n
            },
            ccurl_setopt_pointer(curl, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque()),
        ]
        if let user = settings.user { codes.append(ccurl_setopt_string(curl, CURLOPT_USERNAME, user)) }
        if let password = settings.password { codes.append(ccurl_setopt_string(curl, CURLOPT_PASSWORD, password)) }
        guard codes.allSatisfy({ $0 == CURLE_OK }) else { throw SMTPError(.invalidMessage, "libcurl refused an SMTP option") }
        let result = withExtendedLifetime(upload) { curl_easy_perform(curl) }
        guard result != CURLE_OK else { return }
        var status = 0
        _ = ccurl_response_code(curl, &status)
        let reason = String(cString: curl_easy_strerror(result))
        let code: SMTPError.Code = switch result {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT: .unreachable
        case CURLE_USE_SSL_FAILED: .tlsRequired
        case CURLE_LOGIN_DENIED: .loginRefused
        default: .refused
        }
        throw SMTPError(code, "\(settings.host):\(settings.port): \(reason)", status: status == 0 ? nil : status)
    }
}
