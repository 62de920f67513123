import FicheSync
import Foundation

/// The id of a member's fiche (`content/_authors/<id>.md`, and the email's local part),
/// derived from their names as the content repository's file-name rule wants: lowercase,
/// accents removed, spaces as `_`, a dot between first and last name.
///
/// `Camille` `Dupont-Léger` → `camille.dupont-leger`; `Marie Claire` `de la Fontaine` →
/// `marie_claire.de_la_fontaine`; `Chloé` `d'Arcy` → `chloe.darcy`.
public enum MemberID {
    /// `nil` when nothing of a name is left once accents and signs are removed (a name in a
    /// script the rule cannot write): the caller says so.
    public static func derive(firstname: String, lastname: String) -> String? {
        let first = slug(firstname), last = slug(lastname)
        guard !first.isEmpty, !last.isEmpty else { return nil }
        let id = "\(first).\(last)"
        return Validator.isValidAuthorID(id) ? id : nil
    }

    /// `fullname` split at its first space, when no separate first and last name were given.
    public static func names(fullname: String) -> (firstname: String, lastname: String)? {
        let trimmed = fullname.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else { return nil }
        return (String(trimmed[..<space]), String(trimmed[trimmed.index(after: space)...]).trimmingCharacters(in: .whitespaces))
    }

    /// Letters without their accents (ligatures spelt out), `-` kept, runs of spaces as one
    /// `_`, anything else (apostrophes, digits, dots) dropped.
    static func slug(_ name: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in name.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            let spelled: String? = switch scalar {
            case "a"..."z", "-": String(scalar)
            case "œ": "oe"
            case "æ": "ae"
            case "ß": "ss"
            case "ø": "o"
            case "ł": "l"
            case "đ", "ð": "d"
            case "þ": "th"
            case "ı": "i"
            default: nil
            }
            if scalar.properties.isWhitespace || scalar == "_" {
                pendingSpace = !out.isEmpty
                continue
            }
            guard let spelled else { continue }
            if pendingSpace { out += "_" }
            pendingSpace = false
            out += spelled
        }
        return out
    }
}
