import CYAML
import FicheSync

/// How a scalar should be quoted. ``ScalarWriter`` may pick a stronger quoting than asked
/// when the text needs it (a plain `yes` would read back as a boolean).
public enum ScalarStyle: Sendable, Equatable {
    /// Plain when the text reads back as itself, else quoted.
    case any
    case singleQuoted
    case doubleQuoted
}

/// Writes one scalar exactly as libyaml's emitter writes it as the value of a block mapping,
/// so that any string — quotes, colons, `---`, `#`, `&`, `*`, `!!tags`, newlines, unicode —
/// reads back as the same string.
///
/// libyaml chooses between plain, single- and double-quoted from the characters, but knows
/// nothing of YAML 1.1's implicit types: `yes`, `2024-01-01`, `1e3` or `~` are fine plain
/// scalars to it and would read back as a boolean, a date, a number or null in Jekyll and
/// PyYAML. Those are quoted here. Lines are never folded, and a line break is always written
/// as `\n` inside double quotes, so a scalar is always one line that can sit at any indentation.
public enum ScalarWriter {
    public struct Failure: Error, Sendable, Equatable {
        public var message: String
    }

    public static func write(_ text: String, style: ScalarStyle = .any) throws(Failure) -> String {
        var chosen = style
        if chosen == .any, !readsBackPlain(text) { chosen = .singleQuoted }
        if text.contains(where: \.isNewline) { chosen = .doubleQuoted }
        let written = try emitAsMappingValue(text, style: chosen)
        // A single-quoted scalar with leading or trailing spaces at a break would be folded:
        // double quotes never are.
        if written.contains("\n") { return try emitAsMappingValue(text, style: .doubleQuoted) }
        return written
    }

    /// Whether a plain scalar with this text reads back as this text, in YAML 1.1 (Jekyll,
    /// PyYAML) and in YAML 1.2's core schema (js-yaml): anything that looks like a number,
    /// a date, a boolean (`y`/`n` included, which some YAML 1.1 readers take), null, or one of
    /// YAML 1.1's special keys is not.
    static func readsBackPlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        guard ScalarResolver.resolve(plain: text) == .string(text) else { return false }
        if "0123456789+-.".unicodeScalars.contains(first) { return false }
        switch text.lowercased() {
        // `=` and `<<` are YAML 1.1's value and merge types: PyYAML refuses or merges them.
        case "y", "n", "~", "null", ".nan", ".inf", "-.inf", "+.inf", "=", "<<": return false
        default: return true
        }
    }

    /// Emits the one-pair document `k: <text>` and takes the scalar back out of it: the same
    /// context (block mapping value) the scalar is written in by the renderer and the editor.
    private static func emitAsMappingValue(_ text: String, style: ScalarStyle) throws(Failure) -> String {
        let yamlStyle: yaml_scalar_style_t = switch style {
        case .any: YAML_ANY_SCALAR_STYLE
        case .singleQuoted: YAML_SINGLE_QUOTED_SCALAR_STYLE
        case .doubleQuoted: YAML_DOUBLE_QUOTED_SCALAR_STYLE
        }
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) == 1 else { throw Failure(message: "libyaml: out of memory") }
        defer { yaml_emitter_delete(&emitter) }
        let output = EmitterOutput()
        let box = Unmanaged.passUnretained(output).toOpaque()
        yaml_emitter_set_output(&emitter, { data, buffer, size in
            guard let data, let buffer else { return 0 }
            Unmanaged<EmitterOutput>.fromOpaque(data).takeUnretainedValue().bytes
                .append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, box)
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_width(&emitter, -1)
        yaml_emitter_set_break(&emitter, YAML_LN_BREAK)

        var event = yaml_event_t()
        func emit(_ initialized: Int32) throws(Failure) {
            guard initialized == 1, yaml_emitter_emit(&emitter, &event) == 1 else {
                let problem = emitter.problem.map { String(cString: $0) } ?? "cannot emit"
                throw Failure(message: "libyaml: \(problem)")
            }
        }
        try emit(yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING))
        try emit(yaml_document_start_event_initialize(&event, nil, nil, nil, 1))
        try emit(yaml_mapping_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE))
        try emit(scalar("k", YAML_PLAIN_SCALAR_STYLE, &event))
        try emit(scalar(text, yamlStyle, &event))
        try emit(yaml_mapping_end_event_initialize(&event))
        try emit(yaml_document_end_event_initialize(&event, 1))
        try emit(yaml_stream_end_event_initialize(&event))

        var written = String(decoding: output.bytes, as: UTF8.self)
        guard written.hasPrefix("k: ") || written.hasPrefix("k:") else {
            throw Failure(message: "libyaml wrote an unexpected document: \(written)")
        }
        written.removeFirst(written.hasPrefix("k: ") ? 3 : 2)
        while written.hasSuffix("\n") { written.removeLast() }
        return written
    }

    private static func scalar(_ text: String, _ style: yaml_scalar_style_t, _ event: inout yaml_event_t) -> Int32 {
        // A terminating zero, so the buffer is never empty: libyaml wants a pointer even for "".
        var bytes = Array(text.utf8) + [0]
        return bytes.withUnsafeMutableBufferPointer { buffer in
            guard let pointer = buffer.baseAddress else { return 0 }
            // libyaml copies the value.
            return yaml_scalar_event_initialize(&event, nil, nil, pointer, Int32(buffer.count - 1), 1, 1, style)
        }
    }
}

/// Where the emitter's write handler appends (a class: the C callback gets a pointer to it).
private final class EmitterOutput {
    var bytes: [UInt8] = []
}
