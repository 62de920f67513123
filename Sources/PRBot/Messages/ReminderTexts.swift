/// The five messages of the PR bot, in French (tutoiement to members, vouvoiement to teams
/// and incubators, as the community writes).
public typealias ReminderTexts = MessageTexts<ReminderTemplate>

public enum ReminderTemplate: String, MessageTemplate {
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
