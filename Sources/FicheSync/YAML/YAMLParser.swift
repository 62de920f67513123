import CYAML

/// Why a front matter cannot be read: libyaml's own words (or a limit of ours) and where.
public struct YAMLSyntaxError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Not valid YAML, or YAML that PyYAML and js-yaml refuse (an undefined alias).
        case syntax
        /// Valid YAML whose expansion is past ``YAMLLimits`` (an alias bomb, deep nesting).
        case limits
    }

    public var kind: Kind
    public var message: String
    /// Position in the parsed text (1-based), before the caller shifts it into the file: the
    /// line a person must edit (where an unclosed quote or bracket was opened).
    public var position: SourcePosition
    /// Where the parser gave up, when that is another line than ``position``.
    public var gaveUpAt: SourcePosition?

    public init(_ kind: Kind = .syntax, message: String, position: SourcePosition, gaveUpAt: SourcePosition? = nil) {
        self.kind = kind
        self.message = message
        self.position = position
        self.gaveUpAt = gaveUpAt
    }
}

/// Bounds on what one front matter may expand to. Far above any real fiche (the real
/// repository uses no alias at all and nests three levels deep), they keep a hostile file —
/// a 661-byte "billion laughs" or `[[[[…]]]]` 40,000 levels deep — from exhausting memory,
/// time or the stack of whatever walks the tree (decoders, JSON, Postgres's jsonb).
public struct YAMLLimits: Sendable, Equatable {
    /// Nesting of lists and mappings, aliases counted as expanded.
    public var maxDepth: Int
    /// Values that aliases stand for, in all (an alias of a 10-item list counts 11).
    public var maxAliasExpansion: Int

    public init(maxDepth: Int = 100, maxAliasExpansion: Int = 10_000) {
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
    }

    public static let `default` = YAMLLimits()
}

/// A key written twice in one mapping: YAML leaves it undefined, PyYAML keeps the last value.
public struct YAMLDuplicateKey: Sendable, Equatable {
    public var key: String
    /// The second occurrence: the line to delete or rename.
    public var position: SourcePosition
    public var firstPosition: SourcePosition
}

/// A parsed front matter: its root node and what a reader should be warned about.
public struct YAMLDocument: Sendable, Equatable {
    public var root: YAMLNode
    public var duplicateKeys: [YAMLDuplicateKey]
}

/// Builds a ``YAMLNode`` tree from libyaml's event API.
///
/// Events rather than libyaml's document loader: we need positions on every node, we turn
/// scalars into Swift values once, and we stop at the first document (a front matter holds
/// one). The tree is read as PyYAML reads it (the content repository's tools): merge keys
/// (`<<: *base`) are merged, a later duplicate key wins, an undefined alias is an error.
public enum YAMLParser {
    /// Parses `bytes` (UTF-8). Returns `nil` for an empty document.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: YAMLLimits = .default) throws(YAMLSyntaxError) -> YAMLDocument? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(message: "out of memory", position: .fileStart)
        }
        defer { yaml_parser_delete(&parser) }
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        // libyaml wants a non-null pointer even for an empty input.
        var empty: UInt8 = 0
        yaml_parser_set_input_string(&parser, base ?? withUnsafeMutablePointer(to: &empty) { UnsafePointer($0) }, bytes.count)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)

        let lines = LineMap(bytes)
        var builder = TreeBuilder(lines: lines, limits: limits)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                throw syntaxError(parser, bytes, lines)
            }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_DOCUMENT_END_EVENT || event.type == YAML_STREAM_END_EVENT {
                return builder.root.map { YAMLDocument(root: $0.node, duplicateKeys: builder.duplicateKeys) }
            }
            try builder.consume(event)
        }
    }

    /// Contexts whose mark is where something was opened and never properly closed: the
    /// quote, the bracket, the key missing its `:`. That line is the one to fix; libyaml only
    /// notices later (the next line, or the end of the text).
    private static let openingContexts: Set<String> = [
        "while scanning a quoted scalar", "while parsing a flow sequence", "while parsing a flow mapping",
        "while scanning a simple key",
    ]

    private static func syntaxError(_ parser: yaml_parser_t, _ bytes: UnsafeRawBufferPointer, _ lines: LineMap?) -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        if parser.error == YAML_READER_ERROR {
            // Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
            let message = readerMessage(problem, value: parser.problem_value)
            return YAMLSyntaxError(message: message, position: position(ofCharacterHolding: parser.problem_offset, in: bytes, problem: problem))
        }
        let problemPosition = lines.position(of: parser.problem_mark)
        if let mark = byteOrderMark(in: bytes), mark.line <= problemPosition.line {
            return YAMLSyntaxError(
                message: "a byte-order mark (U+FEFF, an invisible character) is inside the front matter: delete it (pasted text and joined files bring it)",
                position: mark, gaveUpAt: problemPosition == mark ? nil : problemPosition)
        }
        var message = context.map { "\($0), \(problem)" } ?? problem
        if let hint = hint(for: problem) { message += " (\(hint))" }
        // libyaml's marks count characters, not bytes.
        let atEnd = Int(parser.problem_mark.index) >= characterCount(bytes)
        let useContext = context.map { openingContexts.contains($0) || atEnd } ?? false
        guard useContext else { return YAMLSyntaxError(message: message, position: problemPosition) }
        let opened = lines.position(of: parser.context_mark)
        return YAMLSyntaxError(message: message, position: opened,
                               gaveUpAt: opened.line == problemPosition.line ? nil : problemPosition)
    }

    private static func readerMessage(_ problem: String, value: Int32) -> String {
        switch problem {
        case "invalid leading UTF-8 octet", "invalid trailing UTF-8 octet", "incomplete UTF-8 octet sequence",
             "invalid length of a UTF-8 sequence", "invalid Unicode character":
            "\(problem): the file is not valid UTF-8 here (save it as UTF-8)"
        case "control characters are not allowed":
            "control character U+\(String(UInt32(bitPattern: value), radix: 16, uppercase: true)) is not allowed: delete it"
        default:
            problem
        }
    }

    /// What a newcomer most likely did, for libyaml's terser problems.
    private static func hint(for problem: String) -> String? {
        switch problem {
        case "mapping values are not allowed in this context":
            "a value that contains \": \" must be put in quotes"
        case "found character that cannot start any token":
            "tabs cannot indent YAML, and values starting with @ or ` must be quoted"
        case "did not find expected key", "did not find expected '-' indicator":
            "check the indentation of this line against the keys above it"
        case "found undefined tag handle", "found unexpected end of stream":
            "a quote or bracket is probably not closed"
        case "did not find expected ',' or ']'":
            "a `[` list is not closed with `]` on its line, or a value in it needs quotes"
        case "did not find expected ',' or '}'":
            "a `{` mapping is not closed with `}` on its line, or a value in it needs quotes"
        case "could not find expected ':'":
            "a key must be followed by `: `"
        default: nil
        }
    }

    /// Number of characters (UTF-8 sequences) in `bytes`, as libyaml's mark index counts.
    private static func characterCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// The position of the first U+FEFF in `bytes`, if any (an opening one was already
    /// skipped with the front matter's delimiter).
    private static func byteOrderMark(in bytes: UnsafeRawBufferPointer) -> SourcePosition? {
        guard bytes.count >= 3 else { return nil }
        for i in 0...(bytes.count - 3) where bytes[i] == 0xEF && bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF {
            return position(ofByte: i, in: bytes)
        }
        return nil
    }

    /// The position of the character a reader error is about. libyaml reports a bad trailing
    /// byte at its own offset; the character to fix starts at the leading byte before it.
    static func position(ofCharacterHolding offset: Int, in bytes: UnsafeRawBufferPointer, problem: String) -> SourcePosition {
        var start = min(max(offset, 0), bytes.count)
        if problem == "invalid trailing UTF-8 octet" {
            var i = start
            while i > 0, start - i < 4 {
                i -= 1
                if bytes[i] & 0xC0 == 0xC0 { start = i; break }
                if bytes[i] & 0xC0 != 0x80 { break }
            }
        }
        return position(ofByte: start, in: bytes)
    }

    static func position(ofByte offset: Int, in bytes: UnsafeRawBufferPointer) -> SourcePosition {
        var line = 1, column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 }
            else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return SourcePosition(line: line, column: column)
    }
}

/// Turns the flat event stream into nested nodes. Finished nodes wait on one flat stack;
/// each open collection remembers where its items start, and takes them off when it ends —
/// no per-node copying of half-built collections, no recursion however deep the text.
///
/// Aliases share the anchored node (copy-on-write, no expansion here); what they would
/// expand to is counted against ``YAMLLimits`` so that no later walk of the tree can blow up.
private struct TreeBuilder {
    /// A finished node with what its expansion costs.
    struct Entry {
        var node: YAMLNode
        /// Values in the node once aliases are expanded (itself included).
        var size: Int
        /// Levels of collections in it (a scalar is 0).
        var height: Int
        /// A plain `<<` key: YAML 1.1's merge key.
        var isMergeKey = false
    }

    private struct OpenCollection {
        var isMapping: Bool
        var firstItem: Int
        var position: SourcePosition
        var anchor: String?
    }

    let lines: LineMap?
    let limits: YAMLLimits
    private var items: [Entry] = []
    private var open: [OpenCollection] = []
    private var anchors: [String: Entry] = [:]
    private var aliasExpansion = 0
    private(set) var duplicateKeys: [YAMLDuplicateKey] = []
    private(set) var root: Entry?

    init(lines: LineMap?, limits: YAMLLimits) {
        self.lines = lines
        self.limits = limits
    }

    mutating func consume(_ event: yaml_event_t) throws(YAMLSyntaxError) {
        let position = lines.position(of: event.start_mark)
        switch event.type {
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let value: ScalarValue
            let isPlain = s.plain_implicit != 0 && s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nil
            if s.plain_implicit == 0 || s.style != YAML_PLAIN_SCALAR_STYLE
                || s.tag.map({ String(cString: $0) == "tag:yaml.org,2002:str" }) == true {
                // Quoted, block or explicitly tagged `!!str`: text, whatever it looks like.
                value = .string(text)
            } else {
                value = ScalarResolver.resolve(plain: text)
            }
            var entry = Entry(node: YAMLNode(.scalar(YAMLScalar(text: text, value: value)), at: position), size: 1, height: 0)
            entry.isMergeKey = isPlain && text == "<<"
            add(entry, anchor: s.anchor.map { String(cString: $0) })
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            guard open.count < limits.maxDepth else {
                throw YAMLSyntaxError(.limits, message: "lists and mappings are nested more than \(limits.maxDepth) levels deep here", position: position)
            }
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            open.append(OpenCollection(isMapping: isMapping, firstItem: items.count, position: position,
                                       anchor: anchor.map { String(cString: $0) }))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let collection = open.popLast() else { break }
            var size = 1, height = 0
            for index in collection.firstItem..<items.count {
                size += items[index].size
                height = max(height, items[index].height)
            }
            let node: YAMLNode
            if collection.isMapping {
                node = YAMLNode(.mapping(try takeMappingPairs(from: collection.firstItem)), at: collection.position)
            } else {
                node = YAMLNode(.sequence(takeNodes(from: collection.firstItem)), at: collection.position)
            }
            add(Entry(node: node, size: size, height: height + 1), anchor: collection.anchor)
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            guard var entry = anchors[name] else {
                throw YAMLSyntaxError(message: "found undefined alias `\(name)` (`*` starts an alias of an `&\(name)` anchor written before it: put text starting with `*` in quotes)",
                                      position: position)
            }
            aliasExpansion += entry.size
            guard aliasExpansion <= limits.maxAliasExpansion else {
                throw YAMLSyntaxError(.limits, message: "aliases expand to more than \(limits.maxAliasExpansion) values (the front matter of a fiche needs no aliases)",
                                      position: position)
            }
            guard open.count + entry.height <= limits.maxDepth else {
                throw YAMLSyntaxError(.limits, message: "this alias nests lists and mappings more than \(limits.maxDepth) levels deep", position: position)
            }
            entry.node.position = position
            entry.isMergeKey = false
            add(entry, anchor: nil)
        default:
            break
        }
    }

    /// The finished sequence's items, `items[first...]`, taken off the stack.
    ///
    /// Moved off its end rather than copied out of a slice: a slice still alive when the
    /// items are removed made the whole stack be copied, and each copied node cost its
    /// strings a retain and a release — on every list of every fiche.
    private mutating func takeNodes(from first: Int) -> [YAMLNode] {
        var nodes: [YAMLNode] = []
        nodes.reserveCapacity(items.count - first)
        while items.count > first, let entry = items.popLast() { nodes.append(entry.node) }
        nodes.reverse()
        return nodes
    }

    /// The pairs of the finished mapping `items[first...]`, taken off the stack (moved, as in
    /// ``takeNodes(from:)``), read as PyYAML reads them: values of `<<` merge keys first (for
    /// a list of mappings, earlier ones win), then the mapping's own keys, which win over
    /// merged ones; a key written twice keeps its first place and its last value, and is
    /// remembered in ``duplicateKeys``.
    private mutating func takeMappingPairs(from first: Int) throws(YAMLSyntaxError) -> [YAMLPair] {
        var merged: [YAMLPair] = []
        var own: [YAMLPair] = []
        own.reserveCapacity((items.count - first) / 2)
        let hasMergeKey = stride(from: first, to: items.count, by: 2).contains { items[$0].isMergeKey }
        if !hasMergeKey {
            // A key without a value (never from libyaml) is dropped, as below.
            if (items.count - first) % 2 == 1 { items.removeLast() }
            while items.count - first >= 2, let value = items.popLast(), let key = items.popLast() {
                own.append(YAMLPair(key: key.node, value: value.node))
            }
            own.reverse()
        } else {
            try mergePairs(items[first...], merged: &merged, own: &own)
            items.removeSubrange(first...)
        }
        return try resolveKeys(merged: merged, own: own)
    }

    /// The merge keys' pairs and the mapping's own, of a mapping that has `<<` keys (rare:
    /// copied out, unlike the usual case).
    private func mergePairs(_ children: ArraySlice<Entry>, merged: inout [YAMLPair], own: inout [YAMLPair]) throws(YAMLSyntaxError) {
        var index = children.startIndex
        while index + 1 < children.endIndex {
            let key = children[index], value = children[index + 1]
            index += 2
            guard key.isMergeKey else {
                own.append(YAMLPair(key: key.node, value: value.node))
                continue
            }
            switch value.node.content {
            case .mapping(let pairs):
                merged.append(contentsOf: pairs)
            case .sequence(let maps):
                var sources: [[YAMLPair]] = []
                for map in maps {
                    guard case .mapping(let pairs) = map.content else {
                        throw YAMLSyntaxError(message: "`<<` merges mappings, but this list holds \(map.kindDescription)", position: map.position)
                    }
                    sources.append(pairs)
                }
                for pairs in sources.reversed() { merged.append(contentsOf: pairs) }
            default:
                throw YAMLSyntaxError(message: "`<<` merges a mapping or a list of mappings, not \(value.node.kindDescription)", position: value.node.position)
            }
        }
    }

    /// One pair per key: merged pairs give way to the mapping's own, a later duplicate wins.
    private mutating func resolveKeys(merged: [YAMLPair], own: [YAMLPair]) throws(YAMLSyntaxError) -> [YAMLPair] {
        guard !merged.isEmpty || Self.hasDuplicateKeys(own) else { return own }
        var result: [YAMLPair] = []
        var placeOf: [String: Int] = [:]
        var ownSeen: [String: SourcePosition] = [:]
        for (isOwn, pair) in merged.map({ (false, $0) }) + own.map({ (true, $0) }) {
            guard let key = pair.key.scalar?.text else {
                result.append(pair)
                continue
            }
            if isOwn {
                if let first = ownSeen[key] {
                    duplicateKeys.append(YAMLDuplicateKey(key: key, position: pair.key.position, firstPosition: first))
                } else {
                    ownSeen[key] = pair.key.position
                }
            }
            if let place = placeOf[key] {
                result[place].value = pair.value
                if isOwn, ownSeen[key] == pair.key.position { result[place].key = pair.key }
            } else {
                placeOf[key] = result.count
                result.append(pair)
            }
        }
        return result
    }

    /// Whether two keys of `pairs` have the same text. Every mapping of every fiche goes
    /// through here: for the usual few dozen keys, comparing pairs costs less than hashing
    /// each key into a set.
    private static func hasDuplicateKeys(_ pairs: [YAMLPair]) -> Bool {
        if pairs.count > 48 {
            var seen = Set<String>()
            for pair in pairs {
                if let key = pair.key.scalar?.text, !seen.insert(key).inserted { return true }
            }
            return false
        }
        for i in pairs.indices {
            guard let key = pair(pairs[i]) else { continue }
            for j in pairs.indices where j > i {
                if let other = pair(pairs[j]), other.utf8.count == key.utf8.count, other == key { return true }
            }
        }
        return false
        func pair(_ pair: YAMLPair) -> String? { pair.key.scalar?.text }
    }

    private mutating func add(_ entry: Entry, anchor: String?) {
        if let anchor { anchors[anchor] = entry }
        if open.isEmpty {
            if root == nil { root = entry }
        } else {
            items.append(entry)
        }
    }
}

/// libyaml ends a line at a lone CR, NEL (U+0085), LS and PS as well as at LF; editors, git
/// and GitHub count LF only. For the rare text holding such breaks, this maps libyaml's
/// (line, column) to the file's. `nil` (the usual case) means the two agree.
struct LineMap {
    /// For each libyaml line: the file line it is on and the column (0-based) it starts at.
    private var starts: [(line: Int, column: Int)] = [(1, 0)]

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard Self.hasOtherBreaks(bytes) else { return nil }
        var line = 1, column = 0, i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0A {
                line += 1; column = 0; starts.append((line, 0)); i += 1
            } else if b == 0x0D {
                if i + 1 < n && bytes[i + 1] == 0x0A {
                    line += 1; column = 0; starts.append((line, 0)); i += 2
                } else {
                    column += 1; starts.append((line, column)); i += 1
                }
            } else if b == 0xC2 && i + 1 < n && bytes[i + 1] == 0x85 {
                column += 1; starts.append((line, column)); i += 2
            } else if b == 0xE2 && i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9) {
                column += 1; starts.append((line, column)); i += 3
            } else {
                if b & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
        }
    }

    /// Whether `bytes` holds a line break other than LF and CRLF. Every front matter is
    /// scanned: eight bytes at a time, looking closer only at a word that holds a CR or the
    /// first byte of NEL, LS or PS (`0xC2` also starts `«`, `»` and the no-break space of
    /// French text, hence the closer look).
    private static func hasOtherBreaks(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n {
            if i + 8 <= n {
                let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                guard holds(0x0D, in: word) || holds(0xC2, in: word) || holds(0xE2, in: word) else {
                    i += 8
                    continue
                }
            }
            for j in i..<min(i + 8, n) where isOtherBreak(bytes, at: j) { return true }
            i += 8
        }
        return false
    }

    /// Whether any byte of `word` is `byte` (the "has zero byte" test on `word ^ byte…byte`).
    private static func holds(_ byte: UInt8, in word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & (ones &* 0x80) != 0
    }

    private static func isOtherBreak(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Bool {
        let n = bytes.count
        switch bytes[i] {
        case 0x0D: return i + 1 >= n || bytes[i + 1] != 0x0A
        case 0xC2: return i + 1 < n && bytes[i + 1] == 0x85
        case 0xE2: return i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9)
        default: return false
        }
    }

    func position(line: Int, column: Int) -> SourcePosition {
        let start = starts[min(max(line, 0), starts.count - 1)]
        return SourcePosition(line: start.line, column: start.column + column + 1)
    }
}

extension Optional where Wrapped == LineMap {
    /// The file position of a libyaml mark (1-based).
    func position(of mark: yaml_mark_t) -> SourcePosition {
        switch self {
        case .some(let map): map.position(line: Int(mark.line), column: Int(mark.column))
        case .none: SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }
    }
}
