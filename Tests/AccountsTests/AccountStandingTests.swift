import Testing
@testable import Accounts
import FicheSync

/// The member page's reasons, on each day of the lifecycle, and their agreement with what
/// the planner does on those days.
@Suite struct AccountStandingTests {
    static let end = FicheDate(year: 2026, month: 3, day: 31)!
    static let settings = AccountSettings(domain: "beta.gouv.fr", githubTeam: "community")

    static func member(end: FicheDate = end, type: MemberType? = .beta, github: String? = "jdupont") -> MemberRecord {
        MemberRecord(id: "jeanne.dupont", fullname: "Jeanne Dupont", memberType: type, githubLogin: github,
                     missions: [.init(start: FicheDate(year: 2024, month: 1, day: 1)!, end: end)], startupsByMission: [["aides-jeunes"]])
    }

    func standing(_ provider: AccountStanding.Provider, on day: Int, member: MemberRecord = member()) throws -> AccountStanding {
        try #require(AccountStanding.explain(member, settings: Self.settings, today: Self.end.adding(days: day))
            .first { $0.provider == provider })
    }

    struct Day: Sendable, CustomTestStringConvertible {
        var offset: Int
        var email: String
        var emailNext: String?
        var mattermost: String
        var github: String
        var testDescription: String { "D\(offset >= 0 ? "+" : "")\(offset)" }
    }

    static let days: [Day] = [
        Day(offset: -10, email: "adresse active : mission en cours jusqu'au 31/03/2026",
            emailNext: "suspension si la mission n'est pas prolongée le 05/04/2026",
            mattermost: "Mattermost, équipe community : mission en cours jusqu'au 31/03/2026",
            github: "membre de l'organisation GitHub : mission en cours jusqu'au 31/03/2026"),
        Day(offset: 0, email: "adresse active : mission en cours jusqu'au 31/03/2026",
            emailNext: "suspension si la mission n'est pas prolongée le 05/04/2026",
            mattermost: "Mattermost, équipe community : mission en cours jusqu'au 31/03/2026",
            github: "membre de l'organisation GitHub : mission en cours jusqu'au 31/03/2026"),
        Day(offset: 1, email: "adresse encore active : mission terminée le 31/03/2026, suspendue 5 jours après ; prolonge ta mission pour la garder",
            emailNext: "suspension le 05/04/2026",
            mattermost: "Mattermost, encore dans l'équipe community : mission terminée le 31/03/2026, passage dans l'équipe alumni 3 jours après",
            github: "encore membre de l'organisation GitHub : mission terminée le 31/03/2026, retrait 3 jours après"),
        Day(offset: 2, email: "adresse encore active : mission terminée le 31/03/2026, suspendue 5 jours après ; prolonge ta mission pour la garder",
            emailNext: "suspension le 05/04/2026",
            mattermost: "Mattermost, encore dans l'équipe community : mission terminée le 31/03/2026, passage dans l'équipe alumni 3 jours après",
            github: "encore membre de l'organisation GitHub : mission terminée le 31/03/2026, retrait 3 jours après"),
        Day(offset: 3, email: "adresse encore active : mission terminée le 31/03/2026, suspendue 5 jours après ; prolonge ta mission pour la garder",
            emailNext: "suspension le 05/04/2026",
            mattermost: "Mattermost, équipe alumni : mission terminée le 31/03/2026, sorti de l'équipe community 3 jours après ; prolonge ta mission pour y revenir",
            github: "retiré de l'organisation GitHub : mission terminée le 31/03/2026, retrait 3 jours après ; prolonge ta mission pour y être invité de nouveau"),
        Day(offset: 4, email: "adresse encore active : mission terminée le 31/03/2026, suspendue 5 jours après ; prolonge ta mission pour la garder",
            emailNext: "suspension le 05/04/2026",
            mattermost: "Mattermost, équipe alumni : mission terminée le 31/03/2026, sorti de l'équipe community 3 jours après ; prolonge ta mission pour y revenir",
            github: "retiré de l'organisation GitHub : mission terminée le 31/03/2026, retrait 3 jours après ; prolonge ta mission pour y être invité de nouveau"),
        Day(offset: 5, email: "adresse suspendue : mission terminée le 31/03/2026, suspendue 5 jours après ; prolonge ta mission pour la retrouver",
            emailNext: "suppression le 30/04/2026",
            mattermost: "Mattermost, équipe alumni : mission terminée le 31/03/2026, sorti de l'équipe community 3 jours après ; prolonge ta mission pour y revenir",
            github: "retiré de l'organisation GitHub : mission terminée le 31/03/2026, retrait 3 jours après ; prolonge ta mission pour y être invité de nouveau"),
        Day(offset: 29, email: "adresse suspendue : mission terminée le 31/03/2026, suspendue 5 jours après ; prolonge ta mission pour la retrouver",
            emailNext: "suppression le 30/04/2026",
            mattermost: "Mattermost, équipe alumni : mission terminée le 31/03/2026, sorti de l'équipe community 3 jours après ; prolonge ta mission pour y revenir",
            github: "retiré de l'organisation GitHub : mission terminée le 31/03/2026, retrait 3 jours après ; prolonge ta mission pour y être invité de nouveau"),
        Day(offset: 30, email: "adresse supprimée 30 jours après la fin de mission (mission terminée le 31/03/2026) ; prolonge ta mission pour en avoir une de nouveau",
            emailNext: nil,
            mattermost: "Mattermost, équipe alumni : mission terminée le 31/03/2026, sorti de l'équipe community 3 jours après ; prolonge ta mission pour y revenir",
            github: "retiré de l'organisation GitHub : mission terminée le 31/03/2026, retrait 3 jours après ; prolonge ta mission pour y être invité de nouveau"),
    ]

    @Test(arguments: days) func eachLifecycleDayGivesItsReason(_ day: Day) throws {
        let email = try standing(.email, on: day.offset)
        #expect(email.reason == day.email)
        #expect(email.next?.text == day.emailNext)
        #expect(try standing(.mattermost, on: day.offset).reason == day.mattermost)
        #expect(try standing(.github, on: day.offset).reason == day.github)
    }

    @Test func anExtensionMakesTheAccountsActiveAgain() throws {
        // D+10: suspended; then the fiche says the mission goes on until 30/06/2027.
        #expect(try standing(.email, on: 10).reason.hasPrefix("adresse suspendue"))
        let extended = Self.member(end: FicheDate(year: 2027, month: 6, day: 30)!)
        let email = try standing(.email, on: 10, member: extended)
        #expect(email.reason == "adresse active : mission en cours jusqu'au 30/06/2027")
        #expect(email.next == AccountStanding.Next(what: "suspension si la mission n'est pas prolongée", on: FicheDate(year: 2027, month: 7, day: 5)!))
        #expect(try standing(.mattermost, on: 10, member: extended).reason.hasPrefix("Mattermost, équipe community"))
        #expect(try standing(.github, on: 10, member: extended).reason.hasPrefix("membre de l'organisation"))
    }

    @Test func aMissionToComeIsSaidToCome() throws {
        let recruit = MemberRecord(id: "lea.martin", fullname: "Léa Martin", githubLogin: "lea-martin",
                                   missions: [.init(start: FicheDate(year: 2026, month: 4, day: 6)!, end: FicheDate(year: 2030, month: 6, day: 30)!)])
        let before = AccountStanding.explain(recruit, settings: Self.settings, today: Self.end)
        #expect(before.first?.reason == "adresse active : mission à venir, jusqu'au 30/06/2030")
        let started = AccountStanding.explain(recruit, settings: Self.settings, today: FicheDate(year: 2026, month: 4, day: 6)!)
        #expect(started.first?.reason == "adresse active : mission en cours jusqu'au 30/06/2030")
    }

    @Test func withoutMissionOrLoginNothingIsPromised() throws {
        let none = MemberRecord(id: "jeanne.dupont", fullname: "Jeanne Dupont", missions: [])
        for standing in AccountStanding.explain(none, settings: Self.settings, today: Self.end) {
            #expect(standing.reason == "pas de compte : ta fiche n'a aucune mission")
            #expect(standing.next == nil)
        }
        #expect(try standing(.github, on: 0, member: Self.member(github: nil)).reason == "pas de compte GitHub : ta fiche n'en donne pas")
    }

    @Test func anAttributaireHasARedirectionDeletedAtThirtyDays() throws {
        let member = Self.member(type: .attributaire)
        #expect(try standing(.email, on: 6, member: member).next?.text == "suppression de la redirection le 30/04/2026")
        #expect(try standing(.email, on: 30, member: member).reason.hasPrefix("redirection supprimée 30 jours après"))
    }

    @Test func aProtectedMemberIsPromisedNoRemoval() throws {
        var settings = Self.settings
        settings.protectedAccounts = ["jeanne.dupont"]
        let standings = AccountStanding.explain(Self.member(), settings: settings, today: Self.end.adding(days: 6))
        #expect(standings.allSatisfy { $0.next == nil && $0.reason.hasSuffix("(compte protégé : fichesync ne le retire pas)") })
    }

    /// The dates the page announces are the days the planner acts: each provider's next step
    /// is planned on its date and not the day before, for an account left as it was.
    @Test func theAnnouncedDatesAreTheDaysThePlannerActs() throws {
        let member = Self.member()
        func planned(_ offset: Int, suspended: Bool, mattermost: Set<String> = ["community"], github: Bool = true) -> [String] {
            var snapshot = ProviderSnapshot()
            snapshot.mailboxes[member.id] = .init(suspended: suspended)
            snapshot.mattermostUsers[member.id] = mattermost
            if github {
                snapshot.githubMembers = ["jdupont": 100]
                snapshot.githubTeamMembers = ["jdupont"]
            }
            return AccountPlan.make(members: [member], current: snapshot, settings: Self.settings, today: Self.end.adding(days: offset))
                .operations.map { "\($0.provider.rawValue) \($0.action.rawValue)" }
        }
        let suspension = try #require(try standing(.email, on: 1).next?.on)
        let dayOfSuspension = suspension.dayNumber - Self.end.dayNumber
        #expect(planned(dayOfSuspension, suspended: false).contains("ovh suspend"))
        #expect(!planned(dayOfSuspension - 1, suspended: false).contains("ovh suspend"))
        let deletion = try #require(try standing(.email, on: dayOfSuspension).next?.on)
        let dayOfDeletion = deletion.dayNumber - Self.end.dayNumber
        #expect(planned(dayOfDeletion, suspended: true).contains("ovh delete"))
        #expect(!planned(dayOfDeletion - 1, suspended: true).contains("ovh delete"))
        let alumni = try #require(try standing(.mattermost, on: 1).next?.on).dayNumber - Self.end.dayNumber
        #expect(planned(alumni, suspended: false).contains("mattermost remove-from-team"))
        #expect(!planned(alumni - 1, suspended: false).contains("mattermost remove-from-team"))
        let removal = try #require(try standing(.github, on: 1).next?.on).dayNumber - Self.end.dayNumber
        #expect(planned(removal, suspended: false).contains("github remove"))
        #expect(!planned(removal - 1, suspended: false).contains("github remove"))
    }
}
