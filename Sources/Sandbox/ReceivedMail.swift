import Foundation

/// A received message read as a person would: headers unfolded, the subject's RFC 2047 words
/// decoded, the text and HTML parts of a multipart/alternative body decoded (base64,
/// quoted-printable or as is).
public struct ReceivedMail: Sendable, Equatable {
    /// Headers in order, names as written.
    public var headers: [(name: String, value: String)]
    public var text: String?
    public var html: String?
    /// The top-level `Content-Type`.
    public var contentType: String

    public static func == (a: ReceivedMail, b: ReceivedMail) -> Bool {
        a.headers.map { "\($0.name):\($0.value)" } == b.headers.map { "\($0.name):\($0.value)" } && a.text == b.text && a.html == b.html
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The subject, decoded.
    public var subject: String { Self.decodeWords(header("Subject") ?? "") }

    public init(_ data: String) {
        let (headers, body) = Self.split(data)
        self.headers = headers
        let type = headers.first { $0.name.lowercased() == "content-type" }?.value ?? "text/plain"
        contentType = type
        let encoding = headers.first { $0.name.lowercased() == "content-transfer-encoding" }?.value
        if type.lowercased().hasPrefix("multipart/"), let boundary = Self.parameter("boundary", in: type) {
            var text: String?, html: String?
            for part in body.components(separatedBy: "--" + boundary).dropFirst() where !part.hasPrefix("--") {
                let (partHeaders, partBody) = Self.split(String(part.drop { $0 == "\r" || $0 == "\n" }))
                let partType = partHeaders.first { $0.name.lowercased() == "content-type" }?.value.lowercased() ?? "text/plain"
                let partEncoding = partHeaders.first { $0.name.lowercased() == "content-transfer-encoding" }?.value
                let decoded = Self.decode(partBody, encoding: partEncoding)
                if partType.hasPrefix("text/plain") { text = decoded }
                if partType.hasPrefix("text/html") { html = decoded }
            }
            self.text = text
            self.html = html
        } else {
            let decoded = Self.decode(body, encoding: encoding)
            text = type.lowercased().hasPrefix("text/html") ? nil : decoded
            html = type.lowercased().hasPrefix("text/html") ? decoded : nil
        }
    }

    static func split(_ data: String) -> ([(name: String, value: String)], String) {
        let normalized = data.replacingOccurrences(of: "\r\n", with: "\n")
        let (head, body): (Substring, Substring)
        if let range = normalized.range(of: "\n\n") {
            (head, body) = (normalized[..<range.lowerBound], normalized[range.upperBound...])
        } else {
            (head, body) = (normalized[...], "")
        }
        var headers: [(name: String, value: String)] = []
        for line in head.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        return (headers, String(body))
    }

    static func parameter(_ name: String, in value: String) -> String? {
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    static func decode(_ body: String, encoding: String?) -> String {
        switch encoding?.lowercased() {
        case "base64"?:
            let compact = body.filter { !$0.isWhitespace }
            return Data(base64Encoded: compact).map { String(decoding: $0, as: UTF8.self) } ?? body
        case "quoted-printable"?:
            return quotedPrintable(body.replacingOccurrences(of: "=\n", with: ""), underscoreIsSpace: false)
        default:
            return body
        }
    }

    static func quotedPrintable(_ text: String, underscoreIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "="), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else if underscoreIsSpace && byte == UInt8(ascii: "_") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 2047: `=?charset?B|Q?…?=` words decoded (UTF-8 assumed), the space between two
    /// adjacent words dropped.
    public static func decodeWords(_ value: String) -> String {
        var out = ""
        var rest = Substring(value)
        var lastWasWord = false
        while let start = rest.range(of: "=?") {
            let between = rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            let pieces = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard pieces.count == 4, pieces[3].hasPrefix("=") else { break }
            if !(lastWasWord && between.allSatisfy(\.isWhitespace)) { out += between }
            let text = String(pieces[2])
            let decoded = pieces[1].uppercased() == "B"
                ? Data(base64Encoded: text).map { String(decoding: $0, as: UTF8.self) } ?? text
                : quotedPrintable(text, underscoreIsSpace: true)
            out += decoded
            rest = pieces[3].dropFirst()
            lastWasWord = true
        }
        return out + rest
    }
}
