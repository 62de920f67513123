import Foundation

/// What the messages say about a PR beyond the schedule's facts, read from the catalog by
/// the caller (`ReminderContacts`).
public struct ReminderContext: Sendable, Equatable {
    public struct Startup: Sendable, Equatable {
        public var id: String
        public var title: String
        /// The team's address (the startup fiche's `contact`).
        public var contact: String?

        public init(id: String, title: String, contact: String?) {
            self.id = id
            self.title = title
            self.contact = contact
        }
    }

    public var memberFullname: String
    public var referentFullname: String?
    public var startups: [Startup]
    /// The community's mail domain (`SECRETARIAT_DOMAIN`): members' addresses.
    public var domain: String

    public init(memberFullname: String, referentFullname: String?, startups: [Startup], domain: String) {
        self.memberFullname = memberFullname
        self.referentFullname = referentFullname
        self.startups = startups
        self.domain = domain
    }
}

/// Turns a due reminder into the outbox messages that carry it: email to the recipient's
/// address, and a Mattermost direct message for a member (delivered where the address has
/// an account). A recipient whose address is missing or not an address gets none, with the
/// reason: the caller records the reminder as unreachable and goes on.
public struct ReminderMessages: Sendable {
    public let texts: ReminderTexts
    /// The referent's one-click confirmation: their messages carry a link signed with it, to
    /// `<publicURL>/confirm/<token>`. Without it, they say to answer on the PR.
    public let confirmation: (link: ConfirmationLink, publicURL: String)?

    public init(texts: ReminderTexts, confirmation: (link: ConfirmationLink, publicURL: String)? = nil) {
        self.texts = texts
        self.confirmation = confirmation
    }

    public func messages(for reminder: DueReminder, of pr: RemindablePullRequest, context: ReminderContext,
                         now: Date) throws -> (messages: [OutboxMessage], unreachable: String?) {
        var values: [String: Any] = [
            "member": ["id": pr.memberID, "fullname": context.memberFullname],
            "pr": ["url": pr.url, "number": pr.number, "days": max(0, Int(now.timeIntervalSince(pr.openedAt) / 86_400))],
            "domain": context.domain,
            "hasStartups": !context.startups.isEmpty,
            "startupList": context.startups.map(\.title).joined(separator: ", "),
        ]
        if let referent = context.referentFullname { values["referent"] = ["fullname": referent] }
        let address: String
        var mattermost = false
        switch reminder.recipient {
        case .unreachable(let reason):
            return ([], reason)
        case .member(let id):
            address = "\(id)@\(context.domain)"
            mattermost = true
            if reminder.step.audience == .referent, let confirmation {
                let token = confirmation.link.token(repository: pr.repository, number: pr.number, referent: id, now: now, nonce: reminder.key)
                let base = confirmation.publicURL.hasSuffix("/") ? String(confirmation.publicURL.dropLast()) : confirmation.publicURL
                values["confirm"] = ["url": "\(base)/confirm/\(token)"]
            }
        case .address(let given):
            address = given
        case .incubatorContact(let contact):
            address = contact
        case .startup(let id):
            guard let startup = context.startups.first(where: { $0.id == id }) else { return ([], "startup \(id) is not in the catalog") }
            values["startup"] = ["id": startup.id, "title": startup.title]
            guard let contact = startup.contact, !contact.isEmpty else { return ([], "startup \(id) has no contact") }
            address = contact.hasPrefix("mailto:") ? String(contact.dropFirst(7)) : contact
        }
        guard EmailAddress.isValid(address) else { return ([], "\"\(address.prefix(80))\" is not an email address") }
        let rendered = try texts.render(ReminderTemplate(reminder.step), values)
        var messages = [try OutboxMessage(dedupeKey: reminder.key + "/email", channel: .email, recipient: address,
                                          subject: rendered.subject, text: rendered.text, html: rendered.html)]
        if mattermost {
            messages.append(try OutboxMessage(dedupeKey: reminder.key + "/mattermost", channel: .mattermost, recipient: address,
                                              subject: rendered.subject, text: rendered.text))
        }
        return (messages, nil)
    }
}
