import CYAML
import FicheSync

/// A fiche's front matter as libyaml reads it, each node with the exact bytes it covers in
/// the file: what lets ``ProposedChange`` rewrite one value and leave every other byte —
/// comments, key order, quoting, line ends, the Markdown body — as it was.
///
/// Separate from ``YAMLParser`` on purpose: the catalog keeps one start position per node
/// for thousands of fiches, an edit needs both ends of the few nodes it touches, once.
struct FrontMatterSpans {
    struct Node {
        enum Content {
            case scalar(text: String, style: yaml_scalar_style_t)
            case sequence(items: [Node], flow: Bool)
            case mapping(pairs: [Pair], flow: Bool)
            case alias
        }

        var content: Content
        /// Byte offsets in the file: where the node starts, and where libyaml's end mark is
        /// (past the closing quote or bracket; for a block collection, the next token).
        var start: Int
        var end: Int
        /// 0-based column of the start, in characters.
        var column: Int

        var pairs: [Pair] {
            if case .mapping(let pairs, _) = content { return pairs }
            return []
        }

        func value(_ key: String) -> Node? {
            pairs.first { if case .scalar(let text, _) = $0.key.content { text == key } else { false } }?.value
        }

        /// Where the last character written for this node ends: for a block collection, its
        /// last child's end (libyaml's end mark is already on the next key's line).
        var contentEnd: Int {
            switch content {
            case .scalar, .alias: end
            case .sequence(let items, let flow): flow ? end : items.last?.contentEnd ?? start
            case .mapping(let pairs, let flow): flow ? end : pairs.last?.value.contentEnd ?? start
            }
        }
    }

    struct Pair {
        var key: Node
        var value: Node
    }

    struct Failure: Error {
        var message: String
    }

    let root: Node

    /// Reads the YAML text at `range` of `bytes` (a front matter located by ``FrontMatter``).
    init(_ bytes: [UInt8], range: Range<Int>) throws(Failure) {
        // libyaml's marks count characters; edits need byte offsets.
        var offsets: [Int] = []
        offsets.reserveCapacity(range.count + 1)
        for index in range where bytes[index] & 0xC0 != 0x80 { offsets.append(index) }
        offsets.append(range.upperBound)

        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw Failure(message: "libyaml: out of memory") }
        defer { yaml_parser_delete(&parser) }
        let yaml = Array(bytes[range]) + [0]
        var built: Node?
        try yaml.withUnsafeBufferPointer { (buffer) throws(Failure) in
            guard let base = buffer.baseAddress else { return }
            yaml_parser_set_input_string(&parser, base, buffer.count - 1)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            built = try Self.build(&parser, offsets: offsets)
        }
        guard let built, case .mapping = built.content else { throw Failure(message: "the front matter is not a mapping") }
        root = built
    }

    private static func build(_ parser: inout yaml_parser_t, offsets: [Int]) throws(Failure) -> Node? {
        func offset(_ mark: yaml_mark_t) -> Int { offsets[min(Int(mark.index), offsets.count - 1)] }
        /// Open collections: the node so far and, for mappings, a key waiting for its value.
        var stack: [(node: Node, pendingKey: Node?)] = []
        var root: Node?

        func add(_ node: Node) {
            guard var top = stack.popLast() else {
                root = root ?? node
                return
            }
            switch top.node.content {
            case .sequence(var items, let flow):
                items.append(node)
                top.node.content = .sequence(items: items, flow: flow)
            case .mapping(var pairs, let flow):
                if let key = top.pendingKey {
                    pairs.append(Pair(key: key, value: node))
                    top.node.content = .mapping(pairs: pairs, flow: flow)
                    top.pendingKey = nil
                } else {
                    top.pendingKey = node
                }
            case .scalar, .alias:
                break
            }
            stack.append(top)
        }

        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                throw Failure(message: parser.problem.map { String(cString: $0) } ?? "the front matter does not parse")
            }
            defer { yaml_event_delete(&event) }
            let start = offset(event.start_mark), end = offset(event.end_mark), column = Int(event.start_mark.column)
            switch event.type {
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self) } ?? ""
                add(Node(content: .scalar(text: text, style: scalar.style), start: start, end: end, column: column))
            case YAML_ALIAS_EVENT:
                add(Node(content: .alias, start: start, end: end, column: column))
            case YAML_SEQUENCE_START_EVENT:
                let flow = event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                stack.append((Node(content: .sequence(items: [], flow: flow), start: start, end: end, column: column), nil))
            case YAML_MAPPING_START_EVENT:
                let flow = event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                stack.append((Node(content: .mapping(pairs: [], flow: flow), start: start, end: end, column: column), nil))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard var closed = stack.popLast()?.node else { break }
                closed.end = end
                add(closed)
            case YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT:
                return root
            default:
                continue
            }
        }
    }
}
