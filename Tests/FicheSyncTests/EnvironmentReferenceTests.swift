import Foundation
import Testing
import TestKit
@testable import FicheSync

/// README's configuration table is the environment reference operators read: every setting
/// the code knows is in it, marked secret when it is one, and it names no variable the code
/// does not read.
@Suite struct EnvironmentReferenceTests {
    static func table() throws -> [String] {
        let readme = try String(contentsOf: Package.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n## Configuration\n").dropFirst().first?
            .components(separatedBy: "\n## ").first)
        return section.split(separator: "\n").filter { $0.hasPrefix("| `") }.map(String.init)
    }

    /// The backquoted names of a row's first column.
    static func variables(in row: String) -> [String] {
        let first = row.split(separator: "|").first.map(String.init) ?? ""
        return first.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }

    @Test func everySettingIsDocumentedAndEverySecretSaysSo() throws {
        let rows = try Self.table()
        for setting in FicheSyncSettings.known {
            let row = rows.first { Self.variables(in: $0).contains(setting.variable) }
            #expect(row != nil, "\(setting.variable) is not in README's configuration table")
            if setting.isSecret, let row {
                #expect(row.contains("secret"), "\(setting.variable) is a secret: its row must say so")
            }
        }
    }

    @Test func theTableNamesOnlyVariablesTheCodeReads() throws {
        let known = Set(FicheSyncSettings.known.map(\.variable))
        for row in try Self.table() {
            for variable in Self.variables(in: row) where !variable.contains("<") {
                #expect(known.contains(variable), "README documents \(variable), which no setting reads")
            }
        }
    }
}
