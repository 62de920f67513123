import Accounts
import AsyncHTTPClient
import Foundation
import Providers
import Testing
import TestKit
import Sandbox
@testable import FicheSync

/// Mattermost accounts converge on a real HTTP server speaking the Mattermost API, through the
/// journal, with pending invitations counted as present and departures moved to alumni.
@Suite struct ReconcileMattermostTests {
    static let settings = AccountSettings(domain: "beta.gouv.fr")

    static func run(_ server: FakeMattermostServer, _ journal: OperationJournal, members: [MemberRecord],
                    today: FicheDate, settings: AccountSettings = settings) async throws -> (AccountPlan, AccountApplier.Report) {
        let client = MattermostClient(http: .shared, credentials: server.credentials, policy: ReconcileOVHTests.fastPolicy)
        let accounts = MattermostAccounts(client: client, teamIDs: ["community": server.communityTeamID, "alumni": server.alumniTeamID],
                                          domain: "beta.gouv.fr")
        let outcome = try await Reconciler(ovh: nil, mattermost: accounts, github: nil)
            .run(members: members, settings: settings, today: today, journal: journal, dryRun: false)
        return (outcome.plan, try #require(outcome.report))
    }

    @Test func invitationsThenAlumniMove() async throws {
        let server = try await FakeMattermostServer.start(faults: Faults(failureRate: 0.2, rateLimitEvery: 13, seed: 3))
        let members = try ReconcileOVHTests.members()
        let today = ReconcileOVHTests.today
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            var runs = 0
            var last: AccountPlan?
            repeat {
                runs += 1
                last = try? await Self.run(server, journal, members: members, today: today).0
            } while last?.operations.isEmpty != true && runs < 12
            #expect(last?.operations.isEmpty == true, "converged after \(runs) runs")
            let active = Set(members.filter { $0.endDate.map { $0 >= today } == true }.map { "\($0.id)@beta.gouv.fr" })
            #expect(server.snapshot.invitations[server.communityTeamID] == active)
            // Pending invitations are not sent again.
            #expect(try await Self.run(server, journal, members: members, today: today).0.operations.isEmpty)

            // People accept, choosing their own usernames: they are still recognised (by their
            // address), nobody is invited again, nobody is an orphan.
            server.acceptInvitations { email in "u-" + email.prefix { $0 != "@" }.replacingOccurrences(of: ".", with: "") }
            let accepted = try await Self.run(server, journal, members: members, today: today).0
            #expect(accepted.operations.isEmpty, "\(accepted.operations)")
            #expect(accepted.orphans.isEmpty)

            // Months later, those who left move to the alumni team — more than the default
            // limit at once, so the run is refused until allowed.
            let later = today.adding(days: 200)
            await #expect(throws: AccountApplier.LimitExceeded.self) {
                _ = try await Self.run(server, journal, members: members, today: later)
            }
            var allowed = Self.settings
            allowed.maxDeletions = 200
            var plan: AccountPlan?
            runs = 0
            repeat {
                runs += 1
                plan = try? await Self.run(server, journal, members: members, today: later, settings: allowed).0
            } while plan?.operations.isEmpty != true && runs < 12
            #expect(plan?.operations.isEmpty == true)
            let state = server.snapshot
            let departed = members.filter { $0.endDate.map { $0 < later.adding(days: -3) && $0 >= today } == true }
            #expect(!departed.isEmpty)
            for member in departed {
                let id = try #require(state.users.values.first { $0.email == "\(member.id)@beta.gouv.fr" }?.id)
                #expect(state.teams[server.alumniTeamID]?.contains(id) == true, "\(member.id)")
                #expect(state.teams[server.communityTeamID]?.contains(id) == false, "\(member.id)")
            }
        }
        try await server.stop()
    }

    /// Listing 450 users takes 3 pages per list, not one request per user.
    @Test func listsArePaginated() async throws {
        let server = try await FakeMattermostServer.start()
        for n in 0..<450 { server.addUser(username: "user.\(CorpusGenerator.letters(n))", email: "u\(n)@x.fr", teams: [server.communityTeamID]) }
        let client = MattermostClient(http: .shared, credentials: server.credentials)
        let before = TestMetricsSystem.providerRequests(to: server.url)
        #expect(try await client.users().count == 450)
        #expect(try await client.users(inTeam: server.communityTeamID).count == 450)
        #expect(TestMetricsSystem.providerRequests(to: server.url) - before == 6)
        let wrong = MattermostClient(http: .shared, credentials: MattermostCredentials(url: server.url, token: "nope"))
        await #expect(throws: ProviderError.self) { _ = try await wrong.users() }
        try await server.stop()
    }

    /// Every invitation's answer is lost after it was sent: not sent again (a second email),
    /// but counted as sent — the journal entry done, saying its outcome was unknown — so the
    /// next run sends none either.
    @Test func invitationWhoseAnswerIsLostIsCountedAsSent() async throws {
        let server = try await FakeMattermostServer.start(faults: Faults(dropAfterEvery: 1))
        let members = try ReconcileOVHTests.members()
        let today = ReconcileOVHTests.today
        let active = Set(members.filter { $0.endDate.map { $0 >= today } == true }.map { "\($0.id)@beta.gouv.fr" })
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            let (plan, report) = try await Self.run(server, journal, members: members, today: today)
            #expect(plan.operations.filter { $0.action == .invite }.count == active.count)
            #expect(report.failed.isEmpty, "\(report.failed)")
            #expect(server.injectedFaults.droppedAfter == active.count)
            #expect(server.snapshot.invitations[server.communityTeamID] == active)
            #expect(server.snapshot.repeatedInvitations == 0)
            let rows = try await databases[0].connection.query("""
                SELECT status, coalesce(last_error, '') FROM account_operations WHERE action = 'invite'
                """, logger: TestDatabase.logger)
            var notes: [String] = []
            for try await (status, note) in rows.decode((String, String).self) {
                #expect(status == "done")
                notes.append(note)
            }
            #expect(notes.count == active.count)
            #expect(notes.allSatisfy { $0.contains("outcome unknown") }, "\(notes)")

            server.setFaults(Faults())
            #expect(try await Self.run(server, journal, members: members, today: today).0.operations.isEmpty)
            #expect(server.snapshot.repeatedInvitations == 0)
        }
        try await server.stop()
    }
}
