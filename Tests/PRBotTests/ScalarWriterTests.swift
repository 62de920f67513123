import FicheSync
import Testing
@testable import PRBot

/// Whatever a stranger types must read back as exactly that text: nothing they write can add
/// a key, change a type or end the front matter.
@Suite struct ScalarWriterTests {
    static let hostile: [String] = [
        "", " ", "Jean Dupont", " Jean Dupont", "Jean Dupont ", "O'Brien", "d''Arcy", "\"quoted\"", "say \"hi\"",
        "role: admin", "a: b: c", "key:value", "---", "--- x", "...", "# not a comment", "a # b", "a #b",
        "line\nbreak", "two\n\nparagraphs", "\nleading", "trailing\n", "crlf\r\nline", "tab\there",
        "yes", "no", "on", "off", "Y", "n", "true", "False", "~", "null", "NULL", ".inf", "-.inf", ".nan",
        "2024-01-01", "2024-01-01 10:00:00", "1234", "1234567", "0x1F", "0o17", "017", "1e3", "1_000", "+1", "-1", ".5", "1:20",
        "&anchor", "*alias", "!!int 3", "!tag", "!!python/object:os.system", "%TAG", "@user", "`tick`",
        "| literal", "> folded", "- item", "-item", "? key", "[a, b]", "{a: b}", "a, b", "}", "]",
        "Développeuse", "Zoë Ñúñez", "日本語", "😀 emoji", "\u{00A0}nbsp", "back\\slash", "\\n", "\"", "'",
        "<script>alert(1)</script>", "a\u{0085}b", "%", "=", "<<", "<<: *x",
    ]

    @Test(arguments: hostile)
    func readsBackAsTheSameText(_ text: String) throws {
        let written = try ScalarWriter.write(text)
        #expect(!written.contains("\n"), "one line, whatever the text: \(written)")
        let document = "role: \(written)\nnext: 1\n"
        let parsed = try Array(document.utf8).withUnsafeBytes { try YAMLParser.parse($0) }
        guard case .mapping(let pairs)? = parsed?.root.content else {
            Issue.record("not a mapping: \(document)")
            return
        }
        #expect(pairs.count == 2, "no key added: \(document)")
        #expect(pairs.first?.value.scalar?.value == .string(text), "\(document)")
    }

    @Test(arguments: hostile)
    func readsBackInEachRequestedStyle(_ text: String) throws {
        for style in [ScalarStyle.singleQuoted, .doubleQuoted] {
            let written = try ScalarWriter.write(text, style: style)
            let parsed = try Array("k: \(written)\n".utf8).withUnsafeBytes { try YAMLParser.parse($0) }
            guard case .mapping(let pairs)? = parsed?.root.content else {
                Issue.record("not a mapping: \(written)")
                continue
            }
            #expect(pairs.first?.value.scalar?.value == .string(text))
        }
    }

    @Test func plainTextStaysPlainAndDatesLikeTextAreQuoted() throws {
        #expect(try ScalarWriter.write("Développeuse back-end") == "Développeuse back-end")
        #expect(try ScalarWriter.write("yes") == "'yes'")
        #expect(try ScalarWriter.write("2024-01-01") == "'2024-01-01'")
        #expect(try ScalarWriter.write("line\nbreak") == "\"line\\nbreak\"")
        #expect(try ScalarWriter.write("O'Brien", style: .singleQuoted) == "'O''Brien'")
    }
}
