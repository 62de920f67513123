import FicheSync
import Foundation
import TestKit
import Sandbox
import Testing
@testable import PRBot

/// The bot records the PRs it opens, with what only it knows (referent, the recruit's
/// address from the submission, startups); a PR opened by hand that it finds stays hand-made.
@Suite struct OpenedRecordTests {
    @Test func theBotsOnboardingPullRequestIsRecordedWithItsFacts() async throws {
        try await WatchedRepository.with { repo in
            let opener = PullRequestOpener(github: repo.github, upstream: WatchedRepository.upstream, fork: WatchedRepository.fork, logger: WatchedRepository.logger)
            let catalog = SubmissionCatalog(try CatalogReader.read(directory: Package.fixtures).0)
            let checked = try submission(PullRequestOpenerTests.Bot.json).check(against: catalog, today: today)
            let draft = PullRequestDraft.onboarding(checked, rendered: try AuthorFicheRenderer.render(checked.fiche), referentName: "Marius Tellier",
                                                    outcome: MergeOutcomeWords(domain: "beta.gouv.fr"))
            let opened = try await opener.open(draft)
            let row = try await repo.watcher.record(opened, OpenedPullRequestRecord(onboarding: checked), github: repo.github, now: Date())
            #expect(row.kind == .onboarding)
            #expect(row.members == ["lea.martin"])
            #expect(row.referent == "marius.tellier")
            #expect(row.recruitEmail == checked.email)
            #expect(row.startups == ["auxAJ", "e-inspé"])
            #expect(row.state == .open && row.headBranch == draft.branch && row.headRepository == FakeSandbox.fork)
            // As stored (Postgres keeps microseconds: the observation time is compared apart).
            var stored = try #require(try await repo.followed().first)
            #expect(abs(stored.lastObservedAt.timeIntervalSince(row.lastObservedAt)) < 0.001)
            stored.lastObservedAt = row.lastObservedAt
            #expect(stored == row)
            // The poll sees the same PR: nothing changes, the bot's facts stay.
            #expect(try await repo.pass().changed.isEmpty)
            var after = try #require(try await repo.followed().first)
            after.lastObservedAt = row.lastObservedAt
            #expect(after == row)
        }
    }

    @Test func aHandMadePullRequestFoundByTheBotStaysHandMade() async throws {
        try await WatchedRepository.with { repo in
            let number = try await repo.open(["content/_authors/lea.martin.md": WatchedRepository.fiche("Léa Martin")], branch: "patch-1", byHand: true)
            let opened = PullRequestOpener.Opened(number: number, url: "", branch: nil, existing: true)
            let row = try await repo.watcher.record(opened, OpenedPullRequestRecord(kind: .onboarding, memberID: "lea.martin", referent: "marius.tellier",
                                                                                    recruitEmail: "lea@example.org"), github: repo.github, now: Date())
            #expect(row.kind == .handMade)
            #expect(row.referent == "marius.tellier" && row.recruitEmail == "lea@example.org")
            await #expect(throws: ObservationProblem.self) {
                try await repo.watcher.record(opened, OpenedPullRequestRecord(kind: .update, memberID: "../etc"), github: repo.github, now: Date())
            }
        }
    }
}
