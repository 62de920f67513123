import FicheSync
import Foundation
import Mustache

/// The five messages of the PR bot, in French (tutoiement to members, vouvoiement to teams
/// and incubators, as the community writes), from swift-mustache templates shipped as the
/// target's resources: `<name>.subject`, `.text` and `.html`.
///
/// HTML templates use mustache's default HTML content type, so every value (names typed by
/// people in their fiche) is escaped; text templates and subjects say `CONTENT_TYPE: TEXT`.
public struct ReminderTexts: Sendable {
    public enum Template: String, Sendable, CaseIterable {
        case referentNotice = "referent-notice"
        case referentReminder = "referent-reminder"
        case authorReminder = "author-reminder"
        case teamReminder = "team-reminder"
        case incubatorReminder = "incubator-reminder"

        /// The template of a step: the referent's first notice, then reminders.
        public init(_ step: ReminderStep) {
            switch step.audience {
            case .referent: self = step.day == 0 ? .referentNotice : .referentReminder
            case .author: self = .authorReminder
            case .team: self = .teamReminder
            case .incubator: self = .incubatorReminder
            }
        }
    }

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
    public static func load() async throws -> ReminderTexts {
        try await BlockingWork.run { try loadBlocking() }
    }

    static func loadBlocking() throws -> ReminderTexts {
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
        return ReminderTexts(library: library)
    }

    /// Renders `template` with `values` (dictionaries, strings, booleans).
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
