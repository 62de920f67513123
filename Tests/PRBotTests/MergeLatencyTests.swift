import Accounts
import AsyncHTTPClient
import FicheSync
import Foundation
import Sandbox
import TestKit
import Testing
@testable import PRBot

/// Merge → accounts in seconds: a merged PR's webhook syncs the content repository and
/// reconciles the members it changed, against the sandbox's GitHub (real repositories, a
/// real merge), OVH and Mattermost fakes, and a real Postgres. The reconcile is wired in as
/// the CLI wires it: a closure built from Accounts (PRBot does not depend on it).
@Suite struct MergeLatencyTests {
    static func followUp(_ repo: WatchedRepository) throws -> MergeFollowUp {
        let exports = Dictionary(uniqueKeysWithValues: repo.sandbox.exports.map { ($0.name, $0.value) })
        let configuration = try ProviderConfiguration(environment: exports)
        let reconciler = configuration.reconciler(http: HTTPClient.shared)
        let settings = AccountSettings(domain: configuration.domain, githubTeam: configuration.githubTeam)
        let database = repo.database
        return MergeFollowUp(
            sync: MergeFollowUp.catalogSync(source: repo.upstreamPath, database: database,
                                            cache: RepositoryCache(directory: repo.folder.sub("cache")), logger: TestDatabase.logger),
            onMerged: { members in
                _ = try await database.withConnection {
                    try await reconciler.run(memberIDs: members, settings: settings, today: .today(), connection: $0, logger: TestDatabase.logger)
                }
            })
    }

    @Test func aMergedPullRequestsMemberHasTheirAccountsWithinSeconds() async throws {
        try await WatchedRepository.with { repo in
            let followUp = try Self.followUp(repo)
            #expect(try await followUp.sync() == nil, "the first sync is a full one")
            let number = try await repo.open(["content/_authors/lea.martin.md": WatchedRepository.fiche("Léa Martin")], branch: "authorlea-martin-000001")
            let handler = repo.handler(followUp: followUp)
            #expect(await handler.handle(try await repo.pullRequestDelivery("opened", number), now: Date()).outcome
                == .observed(number: number, changes: [.opened]))
            #expect(try await repo.followed().first?.kind == .onboarding)
            #expect(repo.sandbox.ovh.snapshot.accounts["lea.martin"] == nil)

            let started = ContinuousClock.now
            try await repo.merge(number)
            let response = await handler.handle(try await repo.pullRequestDelivery("closed", number), now: Date())
            let latency = ContinuousClock.now - started
            print("merge-to-accounts latency: \(latency) (merge, webhook, sync, reconcile of \(response.reconciled))")
            #expect(response.followUpError == nil, "\(response.followUpError ?? "")")
            #expect(response.outcome == .observed(number: number, changes: [.merged]))
            #expect(response.reconciled == ["lea.martin"])
            #expect(repo.sandbox.ovh.snapshot.accounts["lea.martin"] != nil, "the mailbox exists")
            #expect(latency < .seconds(10))
            let row = try #require(try await repo.followed().first)
            #expect(row.state == .merged && row.accountsFollowedAt != nil)
            // Nobody else's accounts were touched by the narrowed reconcile.
            #expect(Set(repo.sandbox.ovh.snapshot.accounts.keys) == ["lea.martin"])

            // GitHub's push for the same merge: synced already, nobody else to reconcile.
            let head = try await repo.masterHead()
            let push = await handler.handle(try await repo.pushDelivery(before: String(repeating: "0", count: 40), after: head), now: Date())
            #expect(push.outcome == .pushed(ref: "refs/heads/master"))
            #expect(push.reconciled.isEmpty && push.followUpError == nil)
        }
    }

    @Test func aMergeWhoseFollowUpFailedIsDoneByTheNextPass() async throws {
        try await WatchedRepository.with { repo in
            let real = try Self.followUp(repo)
            _ = try await real.sync()
            let number = try await repo.open(["content/_authors/lea.martin.md": WatchedRepository.fiche("Léa Martin")], branch: "patch-1")
            _ = try await repo.pass()
            try await repo.merge(number)
            struct Down: Error {}
            let broken = MergeFollowUp(sync: real.sync, onMerged: { _ in throw Down() })
            let response = await repo.handler(followUp: broken).handle(try await repo.pullRequestDelivery("closed", number), now: Date())
            #expect(response.status == 200 && response.followUpError != nil)
            #expect(try await repo.followed().first?.owesAccounts == true)
            #expect(repo.sandbox.ovh.snapshot.accounts["lea.martin"] == nil)
            let report = try await repo.pass(followUp: real)
            #expect(report.reconciled == ["lea.martin"])
            #expect(repo.sandbox.ovh.snapshot.accounts["lea.martin"] != nil)
            #expect(try await repo.followed().first?.owesAccounts == false)
        }
    }
}
