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
        let webhooks = self.webhooks, logger = self.logger
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
            return Self.text("\(response.outcome)\n", status: HTTPResponse.Status(code: response.status))
        }
    }
}
