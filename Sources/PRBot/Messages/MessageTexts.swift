import FicheSync
import Foundation
import Mustache

/// A family of messages, each a template name in `Messages/Templates`.
public protocol MessageTemplate: RawRepresentable, CaseIterable, Sendable where RawValue == String {}

/// Messages in French from swift-mustache templates shipped as the target's resources:
/// `<name>.subject`, `.text` and `.html` for each of `Template`'s cases. The PR bot's
/// reminders and the member notices are two families of them.
///
/// HTML templates use mustache's default HTML content type, so every value (names typed by
/// people in their fiche) is escaped; text templates and subjects say `CONTENT_TYPE: TEXT`.
public struct MessageTexts<Template: MessageTemplate>: Sendable {
    public struct Rendered: Sendable, Equatable {
        public var subject: String
        public var text: String
        public var html: String
    }

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    let library: MustacheLibrary

    /// Reads and parses the bundled templates (file reads on the blocking pool).
    public static func load() async throws -> Self {
        try await BlockingWork.run { try loadBlocking() }
    }

    static func loadBlocking() throws -> Self {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw Problem(description: "the message templates are missing from fichesync's resources")
        }
        var library = MustacheLibrary()
        for template in Template.allCases {
            for part in ["subject", "text", "html"] {
                let name = "\(template.rawValue).\(part)"
                let text = try String(contentsOf: folder.appendingPathComponent(name + ".mustache"), encoding: .utf8)
                do {
                    try library.register(text, named: name)
                } catch {
                    throw Problem(description: "template \(name): \(error)")
                }
            }
        }
        return Self(library: library)
    }

    /// Renders `template` with `values` (dictionaries, strings, numbers, booleans).
    public func render(_ template: Template, _ values: [String: Any]) throws -> Rendered {
        func part(_ name: String) throws -> String {
            guard let text = library.render(values, withTemplate: "\(template.rawValue).\(name)") else {
                throw Problem(description: "no template \(template.rawValue).\(name)")
            }
            return text
        }
        // A subject is one line whatever a name held.
        let subject = try part("subject").split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return Rendered(subject: subject, text: try part("text"), html: try part("html"))
    }
}
