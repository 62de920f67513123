import Accounts
import AsyncHTTPClient
import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PRBot
import Providers
import Scheduler

/// `fichesync serve`: the onboarding form and its API, the status, PR and member pages, the
/// GitHub webhook and the metrics, over one database and one bot connection. This type holds
/// what the routes share; the routes themselves only parse, call a library and render.
public struct FicheSyncServer: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var submissions: RateLimiter.Policy
        /// In sandbox mode, the folder whose fiches seed the hosted upstream the first time
        /// (`nil`: the bundled fixtures), as `fichesync sandbox --seed`.
        public var sandboxSeed: String?

        public init(host: String = "127.0.0.1", port: Int = 8080, submissions: RateLimiter.Policy = .submissions,
                    sandboxSeed: String? = nil) {
            self.host = host
            self.port = port
            self.submissions = submissions
            self.sandboxSeed = sandboxSeed
        }
    }

    public let database: Database
    public let bot: BotConnection
    public let metrics: ServerMetrics
    let options: Options
    let parts: ServiceParts
    let flow: OnboardingFlow
    let changes: MemberChangeFlow
    let webhooks: WebhookHandler?
    let pages: Pages
    /// The blank onboarding form, rendered once (`nil`: rendered per request).
    let blankForm: TokenPage?
    /// The planner's rules (domain, teams, protected accounts, lifecycle) the member page explains with.
    let accountRules: AccountSettings
    /// `nil`: `FICHESYNC_ADMIN_TOKEN` unset, the admin routes say admin is off.
    let adminToken: AdminToken?
    let admin: AdminActions
    let token: FormToken
    let limiter: RateLimiter
    let proxies: TrustedProxies
    let logger: Logger

    /// - Parameter settings: the environment's (the bot's settings add the sandbox's exports).
    public init(database: Database, bot: BotConnection, settings: FicheSyncSettings, options: Options = Options(),
                metrics: ServerMetrics = ServerMetrics(), parts: ServiceParts = ServiceParts(), logger: Logger) async throws {
        self.database = database
        self.parts = parts
        self.bot = bot
        self.metrics = metrics
        self.options = options
        self.logger = logger
        let effective = bot.settings
        flow = OnboardingFlow(database: database,
                              outcome: MergeOutcomeWords(domain: effective.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr",
                                                         githubOrganization: effective.value("GITHUB_ORGANIZATION_NAME")),
                              reminders: parts.reminders, logger: logger)
        changes = MemberChangeFlow(database: database, source: effective.fichesRepository,
                                   cache: RepositoryCache(directory: (effective.home as NSString).appendingPathComponent("repositories")),
                                   logger: logger)
        if let secret = settings.githubWebhookSecret.flatMap(WebhookSecret.init) {
            var watcher = PullRequestWatcher(database: database, repository: bot.opener.upstream, botFork: bot.opener.fork, logger: logger)
            if let reminders = parts.reminders { watcher = watcher.reminding(with: reminders) }
            // A merge syncs and reconciles its members at once; the polling pass repairs what
            // a failed follow-up or a lost delivery missed.
            webhooks = WebhookHandler(secret: secret, github: bot.opener.github, watcher: watcher,
                                      followUp: try MergeAccounts.followUp(effective, database: database, logger: logger), logger: logger)
        } else {
            webhooks = nil
        }
        accountRules = AccountRules.make(effective)
        adminToken = AdminToken(settings.value("FICHESYNC_ADMIN_TOKEN"))
        admin = AdminActions(database: database, jobs: parts.jobs, clock: SystemSchedulerClock(), metrics: metrics, logger: logger)
        token = settings.value("FICHESYNC_FORM_SECRET").map(FormToken.init(secret:)) ?? .random()
        limiter = RateLimiter(options.submissions)
        proxies = try settings.value("FICHESYNC_TRUSTED_PROXIES").map(TrustedProxies.init) ?? .none
        pages = try await Pages.load()
        blankForm = TokenPage(html: pages.html(OnboardingPage.template, title: OnboardingPage.title, sandbox: bot.isSandbox,
                                               OnboardingPage.values(OnboardingForm(), token: TokenPage.placeholder)))
    }

    /// The router: every route, counted by the metrics middleware, with the security headers.
    public func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.middlewares.add(RequestMetricsMiddleware(metrics: metrics))
        router.middlewares.add(SecurityHeadersMiddleware())
        addHealthRoutes(to: router)
        addStatusRoutes(to: router)
        addMetricsRoutes(to: router)
        addWebhookRoutes(to: router)
        addOnboardingRoutes(to: router)
        addPullRequestRoutes(to: router)
        addMemberRoutes(to: router)
        addExtensionRoutes(to: router)
        addConfirmationRoutes(to: router)
        addAdminRoutes(to: router)
        return router
    }

    /// The application on `options.host:options.port`; `onServerRunning` gets the bound port.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let logger = self.logger, sandbox = bot.isSandbox
        return Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: "fichesync"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.notice("fichesync serve listening", metadata: [
                    "address": "\(channel.localAddress?.description ?? "?")", "port": "\(port)",
                    "mode": "\(sandbox ? "sandbox" : "configured")",
                ])
                await onServerRunning(port)
            },
            logger: logger)
    }

    /// The address the rate limit counts by: the peer, or the client behind trusted proxies.
    func client(_ request: Request, _ context: ServerContext) -> String {
        let peer = context.remoteAddress?.ipAddress ?? "inconnu"
        guard !proxies.isEmpty, let field = HTTPField.Name("X-Forwarded-For") else { return peer }
        return proxies.client(peer: peer, forwardedFor: request.headers[values: field])
    }

    /// `Accept` asks for JSON.
    static func wantsJSON(_ request: Request) -> Bool {
        (request.headers[.accept] ?? "").lowercased().contains("application/json")
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, type: String = "text/plain; charset=utf-8") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
