import FicheSync
import Foundation
import HTTPTypes
import Hummingbird

extension FicheSyncServer {
    /// `GET /status`: the synced commit, the migrations, the reconcile journal's summary;
    /// HTML, or JSON for `Accept: application/json`.
    func addStatusRoutes(to router: Router<ServerContext>) {
        let database = self.database, pages = self.pages, sandbox = bot.isSandbox, jobs = parts.jobs
        router.get("/status") { request, _ -> Response in
            let status = try await ServiceStatus.read(from: database, sandbox: sandbox, jobs: jobs, now: Date())
            if Self.wantsJSON(request) { return Self.json(status) }
            let operations = status.journal.operations.sorted { $0.key < $1.key }.map { ["status": $0.key, "count": $0.value] as [String: Any] }
            var values: [String: Any] = ["migrations": status.migrations, "migrationCount": status.migrations.count,
                                         "operations": operations, "hasOperations": !operations.isEmpty,
                                         "jobs": status.jobs.map(Self.values), "hasJobs": !status.jobs.isEmpty]
            if let synced = status.synced { values["synced"] = ["source": synced.source, "commit": synced.commit, "at": synced.at] }
            if let last = status.journal.lastFinishedAt { values["lastFinishedAt"] = last }
            return pages.page("status", title: "État du service", sandbox: sandbox, values)
        }
    }

    static func values(_ job: JobsStatus.Job) -> [String: Any] {
        var values: [String: Any] = ["name": job.name, "summary": job.summary, "schedule": job.schedule,
                                     "next": job.nextRun ?? "jamais (désactivée)"]
        if let last = job.lastRun {
            var run: [String: Any] = ["at": last.startedAt, "result": last.result, "instance": last.instance]
            if last.manual { run["manual"] = true }
            if let seconds = last.seconds { run["seconds"] = String(format: "%.1f", seconds) }
            if let error = last.error { run["error"] = String(error.prefix(300)) }
            values["last"] = run
        }
        return values
    }
}
