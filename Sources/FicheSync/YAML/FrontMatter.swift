/// Where the YAML front matter of a fiche lies inside its bytes.
///
/// A fiche is `---\n<YAML>\n---\n<Markdown>`: the front matter ends at the first line after
/// the opening one that is `---` (trailing spaces, tabs and a CR allowed, as Jekyll does).
/// Bodies may hold more `---` lines and setext headings; those never matter.
public struct FrontMatter: Sendable, Equatable {
    /// Byte range of the YAML text (without delimiters).
    public var yamlRange: Range<Int>
    /// Byte range of the Markdown body after the closing delimiter.
    public var bodyRange: Range<Int>
    /// File line on which the YAML text starts (2, after the opening `---`).
    public var firstLine: Int

    public enum Problem: Error, Sendable, Equatable {
        /// The file does not start with a `---` line.
        case missingOpening
        /// No closing `---` line: the message points at the end of the file.
        case missingClosing
    }

    /// Splits `bytes`. A UTF-8 byte-order mark before the opening line is skipped.
    public static func locate(in bytes: UnsafeRawBufferPointer) throws(Problem) -> FrontMatter {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        guard let afterOpening = delimiterLineEnd(bytes, at: start) else { throw .missingOpening }
        var lineStart = afterOpening
        while lineStart < bytes.count {
            if let afterClosing = delimiterLineEnd(bytes, at: lineStart) {
                return FrontMatter(yamlRange: afterOpening..<lineStart, bodyRange: afterClosing..<bytes.count, firstLine: 2)
            }
            guard let newline = indexOfNewline(bytes, from: lineStart) else { break }
            lineStart = newline + 1
        }
        throw .missingClosing
    }

    /// If a delimiter line starts at `index`, the index just past its line break.
    private static func delimiterLineEnd(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let dash = UInt8(ascii: "-")
        guard index + 3 <= bytes.count, bytes[index] == dash, bytes[index + 1] == dash, bytes[index + 2] == dash
        else { return nil }
        var i = index + 3
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") || bytes[i] == UInt8(ascii: "\r") {
            i += 1
        }
        if i == bytes.count { return i }
        return bytes[i] == UInt8(ascii: "\n") ? i + 1 : nil
    }

    private static func indexOfNewline(_ bytes: UnsafeRawBufferPointer, from index: Int) -> Int? {
        guard index < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + index, Int32(UInt8(ascii: "\n")), bytes.count - index) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
