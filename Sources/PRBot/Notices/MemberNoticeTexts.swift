import FicheSync
import Foundation
import Mustache

/// The member notices' texts, in French (tutoiement, as the community writes to members),
/// from swift-mustache templates beside the PR bot's (`member-ending`, `member-departure-1`,
/// `member-departure-30`: `.subject`, `.text`, `.html`). HTML templates escape every value.
public struct MemberNoticeTexts: Sendable {
    public enum Template: String, Sendable, CaseIterable {
        case ending = "member-ending"
        case departure1 = "member-departure-1"
        case departure30 = "member-departure-30"

        public init(_ kind: MemberNoticeKind) {
            switch kind {
            case .ending30, .ending15, .ending2: self = .ending
            case .departure1: self = .departure1
            case .departure30: self = .departure30
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
    public static func load() async throws -> MemberNoticeTexts {
        try await BlockingWork.run { try loadBlocking() }
    }

    static func loadBlocking() throws -> MemberNoticeTexts {
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
        return MemberNoticeTexts(library: library)
    }

    /// Renders `template` with `values` (dictionaries, strings, numbers).
    public func render(_ template: Template, _ values: [String: Any]) throws -> Rendered {
        func part(_ name: String) throws -> String {
            guard let text = library.render(values, withTemplate: "\(template.rawValue).\(name)") else {
                throw Problem(description: "no template \(template.rawValue).\(name)")
            }
            return text
        }
        let subject = try part("subject").split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return Rendered(subject: subject, text: try part("text"), html: try part("html"))
    }

    static let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]

    /// `12 mars 2026`, `1er avril 2026`: a date as a French letter writes it.
    public static func frenchDate(_ date: FicheDate) -> String {
        "\(date.day == 1 ? "1er" : String(date.day)) \(months[date.month - 1]) \(date.year)"
    }
}
