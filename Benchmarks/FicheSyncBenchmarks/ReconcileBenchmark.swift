import Accounts
import AsyncHTTPClient
import FicheSync
import Foundation
import Logging
import Providers
import Sandbox

/// The reconcile figures: a real-size population whose providers already hold every account
/// (plus accounts without a fiche, ≈10,000 in all), so a run has nothing to do; we count its
/// requests (goal: O(pages), ≤ 100) and time it, and time planning alone.
struct ReconcileBenchmark {
    let sync: SyncBenchmark
    let today: FicheDate

    struct Figures {
        var accounts = 0
        var requests = 0
        var noOpSeconds = Double.infinity
        var planningSeconds = Double.infinity
        var operations = 0
    }

    func run(folder: String, runs: Int) async throws -> Figures {
        let members = try CatalogReader.read(directory: folder).0.authors.map(MemberRecord.init(author:))
        let domain = "beta.gouv.fr"
        let ovh = try await FakeOVHServer.start(domain: domain)
        let mattermost = try await FakeMattermostServer.start()
        let github = try await FakeGitHubServer.start()
        defer { Task { try? await ovh.stop(); try? await mattermost.stop(); try? await github.stop() } }

        // Providers holding everything the fiches ask for today, and 3,000 accounts more.
        var ovhState = FakeOVHServer.State()
        var mattermostState = FakeMattermostServer.State()
        var githubState = FakeGitHubServer.State()
        githubState.teams = ["community": []]
        mattermostState.teams = [mattermost.communityTeamID: [], mattermost.alumniTeamID: []]
        for (index, member) in members.enumerated() {
            guard let end = member.endDate else { continue }
            let active = end >= today
            if active && member.memberType != .attributaire { ovhState.accounts[member.id] = "x" }
            let id = String(format: "u%025d", index)
            mattermostState.users[id] = .init(id: id, username: member.id, email: "\(member.id)@\(domain)")
            mattermostState.teams[active ? mattermost.communityTeamID : mattermost.alumniTeamID, default: []].insert(id)
            if let login = member.githubLogin?.lowercased(), active {
                githubState.users[login] = 1_000 + index
                githubState.members[login] = "member"
            }
        }
        for extra in 0..<3_000 {
            let id = String(format: "x%025d", extra)
            mattermostState.users[id] = .init(id: id, username: "ancien.\(CorpusGenerator.letters(extra))", email: "a\(extra)@ailleurs.fr")
        }
        try ovh.restoreState(try JSONEncoder().encode(ovhState))
        try mattermost.restoreState(try JSONEncoder().encode(mattermostState))
        try github.restoreState(try JSONEncoder().encode(githubState))

        let reconciler = Self.reconciler(ovh, mattermost, github, domain: domain)
        let settings = AccountSettings(domain: domain, mailingLists: false)
        var figures = Figures()
        figures.accounts = ovhState.accounts.count + mattermostState.users.count + githubState.members.count
        let database = try await Database.open(try await sync.freshDatabase(), logger: sync.logger)
        do {
            try await database.withConnection { connection in
                let journal = OperationJournal(connection: connection, logger: sync.logger)
                for _ in 0..<max(1, runs) {
                    let before = ovh.snapshot.requests + mattermost.snapshot.requests + github.snapshot.requests
                    let start = DispatchTime.now().uptimeNanoseconds
                    let outcome = try await reconciler.run(members: members, settings: settings, today: today, journal: journal, dryRun: false)
                    figures.noOpSeconds = min(figures.noOpSeconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                    figures.requests = ovh.snapshot.requests + mattermost.snapshot.requests + github.snapshot.requests - before
                    figures.operations = outcome.plan.operations.count
                }
            }
        } catch {
            await database.close()
            throw error
        }
        await database.close()

        // Planning alone, from the same snapshot.
        var snapshot = ProviderSnapshot()
        snapshot.mailboxes = ovhState.accounts.mapValues { _ in .init(suspended: false) }
        for user in mattermostState.users.values {
            var teams = Set<String>()
            if mattermostState.teams[mattermost.communityTeamID]?.contains(user.id) == true { teams.insert("community") }
            if mattermostState.teams[mattermost.alumniTeamID]?.contains(user.id) == true { teams.insert("alumni") }
            snapshot.mattermostUsers[user.username] = teams
        }
        snapshot.githubMembers = Dictionary(uniqueKeysWithValues: githubState.members.keys.map { ($0, githubState.users[$0] ?? 0) })
        for _ in 0..<max(1, runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = AccountPlan.make(members: members, current: snapshot, settings: settings, today: today)
            figures.planningSeconds = min(figures.planningSeconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return figures
    }

    /// A reconciler talking to the three fakes.
    static func reconciler(_ ovh: FakeOVHServer, _ mattermost: FakeMattermostServer, _ github: FakeGitHubServer, domain: String) -> Reconciler {
        Reconciler(
            ovh: OVHAccounts(client: OVHClient(http: .shared, credentials: ovh.credentials, domain: domain), domain: domain),
            mattermost: MattermostAccounts(client: MattermostClient(http: .shared, credentials: mattermost.credentials),
                                           teamIDs: ["community": mattermost.communityTeamID, "alumni": mattermost.alumniTeamID], domain: domain),
            github: GitHubAccounts(client: GitHubClient(http: .shared, credentials: github.credentials), team: nil))
    }

    /// A first convergence: the first `count` members, providers empty and answering every
    /// request `latency` late (loopback answers in microseconds; real providers do not),
    /// applied with the default concurrency, then one operation at a time.
    func convergence(folder: String, count: Int, latency: Duration) async throws -> (operations: Int, concurrent: Double, sequential: Double) {
        let members = Array(try CatalogReader.read(directory: folder).0.authors.map(MemberRecord.init(author:)).prefix(count))
        let domain = "beta.gouv.fr"
        var operations = 0
        var seconds: [Double] = []
        for concurrency in [AccountApplier.defaultConcurrency, [:]] {
            let slow = Faults(slowEvery: 1, delay: latency)
            let ovh = try await FakeOVHServer.start(domain: domain, faults: slow)
            let mattermost = try await FakeMattermostServer.start(faults: slow)
            let github = try await FakeGitHubServer.start(faults: slow)
            var reconciler = Self.reconciler(ovh, mattermost, github, domain: domain)
            reconciler.concurrency = concurrency
            let database = try await Database.open(try await sync.freshDatabase(), logger: sync.logger)
            do {
                try await database.withConnection { connection in
                    let journal = OperationJournal(connection: connection, logger: sync.logger)
                    let start = DispatchTime.now().uptimeNanoseconds
                    let outcome = try await reconciler.run(members: members, settings: AccountSettings(domain: domain, mailingLists: false),
                                                           today: today, journal: journal, dryRun: false)
                    seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                    operations = outcome.report?.done ?? 0
                }
            } catch {
                await database.close()
                throw error
            }
            await database.close()
            try await ovh.stop(); try await mattermost.stop(); try await github.stop()
        }
        return (operations, seconds[0], seconds[1])
    }

    /// The sandbox's first convergence (`reconcile` with no provider configured) of a
    /// real-size population: the fakes in process, empty, answering at once, so the cost of
    /// saving their state as it changes (`SandboxStore`) is not hidden behind latency. Run
    /// with the changes saved before each answer, then without saving anything.
    func sandboxConvergence(folder: String) async throws -> (operations: Int, saved: Double, unsaved: Double, saves: Int, kilobytes: Int) {
        let members = try CatalogReader.read(directory: folder).0.authors.map(MemberRecord.init(author:))
        var figures: (operations: Int, saved: Double, unsaved: Double, saves: Int, kilobytes: Int) = (0, 0, 0, 0, 0)
        for saving in [true, false] {
            let database = try await Database.open(try await sync.freshDatabase(), logger: sync.logger)
            do {
                try await database.withConnection { connection in
                    let sandbox = try await FakeSandbox.start()
                    let store = SandboxStore(connection: connection, logger: sync.logger)
                    let configuration = try ProviderConfiguration(environment: Dictionary(uniqueKeysWithValues: sandbox.exports.map { ($0.name, $0.value) }))
                    let journal = OperationJournal(connection: connection, logger: sync.logger)
                    let start = DispatchTime.now().uptimeNanoseconds
                    if saving { store.record(sandbox) }
                    let outcome = try await configuration.reconciler(http: .shared).run(
                        members: members, settings: AccountSettings(domain: sandbox.domain, mailingLists: false), today: today,
                        journal: journal, dryRun: false)
                    if saving { for (_, fake) in sandbox.fakes { try await fake.stopRecording() } }
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    try await sandbox.stop()
                    figures.operations = outcome.report?.done ?? 0
                    if saving {
                        figures.saved = seconds
                        let rows = try await connection.query(
                            "SELECT count(*)::int, (coalesce(sum(pg_column_size(changes)), 0) / 1024)::int FROM sandbox_changes", logger: sync.logger)
                        for try await (count, kilobytes) in rows.decode((Int, Int).self) { (figures.saves, figures.kilobytes) = (count, kilobytes) }
                    } else {
                        figures.unsaved = seconds
                    }
                }
            } catch {
                await database.close()
                throw error
            }
            await database.close()
        }
        return figures
    }
}
