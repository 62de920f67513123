import FicheSync
import Foundation

/// What the notices need to know of a member, read from the catalog by the caller.
public struct NoticeMember: Sendable, Equatable {
    public var id: String
    public var fullname: String
    /// The member's end date (the latest mission end, `authors.end_date`).
    public var endDate: FicheDate
    /// The address the member's mail is redirected to, when someone gave one
    /// (`email_redirection_targets`, as Accounts' `MemberRecord.redirectTo`): the only one
    /// left once the community mailbox is deleted.
    public var personalAddress: String?

    public init(id: String, fullname: String, endDate: FicheDate, personalAddress: String?) {
        self.id = id
        self.fullname = fullname
        self.endDate = endDate
        self.personalAddress = personalAddress
    }
}

/// Turns a due notice into its outbox messages.
///
/// Who gets what: the ending notices and J+1 go to the member's community address
/// (`<id>@SECRETARIAT_DOMAIN`, still active: it is suspended at D+5) and as a Mattermost
/// direct message (delivered where that address has an account, as the PR bot's reminders
/// are); J+30 goes to the personal address when one is known — the community mailbox is
/// deleted that day — and as a direct message (the account stays, in the alumni team).
public struct MemberNoticeMessages: Sendable {
    public let texts: MemberNoticeTexts
    /// The community's mail domain.
    public let domain: String
    /// `FICHESYNC_PUBLIC_URL`: where the extension form is served.
    public let publicURL: String

    public init(texts: MemberNoticeTexts, domain: String, publicURL: String) {
        self.texts = texts
        self.domain = domain
        self.publicURL = publicURL
    }

    /// The pre-filled extension form of `member`: `<public URL>/members/<id>/prolonger`.
    public func extensionURL(_ member: String) -> String {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return "\(base)/members/\(member.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? member)/prolonger"
    }

    /// The messages of `notice`, or none and why (no address at all).
    public func messages(for notice: DueMemberNotice, member: NoticeMember, today: FicheDate) throws -> (messages: [OutboxMessage], unreachable: String?) {
        let values: [String: Any] = [
            "member": ["id": member.id, "fullname": member.fullname],
            "endDate": MemberNoticeTexts.frenchDate(notice.endDate),
            "days": notice.endDate.dayNumber - today.dayNumber,
            "suspensionDate": MemberNoticeTexts.frenchDate(notice.endDate.adding(days: 5)),
            "deletionDate": MemberNoticeTexts.frenchDate(notice.endDate.adding(days: 30)),
            "domain": domain,
            "extensionURL": extensionURL(member.id),
        ]
        let community = "\(member.id)@\(domain)"
        let email: String?
        if notice.kind == .departure30 {
            email = member.personalAddress.flatMap { EmailAddress.isValid($0) ? $0 : nil }
        } else {
            email = EmailAddress.isValid(community) ? community : nil
        }
        let chat = EmailAddress.isValid(community) ? community : nil
        guard email != nil || chat != nil else {
            return ([], "no address for \(member.id): \"\(community.prefix(80))\" is not an email address and none other is known")
        }
        let rendered = try texts.render(MemberNoticeTemplate(notice.kind), values)
        var messages: [OutboxMessage] = []
        if let email {
            messages.append(try OutboxMessage(dedupeKey: notice.key + "/email", channel: .email, recipient: email,
                                              subject: rendered.subject, text: rendered.text, html: rendered.html))
        }
        if let chat {
            messages.append(try OutboxMessage(dedupeKey: notice.key + "/mattermost", channel: .mattermost, recipient: chat,
                                              subject: rendered.subject, text: rendered.text))
        }
        return (messages, nil)
    }
}
