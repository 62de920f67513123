import FicheSync
import Testing
@testable import PRBot

/// What a reviewer reads on the bot's pull requests: who, role, missions, referent, what
/// merging creates, in French; whatever the stranger typed made inert as Markdown.
@Suite struct PullRequestDraftTests {
    func draft(_ json: String = validJSON, referentName: String = "Jeanne Dupont") throws -> PullRequestDraft {
        let checked = try submission(json).check(against: directory, today: today)
        return PullRequestDraft.onboarding(checked, rendered: try AuthorFicheRenderer.render(checked.fiche), referentName: referentName,
                                           outcome: MergeOutcomeWords(domain: "beta.gouv.fr", githubOrganization: "betagouv"))
    }

    @Test func theOnboardingBodySaysWhoWhatAndWhatMergingCreates() throws {
        let draft = try draft()
        #expect(draft.title == "Création de fiche pour Léa Martin. Référent : Jeanne Dupont.")
        #expect(draft.branch.hasPrefix("authorlea-martin-") && draft.branch.count == "authorlea-martin-".count + 6)
        #expect(draft.path == "content/_authors/lea.martin.md")
        let lines = draft.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "**Léa Martin** (`lea.martin`) rejoint la communauté : Développeuse (Développement).")
        #expect(lines.contains("- Mission : du 07/12/2026 au 30/06/2027, indépendant·e (Octo) — `aides-jeunes`, `e-inspé`"), "\(lines)")
        #expect(lines.contains("- Référent : Jeanne Dupont (`jeanne.dupont`)"))
        #expect(lines.contains("- GitHub : @lea-martin"))
        #expect(draft.body.contains("**Ce que la fusion va créer** : l'adresse lea.martin@beta.gouv.fr, un compte Mattermost dans l'équipe de la communauté, l'invitation de @lea-martin dans l'organisation GitHub betagouv."))
        #expect(!draft.body.contains("lea@example.org"), "the recruit's own address stays out of the public pull request")
    }

    @Test func typedTextIsInertMarkdown() throws {
        let json = replacing("role", with: #""**Chef** [clic](https://x.example) `code` & > _moi_""#)
        let draft = try draft(json, referentName: "Jeanne ![img](https://x.example/i.png) Dupont")
        let first = try #require(draft.body.split(separator: "\n").first)
        #expect(first.contains(#"\*\*Chef\*\* \[clic\]\(https://x.example\) \`code\` &amp; &gt; \_moi\_"#), "\(first)")
        #expect(draft.body.contains(#"- Référent : Jeanne \!\[img\]\(https://x.example/i.png\) Dupont"#), "\(draft.body)")
    }
}
