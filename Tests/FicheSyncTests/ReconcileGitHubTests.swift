import Accounts
import AsyncHTTPClient
import Foundation
import Providers
import Testing
import TestSupport
@testable import FicheSync

/// GitHub organisation membership on a real HTTP server speaking GitHub's REST API.
@Suite struct ReconcileGitHubTests {
    static func run(_ server: FakeGitHubServer, _ journal: OperationJournal, members: [MemberRecord],
                    today: FicheDate) async throws -> (AccountPlan, AccountApplier.Report) {
        let client = GitHubClient(http: .shared, credentials: server.credentials, policy: ReconcileOVHTests.fastPolicy)
        let accounts = GitHubAccounts(client: client, team: "community")
        var snapshot = ProviderSnapshot()
        try await accounts.snapshot(into: &snapshot)
        var plan = AccountPlan.make(members: members, current: snapshot,
                                    settings: AccountSettings(domain: "beta.gouv.fr", githubTeam: "community"), today: today)
        plan.operations = plan.operations.filter { $0.provider == .github }
        return (plan, try await AccountApplier(journal: journal) { try await accounts.perform($0) }.apply(plan))
    }

    /// Active members are invited once (pending invitations count as present), a login that
    /// does not exist fails alone — recorded, the run goes on — admins are never touched and
    /// members without a fiche are reported as orphans.
    @Test func invitesOnceAndReportsWhatItCannotDo() async throws {
        let server = try await FakeGitHubServer.start(faults: Faults(failureRate: 0.2, rateLimitEvery: 11, seed: 5))
        let members = try ReconcileOVHTests.members()
        let today = ReconcileOVHTests.today
        let activeLogins = members.filter { $0.endDate.map { $0 >= today } == true }.compactMap { $0.githubLogin?.lowercased() }
        let missing = try #require(activeLogins.first)
        server.addUsers(activeLogins.filter { $0 != missing })
        server.addMember("admin-root", role: "admin")
        server.addMember("inconnu")
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            var plan: AccountPlan?
            var runs = 0
            repeat {
                runs += 1
                plan = try? await Self.run(server, journal, members: members, today: today).0
            } while plan.map({ $0.operations.map(\.target) != [missing] }) ?? true && runs < 12
            #expect(plan?.operations.map(\.target) == [missing], "only the login that does not exist is left")
            #expect(plan?.orphans.map(\.account) == ["inconnu"])
            let state = server.snapshot
            #expect(Set(state.invitations.keys) == Set(activeLogins).subtracting([missing]))
            #expect(state.repeatedInvitations == 0)
            #expect(state.members["admin-root"] == "admin")
            let failures = try await journal.failures()
            #expect(failures.map(\.operation.target) == [missing])
            #expect(failures.first?.lastError?.contains("404") == true)

            // Invitations accepted: members join the team on the next run.
            server.acceptInvitations()
            _ = try? await Self.run(server, journal, members: members, today: today)
            _ = try? await Self.run(server, journal, members: members, today: today)
            #expect(server.snapshot.teams["community"] == Set(activeLogins).subtracting([missing]))
        }
        try await server.stop()
    }

    /// 250 members come in three pages, following the Link header.
    @Test func membersArePaginatedByLinkHeader() async throws {
        let server = try await FakeGitHubServer.start()
        for n in 0..<250 { server.addMember("login-\(CorpusGenerator.letters(n))") }
        let client = GitHubClient(http: .shared, credentials: server.credentials)
        #expect(try await client.members().count == 250)
        #expect(await client.requestCount == 3)
        try await server.stop()
    }
}
