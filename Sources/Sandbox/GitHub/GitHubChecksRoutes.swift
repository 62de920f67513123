import Foundation
import Synchronization

/// Check runs, which only a GitHub App may write (a personal token gets 403): created on a
/// head sha, at most 50 annotations per request, more added by `PATCH` (GitHub appends
/// them), listed per run and per commit. Kept in memory (not in `hosting.json`).
extension FakeGitHubServer {
    static let checksRoutes: [GitHubRoute] = [
        GitHubRoute(.POST, "/repos/{owner}/{repo}/check-runs", documentation: "checks/runs#create-a-check-run", access: .read) { server, call, session in
            let target = try session.target(call)
            guard session.user.isApp else { throw GitHubFailure(.forbidden, "You must authenticate via a GitHub App.") }
            guard let name = call.body["name"] as? String, !name.isEmpty else {
                throw GitHubFailure.validation("CheckRun", "name is missing", field: "name", code: "missing_field")
            }
            guard let sha = call.body["head_sha"] as? String, let commit = try target.commit(sha), commit.description == sha else {
                throw GitHubFailure.validation("CheckRun", "No commit found for SHA: \(call.body["head_sha"] as? String ?? "")", field: "head_sha", code: "invalid")
            }
            var run = FakeCheckRun(id: server.checkRuns.nextID(), repository: target.record.fullName, headSHA: sha, name: name,
                                   status: "queued", conclusion: nil, startedAt: call.now, completedAt: nil, title: nil, summary: nil,
                                   text: nil, annotations: [], detailsURL: call.body["details_url"] as? String,
                                   externalID: call.body["external_id"] as? String)
            try run.apply(call.body, now: call.now)
            server.checkRuns.save(run)
            return call.reply(.created, call.objects.checkRun(run))
        },
        GitHubRoute(.PATCH, "/repos/{owner}/{repo}/check-runs/{check_run_id}", documentation: "checks/runs#update-a-check-run", access: .read) { server, call, session in
            _ = try session.target(call)
            guard session.user.isApp else { throw GitHubFailure(.forbidden, "You must authenticate via a GitHub App.") }
            guard var run = server.checkRuns.run(Int(call["check_run_id"]) ?? -1) else { throw GitHubFailure(.notFound, "Not Found") }
            try run.apply(call.body, now: call.now)
            server.checkRuns.save(run)
            return call.reply(call.objects.checkRun(run))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/check-runs/{check_run_id}", documentation: "checks/runs#get-a-check-run", access: .read) { server, call, session in
            _ = try session.target(call)
            guard let run = server.checkRuns.run(Int(call["check_run_id"]) ?? -1) else { throw GitHubFailure(.notFound, "Not Found") }
            return call.reply(call.objects.checkRun(run))
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", documentation: "checks/runs#list-check-run-annotations",
                    access: .read) { server, call, session in
            _ = try session.target(call)
            guard let run = server.checkRuns.run(Int(call["check_run_id"]) ?? -1) else { throw GitHubFailure(.notFound, "Not Found") }
            return server.page(run.annotations, call.request) { $0 }
        },
        GitHubRoute(.GET, "/repos/{owner}/{repo}/commits/{ref}/check-runs", documentation: "checks/runs#list-check-runs-for-a-git-reference",
                    access: .read) { server, call, session in
            let target = try session.target(call)
            guard let commit = try target.commit(call["ref"]) else { throw GitHubFailure(.notFound, "No commit found for SHA: \(call["ref"])") }
            let runs = server.checkRuns.runs(on: commit.description, in: target.record.fullName)
            return call.reply(GitHubObjects.CheckRunList(total_count: runs.count, check_runs: runs.map(call.objects.checkRun)))
        },
    ]
}

/// One check run as the fake keeps it.
struct FakeCheckRun: Sendable {
    var id: Int
    var repository: String
    var headSHA: String
    var name: String
    var status: String
    var conclusion: String?
    var startedAt: String?
    var completedAt: String?
    var title: String?
    var summary: String?
    var text: String?
    var annotations: [GitHubObjects.CheckAnnotation]
    var detailsURL: String?
    var externalID: String?

    static let statuses: Set = ["queued", "in_progress", "completed", "waiting", "requested", "pending"]
    static let conclusions: Set = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"]
    static let levels: Set = ["notice", "warning", "failure"]

    /// `status`, `conclusion`, `output` of a create or update body, as GitHub checks them.
    mutating func apply(_ body: [String: Any], now: String) throws {
        if let status = body["status"] as? String {
            guard Self.statuses.contains(status) else { throw GitHubFailure.validation("CheckRun", "status is not included in the list", field: "status", code: "invalid") }
            self.status = status
        }
        if let conclusion = body["conclusion"] as? String {
            guard Self.conclusions.contains(conclusion) else {
                throw GitHubFailure.validation("CheckRun", "conclusion is not included in the list", field: "conclusion", code: "invalid")
            }
            self.conclusion = conclusion
            status = "completed"
            completedAt = body["completed_at"] as? String ?? now
        }
        if status == "completed" && conclusion == nil {
            throw GitHubFailure.validation("CheckRun", "conclusion must be given when status is completed", field: "conclusion", code: "missing_field")
        }
        guard let output = body["output"] as? [String: Any] else { return }
        guard let title = output["title"] as? String, let summary = output["summary"] as? String else {
            throw GitHubFailure.validation("CheckRun", "output needs a title and a summary", field: "output", code: "missing_field")
        }
        self.title = title
        self.summary = summary
        text = output["text"] as? String ?? text
        let annotations = output["annotations"] as? [[String: Any]] ?? []
        guard annotations.count <= 50 else {
            throw GitHubFailure.validation("CheckRun", "Only 50 annotations are allowed per request", field: "annotations", code: "invalid")
        }
        for item in annotations {
            guard let path = item["path"] as? String, let start = item["start_line"] as? Int, let end = item["end_line"] as? Int,
                  let level = item["annotation_level"] as? String, Self.levels.contains(level), let message = item["message"] as? String,
                  start >= 1, end >= start
            else { throw GitHubFailure.validation("CheckRun", "an annotation needs path, start_line, end_line, annotation_level and message", field: "annotations", code: "invalid") }
            // Columns only on a one-line annotation, as GitHub documents.
            let columns = start == end
            self.annotations.append(GitHubObjects.CheckAnnotation(
                path: path, start_line: start, end_line: end, start_column: columns ? item["start_column"] as? Int : nil,
                end_column: columns ? item["end_column"] as? Int : nil, annotation_level: level, title: item["title"] as? String,
                message: message, raw_details: item["raw_details"] as? String,
                blob_href: "https://github.com/\(repository)/blob/\(headSHA)/\(path)"))
        }
    }
}

/// The fake's check runs, by id.
final class FakeCheckRuns: Sendable {
    private let runs = Mutex<[Int: FakeCheckRun]>([:])
    private let last = Atomic<Int>(7_000_000_000)

    func nextID() -> Int { last.add(1, ordering: .relaxed).newValue }
    func save(_ run: FakeCheckRun) { runs.withLock { $0[run.id] = run } }
    func run(_ id: Int) -> FakeCheckRun? { runs.withLock { $0[id] } }
    func runs(on sha: String, in repository: String) -> [FakeCheckRun] {
        runs.withLock { $0.values.filter { $0.headSHA == sha && $0.repository == repository }.sorted { $0.id > $1.id } }
    }
}

extension GitHubObjects {
    struct CheckAnnotation: Encodable, Sendable {
        var path: String
        var start_line: Int
        var end_line: Int
        @Nullable var start_column: Int?
        @Nullable var end_column: Int?
        @Nullable var annotation_level: String?
        @Nullable var title: String?
        @Nullable var message: String?
        @Nullable var raw_details: String?
        var blob_href: String
    }

    struct CheckRunOutput: Encodable, Sendable {
        @Nullable var title: String?
        @Nullable var summary: String?
        @Nullable var text: String?
        var annotations_count: Int
        var annotations_url: String
    }

    struct CheckSuiteReference: Encodable, Sendable { var id: Int }

    /// `check-run`, every required field present (nullable ones as `null`).
    struct CheckRun: Encodable, Sendable {
        var id: Int
        var head_sha: String
        var node_id: String
        @Nullable var external_id: String?
        var url: String
        @Nullable var html_url: String?
        @Nullable var details_url: String?
        var status: String
        @Nullable var conclusion: String?
        @Nullable var started_at: String?
        @Nullable var completed_at: String?
        var output: CheckRunOutput
        var name: String
        @Nullable var check_suite: CheckSuiteReference?
        @Nullable var app: String?
        var pull_requests: [String]
    }

    struct CheckRunList: Encodable, Sendable {
        var total_count: Int
        var check_runs: [CheckRun]
    }

    func checkRun(_ run: FakeCheckRun) -> CheckRun {
        let url = "\(api)/repos/\(run.repository)/check-runs/\(run.id)"
        return CheckRun(
            id: run.id, head_sha: run.headSHA, node_id: "CR_kwDO\(run.id)", external_id: run.externalID, url: url,
            html_url: "https://github.com/\(run.repository)/runs/\(run.id)", details_url: run.detailsURL, status: run.status,
            conclusion: run.conclusion, started_at: run.startedAt, completed_at: run.completedAt,
            output: CheckRunOutput(title: run.title, summary: run.summary, text: run.text, annotations_count: run.annotations.count,
                                   annotations_url: "\(url)/annotations"),
            name: run.name, check_suite: CheckSuiteReference(id: run.id / 7), app: nil, pull_requests: [])
    }
}
