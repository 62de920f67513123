import CYAML

/// Why a front matter is not valid YAML, with libyaml's own words and where it noticed.
public struct YAMLSyntaxError: Error, Sendable, Equatable {
    public var message: String
    /// Position in the parsed text (1-based), before the caller shifts it into the file.
    public var position: SourcePosition
}

/// Builds a ``YAMLNode`` tree from libyaml's event API.
///
/// Events rather than libyaml's document loader: we need positions on every node, we turn
/// scalars into Swift values once, and we stop at the first document (a front matter holds
/// one).
public enum YAMLParser {
    /// Parses `bytes` (UTF-8). Returns `nil` for an empty document.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(YAMLSyntaxError) -> YAMLNode? {
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
        var builder = TreeBuilder(lines: lines)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                throw syntaxError(parser, bytes, lines)
            }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_DOCUMENT_END_EVENT || event.type == YAML_STREAM_END_EVENT {
                return builder.root
            }
            builder.consume(event)
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, _ bytes: UnsafeRawBufferPointer, _ lines: LineMap?) -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        var message = context.map { "\($0), \(problem)" } ?? problem
        if let hint = hint(for: problem) { message += " (\(hint))" }
        if parser.error == YAML_READER_ERROR {
            // Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
            return YAMLSyntaxError(message: message, position: position(ofByte: parser.problem_offset, in: bytes))
        }
        // An unclosed quote or bracket is noticed at the end of the text; where it was opened
        // (libyaml's context mark) is the line to fix.
        let atEnd = parser.problem_mark.index >= bytes.count
        let mark = atEnd && parser.context != nil ? parser.context_mark : parser.problem_mark
        return YAMLSyntaxError(message: message, position: lines.position(of: mark))
    }

    /// What a newcomer most likely did, for libyaml's terser problems.
    private static func hint(for problem: String) -> String? {
        switch problem {
        case "mapping values are not allowed in this context":
            "a value that contains \": \" must be put in quotes"
        case "found character that cannot start any token":
            "tabs cannot indent YAML, and values starting with @ or ` must be quoted"
        case "did not find expected key":
            "check the indentation of this line against the keys above it"
        case "found undefined tag handle", "found unexpected end of stream":
            "a quote or bracket is probably not closed"
        default: nil
        }
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
/// no per-node copying of half-built collections.
private struct TreeBuilder {
    private struct OpenCollection {
        var isMapping: Bool
        var firstItem: Int
        var position: SourcePosition
        var anchor: String?
    }

    let lines: LineMap?
    private var items: [YAMLNode] = []
    private var open: [OpenCollection] = []

    init(lines: LineMap?) {
        self.lines = lines
    }
    private var anchors: [String: YAMLNode] = [:]
    private(set) var root: YAMLNode?

    mutating func consume(_ event: yaml_event_t) {
        let position = lines.position(of: event.start_mark)
        switch event.type {
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let value: ScalarValue
            if s.plain_implicit == 0 || s.style != YAML_PLAIN_SCALAR_STYLE
                || s.tag.map({ String(cString: $0) == "tag:yaml.org,2002:str" }) == true {
                // Quoted, block or explicitly tagged `!!str`: text, whatever it looks like.
                value = .string(text)
            } else {
                value = ScalarResolver.resolve(plain: text)
            }
            add(YAMLNode(.scalar(YAMLScalar(text: text, value: value)), at: position), anchor: s.anchor.map { String(cString: $0) })
        case YAML_SEQUENCE_START_EVENT:
            open.append(OpenCollection(isMapping: false, firstItem: items.count, position: position,
                                       anchor: event.data.sequence_start.anchor.map { String(cString: $0) }))
        case YAML_MAPPING_START_EVENT:
            open.append(OpenCollection(isMapping: true, firstItem: items.count, position: position,
                                       anchor: event.data.mapping_start.anchor.map { String(cString: $0) }))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let collection = open.popLast() else { break }
            let children = items[collection.firstItem...]
            let node: YAMLNode
            if collection.isMapping {
                var pairs: [YAMLPair] = []
                pairs.reserveCapacity(children.count / 2)
                var index = children.startIndex
                while index + 1 < children.endIndex {
                    pairs.append(YAMLPair(key: children[index], value: children[index + 1]))
                    index += 2
                }
                node = YAMLNode(.mapping(pairs), at: collection.position)
            } else {
                node = YAMLNode(.sequence(Array(children)), at: collection.position)
            }
            items.removeSubrange(collection.firstItem...)
            add(node, anchor: collection.anchor)
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            var node = anchors[name] ?? YAMLNode(.scalar(YAMLScalar(text: "", value: .null)), at: position)
            node.position = position
            add(node, anchor: nil)
        default:
            break
        }
    }

    private mutating func add(_ node: YAMLNode, anchor: String?) {
        if let anchor { anchors[anchor] = node }
        if open.isEmpty {
            if root == nil { root = node }
        } else {
            items.append(node)
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

    private static func hasOtherBreaks(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        for i in 0..<n {
            switch bytes[i] {
            case 0x0D where i + 1 >= n || bytes[i + 1] != 0x0A: return true
            case 0xC2 where i + 1 < n && bytes[i + 1] == 0x85: return true
            case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9): return true
            default: continue
            }
        }
        return false
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
