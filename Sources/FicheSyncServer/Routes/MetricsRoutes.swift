import FicheSync
import Foundation
import HTTPTypes
import Hummingbird

extension FicheSyncServer {
    /// `GET /metrics`: the Prometheus text format. The PR and outbox gauges, and each job's
    /// last run duration, are read at the
    /// scrape; if the database does not answer they keep their last values and the scrape
    /// still succeeds (the request counters are what an alert on errors needs).
    func addMetricsRoutes(to router: Router<ServerContext>) {
        let database = self.database, metrics = self.metrics, logger = self.logger, jobs = parts.jobs
        router.get("/metrics") { _, _ -> Response in
            do {
                metrics.observe(try await ServiceCounts.read(from: database))
                metrics.observe(lastRuns: try await JobsStatus.read(jobs: jobs, from: database, now: Date()).jobs)
            } catch {
                logger.warning("metrics: counts not read", metadata: ["error": "\(String(describing: error).prefix(300))"])
            }
            return Self.text(metrics.text(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}
