import FicheSync
import Testing
@testable import PRBot

@Suite struct MemberNoticeMessagesTests {
    static let end = FicheDate(year: 2026, month: 4, day: 5) ?? FicheDate(dayNumber: 0)

    func messages() async throws -> MemberNoticeMessages {
        MemberNoticeMessages(texts: try await MemberNoticeTexts.load(), domain: "beta.gouv.fr", publicURL: "http://localhost:8080")
    }

    func notice(_ kind: MemberNoticeKind, _ member: String = "lea.martin") -> DueMemberNotice {
        DueMemberNotice(member: member, kind: kind, endDate: Self.end)
    }

    @Test func departureTheDayAfterSaysWhatHappensAndWhen() async throws {
        let member = NoticeMember(id: "lea.martin", fullname: "Léa Martin", endDate: Self.end, personalAddress: "lea@example.org")
        let (out, unreachable) = try await messages().messages(for: notice(.departure1), member: member, today: Self.end.adding(days: 1))
        #expect(unreachable == nil)
        #expect(out.map { "\($0.channel.rawValue) \($0.recipient)" } == ["email lea.martin@beta.gouv.fr", "mattermost lea.martin@beta.gouv.fr"])
        #expect(out.map(\.dedupeKey) == ["member-notice/lea.martin/departure-1/2026-04-05/email", "member-notice/lea.martin/departure-1/2026-04-05/mattermost"])
        let text = try #require(out.first?.text)
        #expect(out.first?.subject == "Ta mission s'est terminée hier : la suite pour tes accès")
        #expect(text.contains("Ta mission s'est terminée le 5 avril 2026."))
        #expect(text.contains("le 10 avril 2026, ton adresse @beta.gouv.fr est suspendue ; elle est supprimée le 5 mai 2026."))
        #expect(text.contains("http://localhost:8080/members/lea.martin/prolonger"))
    }

    @Test func thirtyDaysAfterGoesToThePersonalAddressOnly() async throws {
        let known = NoticeMember(id: "lea.martin", fullname: "Léa Martin", endDate: Self.end, personalAddress: "lea@example.org")
        let (out, _) = try await messages().messages(for: notice(.departure30), member: known, today: Self.end.adding(days: 30))
        #expect(out.map { "\($0.channel.rawValue) \($0.recipient)" } == ["email lea@example.org", "mattermost lea.martin@beta.gouv.fr"])
        #expect(out.first?.subject == "Ton adresse @beta.gouv.fr est supprimée")
        #expect(out.first?.text.contains("ton adresse lea.martin@beta.gouv.fr est supprimée aujourd'hui") == true)
        let unknown = NoticeMember(id: "lea.martin", fullname: "Léa Martin", endDate: Self.end, personalAddress: nil)
        let (chatOnly, _) = try await messages().messages(for: notice(.departure30), member: unknown, today: Self.end.adding(days: 30))
        #expect(chatOnly.map(\.channel) == [.mattermost])
    }

    @Test func namesAreEscapedInHTMLAndAMemberWithoutAnAddressIsUnreachable() async throws {
        let hostile = NoticeMember(id: "lea.martin", fullname: "<b>Léa</b> & co", endDate: Self.end, personalAddress: nil)
        let (out, _) = try await messages().messages(for: notice(.ending2), member: hostile, today: Self.end.adding(days: -2))
        #expect(out.first?.subject == "Ta mission se termine dans 2 jours, le 5 avril 2026")
        #expect(out.first?.html?.contains("Bonjour &lt;b&gt;Léa&lt;/b&gt; &amp; co,") == true)
        #expect(out.first?.text.contains("Bonjour <b>Léa</b> & co,") == true)
        let nowhere = NoticeMember(id: "léa martin", fullname: "Léa", endDate: Self.end, personalAddress: nil)
        let (none, reason) = try await messages().messages(for: notice(.ending2, "léa martin"), member: nowhere, today: Self.end.adding(days: -2))
        #expect(none.isEmpty)
        #expect(reason?.hasPrefix("no address for léa martin") == true)
    }
}
