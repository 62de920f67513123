import FicheSync
import HTTPTypes
import Hummingbird

extension FicheSyncServer {
    /// `GET /status`: the synced commit, the migrations, the reconcile journal's summary;
    /// HTML, or JSON for `Accept: application/json`.
    func addStatusRoutes(to router: Router<ServerContext>) {
        let database = self.database, pages = self.pages, sandbox = bot.isSandbox
        router.get("/status") { request, _ -> Response in
            let status = try await ServiceStatus.read(from: database, sandbox: sandbox)
            if Self.wantsJSON(request) { return Self.json(status) }
            let operations = status.journal.operations.sorted { $0.key < $1.key }.map { ["status": $0.key, "count": $0.value] as [String: Any] }
            var values: [String: Any] = ["migrations": status.migrations, "migrationCount": status.migrations.count,
                                         "operations": operations, "hasOperations": !operations.isEmpty]
            if let synced = status.synced { values["synced"] = ["source": synced.source, "commit": synced.commit, "at": synced.at] }
            if let last = status.journal.lastFinishedAt { values["lastFinishedAt"] = last }
            return pages.page("status", title: "État du service", sandbox: sandbox, values)
        }
    }
}
