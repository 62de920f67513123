import ArgumentParser
import FicheSync
import FicheSyncServer
import Foundation
import Metrics
import Prometheus

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the onboarding form, the status, PR and member pages, the GitHub webhook and /metrics.",
        discussion: """
        Routes: GET / (the onboarding form, in French), POST /api/submissions (the JSON of \
        `fichesync onboard`), GET /status, GET /prs, GET /members/<id>, GET /healthz, GET /metrics \
        (Prometheus), POST /webhooks/github (needs GITHUB_WEBHOOK_SECRET), GET /confirm/<token> (the \
        referent's link), POST /admin/jobs/<name>/run and POST /admin/operations/<id>/retry (operators:         Authorization: Bearer $FICHESYNC_ADMIN_TOKEN; unset, admin is off). The scheduled jobs (`fichesync jobs list`) run beside it, each tick on one \
        instance only. With no DATABASE_URL it \
        runs on the embedded Postgres; with no GITHUB_TOKEN on an in-process sandbox (GitHub with its \
        repositories, OVH, Mattermost, an SMTP receiver), synced at start, and says so on every page. \
        FICHESYNC_FORM_SECRET signs the form's anti-forgery tokens (unset: a random key per process). \
        Logs are JSON lines when stderr is not a terminal. SIGTERM or Ctrl-C finishes the requests under way, then stops.
        """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port (0: a free one).")
    var port = 8080

    @Option(help: "Without GITHUB_TOKEN: the folder whose fiches seed the sandbox's repository the first time (default: fixtures/beta.gouv.fr).")
    var seed: String?

    /// NIO takes the port as 16 bits: 70000 would silently listen on 4464.
    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port \(port) is not a TCP port: give 1 to 65535, or 0 for a free one")
        }
    }

    func run() async throws {
        // The library's metrics (provider requests, sync, reconcile) into the same registry.
        let metrics = ServerMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        do {
            if seed != nil && (Environment.settings.isSet("GITHUB_TOKEN") || Environment.settings.isSet("GITHUB_ORG_ADMIN_TOKEN")) {
                fail("--seed seeds the sandbox, and GITHUB_TOKEN is set: the pull requests go to \(Environment.settings.githubRepository), not to a sandbox")
            }
            try await FicheSyncServer.serve(options: .init(host: host, port: port, sandboxSeed: seed), settings: Environment.settings, metrics: metrics,
                                            parts: ServiceParts.standard(environment: Environment.settings, logger: Environment.logger), logger: Environment.logger)
        } catch {
            fail("serve on \(host):\(port) stopped: \(describe(error))")
        }
    }

}
