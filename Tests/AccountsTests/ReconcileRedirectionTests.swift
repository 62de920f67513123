import Accounts
import AsyncHTTPClient
import Foundation
import Providers
import Testing
import TestKit
import Sandbox
@testable import FicheSync

/// Redirections on the fake OVH (signatures checked), through the journal: created for an
/// attributaire with an address, read once (OVH gives ids only), replaced when the address
/// changes, deleted at D+30.
@Suite struct ReconcileRedirectionTests {
    static let end = FicheDate(year: 2026, month: 12, day: 31)!

    static func member(redirectTo: String?) -> MemberRecord {
        MemberRecord(id: "jeanne.dupont", fullname: "Jeanne Dupont", memberType: .attributaire,
                     missions: [.init(start: FicheDate(year: 2026, month: 1, day: 1)!, end: end)], redirectTo: redirectTo)
    }

    static func run(_ server: FakeOVHServer, _ journal: OperationJournal, _ member: MemberRecord, today: FicheDate,
                    maxDeletions: Int? = nil) async throws -> (AccountPlan, Int) {
        let client = OVHClient(http: .shared, credentials: server.credentials, domain: "beta.gouv.fr", policy: ReconcileOVHTests.fastPolicy)
        let before = TestMetricsSystem.providerRequests(to: server.endpoint)
        let outcome = try await Reconciler(ovh: OVHAccounts(client: client, domain: "beta.gouv.fr"), mattermost: nil, github: nil)
            .run(members: [member], settings: AccountSettings(domain: "beta.gouv.fr", maxDeletions: maxDeletions), today: today,
                 journal: journal, dryRun: false)
        #expect(outcome.report?.failed.isEmpty == true, "\(outcome.report?.failed ?? [])")
        return (outcome.plan, Int(TestMetricsSystem.providerRequests(to: server.endpoint) - before))
    }

    static func redirections(_ server: FakeOVHServer) -> [String] {
        server.snapshot.redirections.values.map { "\($0.from) → \($0.to)" }.sorted()
    }

    @Test func redirectionLifecycle() async throws {
        let server = try await FakeOVHServer.start()
        let today = FicheDate(year: 2026, month: 11, day: 25)!
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            let withoutAddress = try await Self.run(server, journal, Self.member(redirectTo: nil), today: today).0
            #expect(withoutAddress.operations.isEmpty)
            #expect(withoutAddress.membersWithoutAddress == ["jeanne.dupont"])

            let first = try await Self.run(server, journal, Self.member(redirectTo: "jeanne@example.org"), today: today).0
            #expect(first.operations.map(\.action) == [.createRedirection])
            #expect(Self.redirections(server) == ["jeanne.dupont@beta.gouv.fr → jeanne@example.org"])
            #expect(server.snapshot.accounts.isEmpty, "an attributaire gets no mailbox")

            // The second run reads the new redirection once; the third reads nothing more
            // than the lists (OVH gives ids only: each id is read once, then remembered).
            let (second, secondRequests) = try await Self.run(server, journal, Self.member(redirectTo: "jeanne@example.org"), today: today)
            #expect(second.operations.isEmpty)
            let (_, thirdRequests) = try await Self.run(server, journal, Self.member(redirectTo: "jeanne@example.org"), today: today)
            #expect(thirdRequests == secondRequests - 1)

            let moved = try await Self.run(server, journal, Self.member(redirectTo: "jeanne@autre.example"), today: today).0
            #expect(moved.operations.map(\.action) == [.createRedirection, .deleteRedirection])
            #expect(Self.redirections(server) == ["jeanne.dupont@beta.gouv.fr → jeanne@autre.example"])

            let kept = try await Self.run(server, journal, Self.member(redirectTo: "jeanne@autre.example"), today: Self.end.adding(days: 29)).0
            #expect(kept.operations.isEmpty)
            let gone = try await Self.run(server, journal, Self.member(redirectTo: "jeanne@autre.example"), today: Self.end.adding(days: 30)).0
            #expect(gone.operations.map(\.action) == [.deleteRedirection])
            #expect(Self.redirections(server).isEmpty)
            #expect(server.snapshot.badSignatures == 0)
        }
        try await server.stop()
    }
}
