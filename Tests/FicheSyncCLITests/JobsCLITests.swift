import FicheSync
import Foundation
import PostgresNIO
import Testing
import TestKit

/// `fichesync jobs` as an operator runs it: the real binary, a real database.
@Suite struct JobsCLITests {
    static func environment(_ url: String, _ extra: [String: String?] = [:]) -> [String: String?] {
        ["DATABASE_URL": url, "FICHESYNC_PUBLIC_URL": nil, "SECRETARIAT_DOMAIN": nil, "FICHESYNC_JOB_SYNC": nil,
         "FICHESYNC_JOB_MEMBER_NOTICES": nil].merging(extra) { _, new in new }
    }

    func run(_ arguments: [String], _ home: TemporaryDirectory, _ environment: [String: String?]) async throws -> CLI.Run {
        let child = try await ChildProcess(arguments, home: home, environment: environment)
        return CLI.Run(status: try await child.wait(), stdout: child.stdout, stderr: child.stderr)
    }

    func jobs(_ run: CLI.Run) throws -> [String: [String: Any]] {
        let list = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run.stdout)")
        return Dictionary(uniqueKeysWithValues: list.compactMap { job in (job["name"] as? String).map { ($0, job) } })
    }

    @Test func listRunAndListAgain() async throws {
        let home = try TemporaryDirectory()
        let settings = try await TestDatabase.makeSettings()
        guard case .url(let url) = settings else { throw CLIProblem("not a URL") }
        // A member whose mission ends in 30 days (Paris): the D-30 notice is due today.
        let end = FicheDate.today().adding(days: 30)
        try await TestDatabase.with(settings: settings) { databases in
            try await databases[0].connection.query("""
                INSERT INTO authors (id, path, fullname, role, badges, competences, teams, previously, legacy_startups, end_date, front_matter)
                VALUES ('lea.martin', 'content/_authors/lea.martin.md', 'Léa Martin', 'Designer', '{}', '{}', '{}', '{}', '{}', \(end.description)::date, '{}')
                """, logger: TestDatabase.logger)
        }

        let before = try await run(["jobs", "list", "--format", "json"], home, Self.environment(url))
        #expect(before.status == 0, "\(before.stderr)")
        let listed = try jobs(before)
        #expect(listed.keys.sorted() == ["mailing-lists", "member-notices", "outbox", "prs-tick", "reconcile", "sync"])
        #expect(listed["reconcile"]?["schedule"] as? String == "2-59/4 * * * *")
        #expect(listed["sync"]?["next"] is String)
        #expect(listed["sync"]?["last"] == nil)

        // A job that cannot do its work here (no MAIL_HOST): a recorded failure, saying why.
        let outbox = try await run(["jobs", "run", "outbox"], home, Self.environment(url))
        #expect(outbox.status == 1)
        #expect(outbox.stdout.contains("outbox: failed: MAIL_HOST is not set"), "\(outbox.stdout)\(outbox.stderr)")
        // The PR tick, on the sandbox's GitHub (no GITHUB_TOKEN): nothing open, nothing to remind.
        let prs = try await run(["jobs", "run", "prs-tick"], home, Self.environment(url))
        #expect(prs.status == 0, "\(prs.stdout)\(prs.stderr)")
        #expect(prs.stdout.contains("prs-tick: ok: 0 open, 0 changed, 0 checked, 0 reminders queued"), "\(prs.stdout)")

        let notices = try await run(["jobs", "run", "member-notices"], home, Self.environment(url))
        #expect(notices.status == 0, "\(notices.stdout)\(notices.stderr)")
        #expect(notices.stdout.contains("member-notices: ok: 1 notices queued, 0 unreachable: member-notice/lea.martin/ending-30/\(end)"),
                "\(notices.stdout)")
        // Once only: the second run finds it recorded.
        let again = try await run(["jobs", "run", "member-notices"], home, Self.environment(url))
        #expect(again.stdout.contains("member-notices: ok: 0 notices queued"), "\(again.stdout)")

        let after = try jobs(try await run(["jobs", "list", "--format", "json"], home, Self.environment(url)))
        let last = try #require(after["outbox"]?["last"] as? [String: Any])
        #expect(last["result"] as? String == "failed")
        #expect(last["manual"] as? Bool == true)
        #expect((last["error"] as? String)?.contains("MAIL_HOST is not set") == true)
        #expect((after["prs-tick"]?["last"] as? [String: Any])?["result"] as? String == "ok")
        #expect((after["member-notices"]?["last"] as? [String: Any])?["result"] as? String == "ok")

        try await TestDatabase.with(settings: settings) { databases in
            var texts: [String] = []
            for try await (recipient, text) in try await databases[0].connection.query(
                "SELECT recipient, text FROM outbox WHERE channel = 'email'", logger: TestDatabase.logger).decode((String, String).self) {
                texts.append(recipient + "\n" + text)
            }
            #expect(texts.count == 1)
            #expect(texts.first?.hasPrefix("lea.martin@beta.gouv.fr\n") == true)
            #expect(texts.first?.contains("http://localhost:8080/members/lea.martin/prolonger") == true)
        }

        let table = try await run(["jobs"], home, Self.environment(url))
        #expect(table.status == 0)
        #expect(table.stdout.contains("member-notices"), "\(table.stdout)")
        #expect(table.stdout.contains("(manual)"), "\(table.stdout)")
    }

    @Test func aWrongScheduleNamesTheVariableAndColumn() async throws {
        let home = try TemporaryDirectory()
        let settings = try await TestDatabase.makeSettings()
        guard case .url(let url) = settings else { throw CLIProblem("not a URL") }
        let run = try await run(["jobs", "list"], home, Self.environment(url, ["FICHESYNC_JOB_SYNC": "*/4 25 * * *"]))
        #expect(run.status == 2)
        run.expectOneErrorLine(containing: "FICHESYNC_JOB_SYNC: column 5: hour 25 is out of range 0–23")
    }

    @Test func anUnknownJobIsAUsageError() async throws {
        let home = try TemporaryDirectory()
        let settings = try await TestDatabase.makeSettings()
        guard case .url(let url) = settings else { throw CLIProblem("not a URL") }
        let run = try await run(["jobs", "run", "nightly"], home, Self.environment(url))
        #expect(run.status == 2)
        run.expectOneErrorLine(containing: "no job \"nightly\"")
    }
}
