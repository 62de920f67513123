/// Turns the bytes of one fiche file into a typed ``Fiche`` and the diagnostics of the rules
/// that concern that file alone (front matter, keys, types, enums, date order, duplicates).
/// Rules that need other files (references) are the ``Validator``'s.
public enum FicheDecoder {
    public struct Result: Sendable, Equatable {
        /// `nil` when the front matter could not be read at all.
        public var fiche: Fiche?
        public var diagnostics: [Diagnostic]
        /// The whole front matter as written, when asked for (the sync stores it as `jsonb`).
        public var frontMatter: YAMLValue?
    }

    /// - Parameter keepFrontMatter: also return the whole front matter as a plain value
    ///   (costs memory; `check` does not need it).
    public static func decode(_ location: FicheLocation, bytes: UnsafeRawBufferPointer, keepFrontMatter: Bool = false) -> Result {
        let path = location.path
        func failure(_ rule: Rule, _ position: SourcePosition, _ message: String) -> Result {
            Result(fiche: nil, diagnostics: [Diagnostic(path: path, position: position, severity: .error, rule: rule, message: message)])
        }
        let frontMatter: FrontMatter
        do {
            frontMatter = try FrontMatter.locate(in: bytes)
        } catch .missingOpening {
            if FrontMatter.hasCROnlyLineEnds(bytes) {
                return failure(.frontMatter, .fileStart, "the lines of this file end with CR only (classic Mac line ends), which Jekyll and YAML tools do not read: save it with LF line ends")
            }
            return failure(.frontMatter, .fileStart, "the file must start with a line `---` opening the front matter")
        } catch {
            let end = YAMLParser.position(ofByte: bytes.count, in: bytes)
            return failure(.frontMatter, end, "the front matter opened on line 1 is never closed: add a line `---` after it")
        }
        let lineOffset = frontMatter.firstLine - 1
        let document: YAMLDocument?
        do {
            document = try YAMLParser.parse(UnsafeRawBufferPointer(rebasing: bytes[frontMatter.yamlRange]))
        } catch {
            // Keep the position inside the YAML text (libyaml may point just past its end).
            let lines = max(frontMatter.yamlLineCount(in: bytes), 1)
            func fileLine(_ position: SourcePosition) -> Int { min(position.line, lines) + lineOffset }
            var message = error.message
            if let gaveUp = error.gaveUpAt, fileLine(gaveUp) != fileLine(error.position) {
                message += "; the parser gave up on line \(fileLine(gaveUp))"
            }
            switch error.kind {
            case .syntax:
                return failure(.yamlSyntax, SourcePosition(line: fileLine(error.position), column: error.position.column), "invalid YAML: \(message)")
            case .limits:
                return failure(.yamlLimits, SourcePosition(line: fileLine(error.position), column: error.position.column), "front matter refused: \(message)")
            }
        }
        guard let root = document?.root, case .mapping = root.content else {
            let root = document?.root
            let position = root.map { SourcePosition(line: $0.position.line + lineOffset, column: $0.position.column) }
                ?? SourcePosition(line: frontMatter.firstLine, column: 1)
            let found = root?.kindDescription ?? "nothing"
            return failure(.frontMatterMapping, position, "the front matter must be a mapping of keys to values (`key: value` lines), found \(found)")
        }
        var decoder = FieldDecoder(path: path, lineOffset: lineOffset,
                                   severity: location.kind.isCheckedByRepositoryCI ? .error : .warning)
        for duplicate in document?.duplicateKeys ?? [] {
            let first = duplicate.firstPosition.line + lineOffset
            decoder.report(.duplicateKey, at: SourcePosition(line: duplicate.position.line + lineOffset, column: duplicate.position.column),
                           "`\(duplicate.key)` is written twice in this mapping (first on line \(first)); only this last value is read: delete one",
                           severity: .warning)
        }
        let fiche: Fiche
        switch location.kind {
        case .author: fiche = .author(decoder.author(id: location.id, root))
        case .startup: fiche = .startup(decoder.startup(id: location.id, root))
        case .incubator: fiche = .incubator(decoder.incubator(id: location.id, root))
        case .organisation: fiche = .organisation(decoder.organisation(id: location.id, root))
        case .team: fiche = .team(decoder.team(id: location.id, root))
        }
        return Result(fiche: fiche, diagnostics: decoder.diagnostics, frontMatter: keepFrontMatter ? root.value : nil)
    }

    public static func decode(_ location: FicheLocation, bytes: [UInt8], keepFrontMatter: Bool = false) -> Result {
        bytes.withUnsafeBytes { decode(location, bytes: $0, keepFrontMatter: keepFrontMatter) }
    }
}

extension FrontMatter {
    /// A file that starts `---` + CR with no LF: lines ended the classic-Mac way.
    static func hasCROnlyLineEnds(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        guard bytes.count >= start + 4, bytes[start] == UInt8(ascii: "-"), bytes[start + 1] == UInt8(ascii: "-"),
              bytes[start + 2] == UInt8(ascii: "-") else { return false }
        var i = start + 3
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
        return i + 1 < bytes.count && bytes[i] == UInt8(ascii: "\r") && bytes[i + 1] != UInt8(ascii: "\n")
            && !bytes.contains(UInt8(ascii: "\n"))
    }

    /// Number of lines of the YAML text (a last line without a newline counts).
    func yamlLineCount(in bytes: UnsafeRawBufferPointer) -> Int {
        let slice = bytes[yamlRange]
        let newlines = slice.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        return newlines + (slice.last == UInt8(ascii: "\n") || slice.isEmpty ? 0 : 1)
    }
}
