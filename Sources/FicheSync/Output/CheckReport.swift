import Foundation

/// The result of `fichesync check`, and its three renderings.
public struct CheckReport: Sendable, Equatable {
    /// What was checked, as the user named it.
    public var source: String
    /// The commit read, when the source was a git repository.
    public var commit: String?
    public var fileCount: Int
    public var diagnostics: [Diagnostic]

    public init(source: String, commit: String?, fileCount: Int, diagnostics: [Diagnostic]) {
        self.source = source
        self.commit = commit
        self.fileCount = fileCount
        self.diagnostics = diagnostics
    }

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// `N fiches checked, E errors, W warnings`
    public var summary: String { "\(fileCount) fiches checked, \(errorCount) errors, \(warningCount) warnings" }

    public enum Format: String, CaseIterable, Sendable {
        case text, json, github
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .text: renderText()
        case .json: renderJSON()
        case .github: renderGitHub()
        }
    }

    /// One `path:line:col: severity: message [rule]` line each, then the summary.
    public func renderText() -> String {
        var out = ""
        for diagnostic in diagnostics { out += diagnostic.formatted + "\n" }
        return out + summary + "\n"
    }

    /// The JSON document (README, "JSON output"): stable keys, sorted diagnostics.
    public func renderJSON() -> String {
        struct Document: Encodable {
            var version = 1
            var source: String
            var commit: String?
            var fiches: Int
            var errors: Int
            var warnings: Int
            var diagnostics: [Entry]

            // Written by hand so `commit` is `null` for a folder rather than left out.
            enum CodingKeys: String, CodingKey { case version, source, commit, fiches, errors, warnings, diagnostics }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(version, forKey: .version)
                try container.encode(source, forKey: .source)
                try container.encode(commit, forKey: .commit)
                try container.encode(fiches, forKey: .fiches)
                try container.encode(errors, forKey: .errors)
                try container.encode(warnings, forKey: .warnings)
                try container.encode(diagnostics, forKey: .diagnostics)
            }
        }
        struct Entry: Encodable {
            var path: String
            var line: Int
            var column: Int
            var severity: String
            var rule: String
            var message: String
        }
        let document = Document(
            source: source, commit: commit, fiches: fileCount, errors: errorCount, warnings: warningCount,
            diagnostics: diagnostics.map {
                Entry(path: $0.path, line: $0.line, column: $0.column, severity: $0.severity.rawValue,
                      rule: $0.rule.rawValue, message: $0.message)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(document) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// GitHub Actions workflow commands: each problem shows on its line in the pull request.
    public func renderGitHub() -> String {
        var out = ""
        for d in diagnostics {
            let command = d.severity == .error ? "error" : "warning"
            out += "::\(command) file=\(Self.escapeProperty(d.path)),line=\(d.line),col=\(d.column),"
                + "title=\(Self.escapeProperty("fichesync: \(d.rule.rawValue)"))::\(Self.escapeData(d.message))\n"
        }
        return out + summary + "\n"
    }

    /// Escaping of workflow command values (actions/toolkit `escapeData`).
    static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escaping of workflow command properties (actions/toolkit `escapeProperty`).
    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
