extension YAMLValue {
    /// The value as compact JSON, keys in their written order: how the raw front matter is
    /// stored (`jsonb`). Infinities and NaN, which JSON lacks, are written as YAML spells them.
    public var json: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .bigInt(let digits): out += digits
        case .float(let d):
            if d.isNaN { out += "\".nan\"" } else if d.isInfinite { out += d < 0 ? "\"-.inf\"" : "\".inf\"" } else { out += "\(d)" }
        case .string(let s): Self.writeString(s, into: &out)
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .mapping(let pairs):
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out += "," }
                Self.writeString(key, into: &out)
                out += ":"
                value.write(into: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0}":
                // Postgres text and jsonb cannot hold U+0000 (YAML's "\0" escape makes one).
                out += "\u{FFFD}"
            case "\u{1}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
