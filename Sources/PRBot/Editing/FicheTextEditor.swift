import CYAML
import FicheSync

/// Collects byte-range edits to one fiche's front matter, placed with ``FrontMatterSpans``,
/// and applies them at once. New lines take the file's own line end (CRLF files stay CRLF)
/// and the indentation of their neighbours.
struct FicheTextEditor {
    private let bytes: [UInt8]
    private let yamlRange: Range<Int>
    private let root: FrontMatterSpans.Node
    private let lineEnd: String
    private var edits: [(range: Range<Int>, text: String)] = []

    init(bytes: [UInt8], yamlRange: Range<Int>, root: FrontMatterSpans.Node) {
        self.bytes = bytes
        self.yamlRange = yamlRange
        self.root = root
        let crlf = bytes[yamlRange].indices.contains { $0 > yamlRange.lowerBound && bytes[$0] == 0x0A && bytes[$0 - 1] == 0x0D }
        lineEnd = crlf ? "\r\n" : "\n"
    }

    /// The bytes with every edit made (edits never overlap: each touches its own value).
    func applied() -> [UInt8] {
        var out = bytes
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            out.replaceSubrange(edit.range, with: Array(edit.text.utf8))
        }
        return out
    }

    /// Sets a top-level text value: rewrites it where it is, or adds `key: value` after the
    /// first of `after` that the fiche has (else at the end of the front matter).
    mutating func setText(_ key: String, to text: String, after: [String]) throws(ChangeRefused) {
        if let node = root.value(key) {
            try replace(node, with: text)
        } else {
            insertLine("\(key): \(try write(text, like: nil))", after: after)
        }
    }

    /// Moves the end of the mission that ends last (the last of them on a tie) to `end`.
    mutating func extendLastMission(to end: FicheDate) throws(ChangeRefused) {
        guard let missions = root.value("missions"), case .sequence(let items, _) = missions.content,
              let index = Self.lastMissionIndex(items.map(\.endDate)), let node = items[index].value("end")
        else { throw ChangeRefused(.noMissionToExtend, "the fiche has no mission with an end date to extend") }
        try replace(node, with: end.description, date: true)
    }

    /// The index of the mission that ends last; the last of equal ones.
    static func lastMissionIndex(_ ends: [FicheDate?]) -> Int? {
        var best: (index: Int, end: FicheDate)?
        for (index, end) in ends.enumerated() {
            guard let end else { continue }
            if best.map({ end >= $0.end }) ?? true { best = (index, end) }
        }
        return best?.index
    }

    /// Adds missions after the existing ones, laid out like them.
    mutating func appendMissions(_ missions: [NewMission]) throws(ChangeRefused) {
        guard let node = root.value("missions") else {
            let lines = try missionLines(missions, dashColumn: keyColumn + 2)
            insertLine((["missions:"] + lines).joined(separator: lineEnd), after: ["competences", "link", "github", "domaine", "role", "fullname"])
            return
        }
        switch node.content {
        case .sequence(let items, false) where !items.isEmpty:
            let first = items[0]
            // The item's `-`: back from its first key over the spaces that follow the dash.
            var dash = first.start - 1
            while dash > yamlRange.lowerBound, bytes[dash] == UInt8(ascii: " ") { dash -= 1 }
            let dashColumn = bytes[dash] == UInt8(ascii: "-") ? first.column - (first.start - dash) : keyColumn + 2
            let lines = try missionLines(missions, dashColumn: max(dashColumn, 0))
            let at = lineStart(after: node.contentEnd)
            edits.append((at..<at, lines.joined(separator: lineEnd) + lineEnd))
        case .sequence(let items, true) where !items.isEmpty:
            // `[{…}, {…}]`: one more flow item before the closing bracket.
            let flow = try missions.map { (mission) throws(ChangeRefused) in try flowMission(mission) }
            let at = node.end - 1
            edits.append((at..<at, ", " + flow.joined(separator: ", ")))
        case .sequence:
            // `missions: []`: a block list on the lines below the key.
            try replaceWithBlockList(node, missions)
        case .scalar where isNull(node):
            // A bare `missions:`.
            try replaceWithBlockList(node, missions)
        default:
            throw ChangeRefused(.notEditable, "`missions` is not written as a list: the editor does not rewrite it")
        }
    }

    private mutating func replaceWithBlockList(_ node: FrontMatterSpans.Node, _ missions: [NewMission]) throws(ChangeRefused) {
        let lines = try missionLines(missions, dashColumn: keyColumn + 2)
        var from = node.start
        while from > yamlRange.lowerBound, bytes[from - 1] == UInt8(ascii: " ") || bytes[from - 1] == UInt8(ascii: "\t") { from -= 1 }
        edits.append((from..<node.end, lineEnd + lines.joined(separator: lineEnd)))
    }

    // MARK: - Placing

    private var keyColumn: Int { root.pairs.first?.key.column ?? 0 }

    private func isNull(_ node: FrontMatterSpans.Node) -> Bool {
        guard case .scalar(let text, let style) = node.content else { return false }
        return style == YAML_PLAIN_SCALAR_STYLE && ScalarResolver.resolve(plain: text) == .null
    }

    /// The start of the line after the one holding `offset` (inside the front matter).
    private func lineStart(after offset: Int) -> Int {
        var index = max(offset, yamlRange.lowerBound)
        while index < yamlRange.upperBound, bytes[index] != 0x0A { index += 1 }
        return min(index + 1, yamlRange.upperBound)
    }

    private mutating func insertLine(_ line: String, after keys: [String]) {
        let indent = String(repeating: " ", count: keyColumn)
        let root = self.root
        let anchor = keys.lazy.compactMap { root.value($0) }.first
        let at = anchor.map { lineStart(after: $0.contentEnd) } ?? lineStart(after: root.contentEnd)
        // A front matter whose last line has no line end (the closing `---` follows at once).
        let needsBreak = at == yamlRange.upperBound && at > yamlRange.lowerBound && bytes[at - 1] != 0x0A
        edits.append((at..<at, (needsBreak ? lineEnd : "") + indent + line.replacingOccurrences(of: "\n", with: "\n" + indent) + lineEnd))
    }

    /// Rewrites one value in place, in its own quoting style when that can hold the new text.
    private mutating func replace(_ node: FrontMatterSpans.Node, with text: String, date: Bool = false) throws(ChangeRefused) {
        guard case .scalar(_, let style) = node.content else {
            throw ChangeRefused(.notEditable, "the value to change is a list, a mapping or an alias: the editor does not rewrite it")
        }
        let written = date ? text : try write(text, like: style)
        if node.start == node.end {
            // An empty value (`github:`): libyaml places it just after the colon.
            var end = node.end
            while end < yamlRange.upperBound, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") { end += 1 }
            let comment = end < yamlRange.upperBound && bytes[end] == UInt8(ascii: "#")
            edits.append((node.start..<end, " " + written + (comment ? " " : "")))
        } else if style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE {
            // A block scalar runs to the next key's line: keep one line end.
            edits.append((node.start..<node.end, written + (bytes[node.end - 1] == 0x0A ? lineEnd : "")))
        } else {
            edits.append((node.start..<node.end, written))
        }
    }

    private func write(_ text: String, like style: yaml_scalar_style_t?) throws(ChangeRefused) -> String {
        let wanted: ScalarStyle = switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        default: .any
        }
        do {
            return try ScalarWriter.write(text, style: wanted)
        } catch {
            throw ChangeRefused(.notEditable, error.message)
        }
    }

    private func missionLines(_ missions: [NewMission], dashColumn: Int) throws(ChangeRefused) -> [String] {
        var lines: [String] = []
        for mission in missions {
            do {
                lines += try AuthorFicheRenderer.missionLines(mission, dashColumn: dashColumn)
            } catch {
                throw ChangeRefused(.notEditable, error.message)
            }
        }
        return lines
    }

    /// `{start: …, end: …, status: …}`: strings double-quoted unless plainly safe in a flow.
    private func flowMission(_ mission: NewMission) throws(ChangeRefused) -> String {
        func flowText(_ text: String) throws(ChangeRefused) -> String {
            let safe = ScalarWriter.readsBackPlain(text) && !text.contains(where: { ",[]{}:#&*!|>'\"%@`".contains($0) || $0.isWhitespace })
            return safe ? text : try write(text, like: YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        }
        var fields = ["start: \(mission.start)", "end: \(mission.end)", "status: \(mission.status.rawValue)"]
        if let employer = mission.employer { fields.append("employer: \(try flowText(employer))") }
        if !mission.startups.isEmpty {
            let startups = try mission.startups.map { (startup) throws(ChangeRefused) in try flowText(startup) }
            fields.append("startups: [\(startups.joined(separator: ", "))]")
        }
        return "{\(fields.joined(separator: ", "))}"
    }
}

extension FrontMatterSpans.Node {
    /// A mission item's `end`, when it is written as a date (plain or quoted).
    var endDate: FicheDate? {
        guard case .scalar(let text, _)? = value("end")?.content else { return nil }
        return FicheDate(iso: text)
    }
}
