import Accounts
import AsyncHTTPClient
import Foundation
import Providers
import Testing
import TestKit
import Sandbox
@testable import FicheSync

/// GitHub organisation membership on a real HTTP server speaking GitHub's REST API.
@Suite struct ReconcileGitHubTests {
    static func run(_ server: FakeGitHubServer, _ journal: OperationJournal, members: [MemberRecord],
                    today: FicheDate) async throws -> (AccountPlan, AccountApplier.Report) {
        server.setClock(noonInParis(today))
        let client = GitHubClient(http: .shared, credentials: server.credentials, policy: ReconcileOVHTests.fastPolicy)
        let accounts = GitHubAccounts(client: client, team: "community")
        let outcome = try await Reconciler(ovh: nil, mattermost: nil, github: accounts)
            .run(members: members, settings: AccountSettings(domain: "beta.gouv.fr", githubTeam: "community"), today: today,
                 journal: journal, dryRun: false)
        return (outcome.plan, try #require(outcome.report))
    }

    /// Active members are invited once (pending invitations count as present), a login that
    /// does not exist fails alone — recorded, the run goes on — admins are never touched and
    /// members without a fiche are reported as orphans.
    @Test func invitesOnceAndReportsWhatItCannotDo() async throws {
        let server = try await FakeGitHubServer.start(faults: Faults(failureRate: 0.2, rateLimitEvery: 11, dropBeforeEvery: 13,
                                                                     dropAfterEvery: 7, seed: 5))
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
            // Answers lost after the work make the client ask again: harmless, one notification each.
            #expect(state.invitationsSent == activeLogins.count - 1)
            #expect(server.injectedFaults.droppedAfter > 0)
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

    static func noonInParis(_ day: FicheDate) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .europeParis
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12)) ?? Date()
    }

    static let jeanne = MemberRecord(id: "jeanne.dupont", fullname: "Jeanne Dupont", memberType: .beta, githubLogin: "jdupont",
                                     missions: [.init(start: FicheDate(year: 2026, month: 1, day: 1)!, end: FicheDate(year: 2027, month: 1, day: 31)!)],
                                     startupsByMission: [["aides-jeunes"]])

    /// Her GitHub id is learned from the invitation's answer; she accepts, then renames her
    /// account: no invitation to the old login, no orphan, the rename reported; when she
    /// leaves, the account is removed under its new name.
    @Test func renamedAccountIsFollowedByItsID() async throws {
        let server = try await FakeGitHubServer.start()
        server.addUsers(["jdupont"])
        let id = try #require(server.snapshot.users["jdupont"])
        let today = FicheDate(year: 2026, month: 11, day: 25)!
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            let memory = AccountMemory(connection: databases[0].connection, logger: TestDatabase.logger)
            let first = try await Self.run(server, journal, members: [Self.jeanne], today: today)
            #expect(first.0.operations.map(\.action) == [.invite])
            #expect(try await memory.githubIdentities()["jeanne.dupont"]?.id == id)
            let states = try await AccountState.load(member: "jeanne.dupont", from: databases[0].connection, logger: TestDatabase.logger)
            #expect(states.first?.githubAccount == "jdupont #\(id)")

            server.acceptInvitations()
            server.renameUser("jdupont", to: "Jeanne-D")
            let (plan, report) = try await Self.run(server, journal, members: [Self.jeanne], today: today)
            #expect(plan.operations.map { "\($0.action.rawValue) \($0.target)" } == ["add-to-team jeanne-d"])
            #expect(plan.renamedLogins.map(\.githubLogin) == ["jeanne-d"])
            #expect(plan.orphans.isEmpty)
            #expect(report.failed.isEmpty)
            #expect(try await Self.run(server, journal, members: [Self.jeanne], today: today).0.operations.isEmpty)

            let left = FicheDate(year: 2027, month: 2, day: 3)!
            let removal = try await Self.run(server, journal, members: [Self.jeanne], today: left).0
            #expect(removal.operations.map { "\($0.action.rawValue) \($0.target)" } == ["remove jeanne-d"])
            #expect(server.snapshot.members.isEmpty)
            #expect(server.snapshot.repeatedInvitations == 0)
        }
        try await server.stop()
    }

    /// An invitation not accepted in 7 days expires (GitHub moves it to the failed ones): it
    /// is sent again, three times in all; then it waits for a human, listed.
    @Test func expiredInvitationsAreSentAgainThenListed() async throws {
        let server = try await FakeGitHubServer.start()
        server.addUsers(["jdupont"])
        let day0 = FicheDate(year: 2026, month: 11, day: 2)!
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            func run(_ days: Int) async throws -> AccountPlan {
                let (plan, report) = try await Self.run(server, journal, members: [Self.jeanne], today: day0.adding(days: days))
                #expect(report.failed.isEmpty, "\(report.failed)")
                return plan
            }
            #expect(try await run(0).operations.map(\.action) == [.invite])
            #expect(try await run(3).operations.isEmpty, "pending: not sent again")
            let resent = try await run(8)
            #expect(resent.operations.map(\.action) == [.invite], "failed already: nothing to cancel")
            #expect(resent.operations.last?.reason.contains("failed; sent again (2 of 3)") == true)
            #expect(server.snapshot.failedInvitations.count == 1)
            let third = try await run(16)
            #expect(third.operations.map(\.action) == [.invite])
            #expect(third.waitingInvitations.map(\.gaveUp) == [false], "waiting since day 0: listed")
            let last = try await run(24)
            #expect(last.operations.isEmpty)
            #expect(last.waitingInvitations == [WaitingInvitation(provider: .github, target: "jdupont", member: "jeanne.dupont",
                                                                  since: day0, sends: 3, gaveUp: true)])
            #expect(server.snapshot.invitationsSent == 3)

            // She finally accepts a new invitation sent by hand: the series ends.
            server.addMember("jdupont")
            _ = try await run(25)
            let memory = AccountMemory(connection: databases[0].connection, logger: TestDatabase.logger)
            #expect(try await memory.invitations(provider: .github).isEmpty)
        }
        try await server.stop()
    }

    /// Someone cancels the invitation by hand, again and again: fichesync sends it again
    /// while sends remain, then stops and lists it — it never re-sends forever.
    @Test func invitationCancelledByHandIsNotResentForever() async throws {
        let server = try await FakeGitHubServer.start()
        server.addUsers(["jdupont"])
        let client = GitHubClient(http: .shared, credentials: server.credentials)
        let day0 = FicheDate(year: 2026, month: 11, day: 2)!
        try await TestDatabase.with { databases async throws in
            let journal = OperationJournal(connection: databases[0].connection, logger: TestDatabase.logger)
            var plans: [AccountPlan] = []
            for day in 0..<5 {
                plans.append(try await Self.run(server, journal, members: [Self.jeanne], today: day0.adding(days: day)).0)
                for id in server.snapshot.invitations.values { try await client.cancelInvitation(id) }
            }
            #expect(plans.map { $0.operations.map(\.action) } == [[.invite], [.invite], [.invite], [], []])
            #expect(plans.last?.waitingInvitations.map(\.gaveUp) == [true])
            #expect(server.snapshot.invitationsSent == 3)
        }
        try await server.stop()
    }

    /// The invitation's answer names the account (with its id) and says whether an
    /// invitation is pending: someone who joined meanwhile starts no invitation series.
    @Test func invitationAnswerTellsIdentityAndState() async throws {
        let server = try await FakeGitHubServer.start()
        server.addUsers(["jdupont"])
        server.addMember("pmartin")
        let accounts = GitHubAccounts(client: GitHubClient(http: .shared, credentials: server.credentials), team: nil)
        let invited = try await accounts.perform(AccountOperation(.github, .invite, target: "jdupont", member: "jeanne.dupont", reason: "test"))
        #expect(invited.invitationPending)
        #expect(invited.identity?.id == server.snapshot.users["jdupont"])
        let joined = try await accounts.perform(AccountOperation(.github, .invite, target: "pmartin", member: "paul.martin", reason: "test"))
        #expect(!joined.invitationPending)
        #expect(joined.identity?.githubLogin == "pmartin")
        try await server.stop()
    }

    /// 250 members come in three pages, following the Link header.
    @Test func membersArePaginatedByLinkHeader() async throws {
        let server = try await FakeGitHubServer.start()
        for n in 0..<250 { server.addMember("login-\(CorpusGenerator.letters(n))") }
        let client = GitHubClient(http: .shared, credentials: server.credentials)
        let before = TestMetricsSystem.providerRequests(to: server.apiURL)
        #expect(try await client.members().count == 250)
        #expect(TestMetricsSystem.providerRequests(to: server.apiURL) - before == 3)
        try await server.stop()
    }
}
