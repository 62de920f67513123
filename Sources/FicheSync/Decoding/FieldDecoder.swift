/// Reads typed values out of front-matter nodes for one fiche, collecting a ``Diagnostic``
/// for every value that does not have the documented type.
///
/// It never throws: a fiche with problems still decodes as far as it can, so one run reports
/// every problem at once (and cross-file rules still see the parts that were readable).
///
/// Field names are taken as autoclosures: nearly every value is fine, so a path such as
/// `missions[3].start` is only built when a diagnostic quotes it — building it for every
/// value of every fiche was a tenth of `check`'s time.
struct FieldDecoder {
    let path: String
    /// Added to node lines: the YAML text starts on file line `lineOffset + 1`.
    let lineOffset: Int
    /// `.error` for kinds the repository's CI checks, `.warning` for the others.
    let severity: Diagnostic.Severity
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String, lineOffset: Int, severity: Diagnostic.Severity) {
        self.path = path
        self.lineOffset = lineOffset
        self.severity = severity
    }

    func position(of node: YAMLNode) -> SourcePosition {
        SourcePosition(line: node.position.line + lineOffset, column: node.position.column)
    }

    mutating func report(_ rule: Rule, at node: YAMLNode, _ message: String) {
        report(rule, at: position(of: node), message)
    }

    mutating func report(_ rule: Rule, at position: SourcePosition, _ message: String, severity: Diagnostic.Severity? = nil) {
        diagnostics.append(Diagnostic(path: path, position: position, severity: severity ?? self.severity, rule: rule, message: message))
    }

    /// The mapping's pairs, keyed by their text (`nil` keys are reported and skipped).
    mutating func pairs(of node: YAMLNode, field: @autoclosure () -> String) -> [(key: String, keyNode: YAMLNode, value: YAMLNode)]? {
        guard case .mapping(let pairs) = node.content else {
            report(.keyType, at: node, "`\(field())` must be a mapping of keys to values, not \(node.kindDescription)")
            return nil
        }
        var result: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let key = pair.key.scalar?.text else {
                report(.keyType, at: pair.key, "keys in `\(field())` must be plain names, not \(pair.key.kindDescription)")
                continue
            }
            result.append((key, pair.key, pair.value))
        }
        return result
    }

    // MARK: Scalars

    /// Text, or `nil` (reported) when the node holds something else. Empty values (`key:`)
    /// count as absent, as the repository's schema treats them.
    mutating func text(_ node: YAMLNode, _ field: @autoclosure () -> String) -> String? {
        switch node.content {
        case .scalar(let s):
            switch s.value {
            case .string(let text): return text
            case .null: return nil
            case .int, .bigInt, .float:
                report(.keyType, at: node, "`\(field())` must be text, not a number: write it in quotes (\(field()): \"\(s.text)\")")
            case .bool:
                report(.keyType, at: node, "`\(field())` must be text, not the boolean `\(s.text)` (YAML reads yes/no/on/off as booleans): write it in quotes")
            case .date, .timestamp:
                report(.keyType, at: node, "`\(field())` must be text, not a date: write it in quotes")
            }
        default:
            report(.keyType, at: node, "`\(field())` must be text, not \(node.kindDescription)")
        }
        return nil
    }

    /// A key that must hold text when present; empty text (`''`) is text.
    mutating func requiredString(_ node: YAMLNode, _ field: @autoclosure () -> String) -> String? {
        if node.scalar?.value == .null {
            report(.requiredKey, at: node, "`\(field())` is empty")
            return nil
        }
        return text(node, field())
    }

    /// Text, or `nil` without a report: for keys whose type the repository's CI leaves open.
    func lenientText(_ node: YAMLNode) -> String? {
        if case .scalar(let s) = node.content, case .string(let text) = s.value { return text }
        return nil
    }

    /// Text that must be present and non-empty (FICHES.md: `fullname`, `role`).
    mutating func requiredText(_ node: YAMLNode?, _ field: @autoclosure () -> String, at mapping: YAMLNode) -> String? {
        guard let node else {
            report(.requiredKey, at: mapping, "`\(field())` is missing")
            return nil
        }
        if case .scalar(let s) = node.content, s.value == .null {
            report(.requiredKey, at: node, "`\(field())` is empty")
            return nil
        }
        guard let value = text(node, field()) else { return nil }
        if value.isEmpty {
            report(.requiredKey, at: node, "`\(field())` is empty")
            return nil
        }
        return value
    }

    mutating func date(_ node: YAMLNode, _ field: @autoclosure () -> String) -> FicheDate? {
        if case .scalar(let s) = node.content {
            switch s.value {
            case .date(let date): return date
            case .string(let text):
                if FicheDate(iso: text) != nil {
                    report(.keyType, at: node, "`\(field())` must be a date, not text: remove the quotes around \(text)")
                } else if text.utf8.count == 10, text.utf8.dropFirst(4).first == UInt8(ascii: "-") {
                    report(.keyType, at: node, "`\(field())` is \(text), which is not a day of the calendar")
                } else {
                    report(.keyType, at: node, "`\(field())` must be a date written YYYY-MM-DD, not \"\(text)\"")
                }
                return nil
            case .timestamp(let text):
                // The repository's CI reads a date-time as a date: keep its day.
                if let day = FicheDate(timestampPrefix: text) { return day }
                report(.keyType, at: node, "`\(field())` is \(text), which is not a day of the calendar")
                return nil
            case .null:
                report(.requiredKey, at: node, "`\(field())` is empty: write a date YYYY-MM-DD")
                return nil
            default: break
            }
        }
        report(.keyType, at: node, "`\(field())` must be a date written YYYY-MM-DD, not \(node.kindDescription)")
        return nil
    }

    mutating func bool(_ node: YAMLNode, _ field: @autoclosure () -> String) -> Bool? {
        if case .scalar(let s) = node.content {
            if case .bool(let b) = s.value { return b }
            if s.value == .null { return nil }
        }
        report(.keyType, at: node, "`\(field())` must be true or false, not \(node.kindDescription)")
        return nil
    }

    mutating func number(_ node: YAMLNode, _ field: @autoclosure () -> String) -> Double? {
        if case .scalar(let s) = node.content {
            switch s.value {
            case .int(let i): return Double(i)
            case .bigInt(let digits): return Double(digits)
            case .float(let d): return d
            default: break
            }
        }
        report(.keyType, at: node, "`\(field())` must be a number, not \(node.kindDescription)")
        return nil
    }

    // MARK: Lists

    /// The items of a list; an empty value is an empty list.
    mutating func items(_ node: YAMLNode, _ field: @autoclosure () -> String) -> [YAMLNode]? {
        switch node.content {
        case .sequence(let items): return items
        case .scalar(let s) where s.value == .null: return []
        default:
            report(.keyType, at: node, "`\(field())` must be a list, not \(node.kindDescription)")
            return nil
        }
    }

    /// A list of text values, each with its position.
    mutating func textList(_ node: YAMLNode, _ field: @autoclosure () -> String) -> [Located<String>]? {
        guard let items = items(node, field()) else { return nil }
        var result: [Located<String>] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if let value = text(item, "\(field())[\(index)]") {
                result.append(Located(value, at: position(of: item)))
            }
        }
        return result
    }

    /// `/organisations/<id>`-style references: the id, or a report when the prefix is missing.
    mutating func reference(_ value: Located<String>, prefix: String, field: @autoclosure () -> String, rule: Rule,
                            severity: Diagnostic.Severity? = nil) -> Located<String>? {
        let text = value.value
        if text.hasPrefix(prefix) {
            return Located(String(text.dropFirst(prefix.count)), at: value.position)
        }
        report(rule, at: value.position, "`\(field())` entries are written \(prefix)<id>, not \"\(text)\"", severity: severity)
        return nil
    }

    /// Reports values listed twice (rule 4: no list holds the same value twice): each repeat,
    /// in list order. Short lists (all of the real ones) compare pairs rather than hash every
    /// value into a set.
    mutating func reportDuplicates(_ values: [Located<String>], _ field: @autoclosure () -> String, severity: Diagnostic.Severity? = nil) {
        guard values.count > 1 else { return }
        if values.count > 16 {
            var seen = Set<String>()
            for value in values where !seen.insert(value.value).inserted {
                report(.duplicateValue, at: value.position, "\"\(value.value)\" is listed twice in `\(field())`", severity: severity)
            }
            return
        }
        for i in values.indices.dropFirst() where values[..<i].contains(where: { $0.value == values[i].value }) {
            report(.duplicateValue, at: values[i].position, "\"\(values[i].value)\" is listed twice in `\(field())`", severity: severity)
        }
    }
}
