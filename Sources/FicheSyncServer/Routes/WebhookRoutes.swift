import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import PRBot

extension FicheSyncServer {
    /// `POST /webhooks/github`: the raw body and headers handed to PRBot's ``WebhookHandler``
    /// (signature check first, delivery ids for redeliveries). Without `GITHUB_WEBHOOK_SECRET`
    /// nothing can be verified, so every delivery is refused (503, saying why).
    func addWebhookRoutes(to router: Router<ServerContext>) {
        let webhooks = self.webhooks, logger = self.logger, headChecks = parts.headChecks, repository = bot.opener.upstream.description
        router.post("/webhooks/github") { request, context -> Response in
            guard let webhooks else {
                return Self.text("GITHUB_WEBHOOK_SECRET n'est pas configuré : aucune livraison ne peut être vérifiée\n", status: .serviceUnavailable)
            }
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
            let response = await webhooks.handle(WebhookHandler.Request(headers: headers, body: Array(buffer: body)), now: Date())
            logger.info("webhook", metadata: ["status": "\(response.status)", "outcome": "\(response.outcome)",
                                              "delivery": "\(request.headers.first { $0.name.canonicalName == "x-github-delivery" }?.value.prefix(100) ?? "")"])
            // A new PR, a push, a reopening: its new head gets its check run now (the PR tick
            // repairs a check that fails here).
            if case .observed(let number, let changes) = response.outcome, let headChecks,
               changes.contains(where: { if case .newHead = $0 { true } else { $0 == .opened || $0 == .reopened } }) {
                do {
                    _ = try await headChecks.run(repository: repository, numbers: [number], now: Date())
                } catch {
                    logger.warning("check after webhook failed; the PR tick tries again", metadata: ["number": "\(number)", "error": "\(error)"])
                }
            }
            return Self.text("\(response.outcome)\n", status: HTTPResponse.Status(code: response.status))
        }
    }
}
