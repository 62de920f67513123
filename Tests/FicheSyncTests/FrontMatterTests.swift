import Testing
@testable import FicheSync

@Suite struct FrontMatterTests {
    private func locate(_ text: String) throws -> FrontMatter {
        try Array(text.utf8).withUnsafeBytes { try FrontMatter.locate(in: $0) }
    }

    private func yaml(_ text: String) throws -> String {
        let fm = try locate(text)
        return String(decoding: Array(text.utf8)[fm.yamlRange], as: UTF8.self)
    }

    @Test func splitsAtTheFirstDelimiterLine() throws {
        let text = "---\na: 1\n---\nbody\n---\nmore\n"
        #expect(try yaml(text) == "a: 1\n")
        let fm = try locate(text)
        #expect(String(decoding: Array(text.utf8)[fm.bodyRange], as: UTF8.self) == "body\n---\nmore\n")
        #expect(fm.firstLine == 2)
    }

    @Test func acceptsCRLF() throws {
        #expect(try yaml("---\r\na: 1\r\n---\r\nbody\r\n") == "a: 1\r\n")
    }

    @Test func setextHeadingsAndLongerDashesAreNotDelimiters() throws {
        #expect(try yaml("---\na: 1\n-----\nb: 2\n---\n") == "a: 1\n-----\nb: 2\n")
    }

    @Test func emptyFrontMatterAndEmptyBody() throws {
        let fm = try locate("---\n---")
        #expect(fm.yamlRange.isEmpty)
        #expect(fm.bodyRange.isEmpty)
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(try yaml("\u{FEFF}---\na: 1\n---\n") == "a: 1\n")
    }

    @Test func missingDelimitersAreReported() {
        #expect(throws: FrontMatter.Problem.missingOpening) { try locate("a: 1\n---\n") }
        #expect(throws: FrontMatter.Problem.missingOpening) { try locate("") }
        #expect(throws: FrontMatter.Problem.missingClosing) { try locate("---\na: 1\n") }
    }
}
