import Foundation
import HTTPTypes
import Hummingbird
import Prometheus
import Scheduler

/// The service's Prometheus registry: HTTP requests by route and status (counted by
/// ``RequestMetricsMiddleware``), and gauges refreshed at each scrape from what is cheap to
/// count in Postgres (followed PRs by state, messages waiting in the outbox). `serve` also
/// bootstraps swift-metrics on this registry, so the providers' and sync's metrics show too.
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    // Computed: swift-prometheus's descriptor is not Sendable, so it cannot be a stored static.
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fichesync", metricName: "http_requests", unitName: "total",
                             helpText: "HTTP requests answered, by route pattern and status")
    }
    static var pullRequests: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fichesync", metricName: "pull_requests", unitName: "", helpText: "Pull requests the bot follows, by state")
    }
    static var outboxPending: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fichesync", metricName: "outbox_pending", unitName: "", helpText: "Messages in the outbox not sent yet")
    }

    static var jobRuns: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fichesync", metricName: "job_runs", unitName: "total",
                             helpText: "Scheduled job runs made by this instance, by job and result")
    }
    static var jobLastDuration: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fichesync", metricName: "job_last_run_duration", unitName: "seconds",
                             helpText: "Duration of each job's last ended run, whichever instance ran it")
    }

    /// One job run made by this instance (the JobRunner's observer).
    public func jobRun(job: String, result: String, seconds: Double) {
        registry.makeCounter(descriptor: Self.jobRuns, labels: [("job", job), ("result", result)]).increment()
        registry.makeGauge(descriptor: Self.jobLastDuration, labels: [("job", job)]).set(seconds)
    }

    /// What the JobRunner calls after each run it made.
    public var jobRunObserver: @Sendable (String, JobRunStore.Run.State, Double) -> Void {
        { job, state, seconds in jobRun(job: job, result: state.rawValue, seconds: seconds) }
    }

    /// The last ended run of each job as `job_runs` holds it: the duration shows on every
    /// instance, not only the one that ran it.
    func observe(lastRuns: [JobsStatus.Job]) {
        for job in lastRuns {
            guard let seconds = job.lastRun?.seconds else { continue }
            registry.makeGauge(descriptor: Self.jobLastDuration, labels: [("job", job.name)]).set(seconds)
        }
    }

    /// One request answered.
    func request(route: String, method: String, status: Int) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))])
            .increment()
    }

    /// The gauges of a scrape.
    func observe(_ counts: ServiceCounts) {
        for state in ServiceCounts.pullRequestStates {
            registry.makeGauge(descriptor: Self.pullRequests, labels: [("state", state)]).set(Double(counts.pullRequests[state] ?? 0))
        }
        registry.makeGauge(descriptor: Self.outboxPending).set(Double(counts.outboxPending))
    }

    /// The Prometheus text format.
    func text() -> String { registry.emitToString() }
}

/// Counts every response by its route pattern (`/members/{id}`, never the id itself, so the
/// series stay few) and status; an error thrown by a route is counted with its status.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status)
            throw error
        }
    }
}

/// Headers every page gets: no framing (clickjacking), no content sniffing, and a content
/// policy that allows no script at all (the pages need none) and styles only from the page.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        if let referrer = HTTPField.Name("Referrer-Policy") { response.headers[referrer] = "same-origin" }
        return response
    }
}
