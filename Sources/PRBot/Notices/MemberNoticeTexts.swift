import FicheSync
import Foundation

/// The member notices' texts, in French (tutoiement, as the community writes to members),
/// from swift-mustache templates beside the PR bot's (`member-ending`, `member-departure-1`,
/// `member-departure-30`: `.subject`, `.text`, `.html`). HTML templates escape every value.
public typealias MemberNoticeTexts = MessageTexts<MemberNoticeTemplate>

public enum MemberNoticeTemplate: String, MessageTemplate {
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

extension MessageTexts where Template == MemberNoticeTemplate {
    /// `12 mars 2026`, `1er avril 2026`: a date as a French letter writes it.
    public static func frenchDate(_ date: FicheDate) -> String {
        let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
        return "\(date.day == 1 ? "1er" : String(date.day)) \(months[date.month - 1]) \(date.year)"
    }
}
