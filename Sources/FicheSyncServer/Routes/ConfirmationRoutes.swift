import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import PRBot

extension FicheSyncServer {
    /// `GET /confirm/<token>` shows what the link confirms and one button; `POST` confirms.
    /// Not on the GET itself: mail scanners and link previews open links before the person
    /// does, and a confirmation they set off would be nobody's. The button's form carries the
    /// anti-forgery token like every form here.
    func addConfirmationRoutes(to router: Router<ServerContext>) {
        let server = self
        router.get("/confirm/{token}") { _, context -> Response in
            let token = context.parameters.get("token") ?? ""
            guard let confirmation = server.parts.confirmation else { return server.confirmationUnavailable() }
            do {
                let claim = try confirmation.link.verify(token, now: Date())
                return server.pages.page("confirm", title: "Confirmer la fiche", sandbox: server.bot.isSandbox, [
                    "number": claim.number, "referent": claim.referent, "token": token, "jeton": server.token.issue(),
                    "url": "https://github.com/\(claim.repository)/pull/\(claim.number)",
                ])
            } catch {
                return server.message("Lien inutilisable", (error as? ConfirmationLink.Refused)?.description ?? "ce lien de confirmation est inutilisable", status: .forbidden)
            }
        }
        router.post("/confirm/{token}") { request, context -> Response in
            let token = context.parameters.get("token") ?? ""
            guard let confirmation = server.parts.confirmation else { return server.confirmationUnavailable() }
            guard server.limiter.allow(server.client(request, context)) else {
                return server.message("Trop de tentatives", "Réessaie dans une heure.", status: .tooManyRequests)
            }
            var request = request
            let fields = FormBody(Array(buffer: try await request.collectBody(upTo: 4096)))
            guard server.token.verifies(fields["jeton"]) else {
                return server.message("Formulaire expiré", "Ce formulaire a expiré : rouvre le lien reçu par email.", status: .forbidden)
            }
            do {
                switch try await confirmation.confirm(token, now: Date()) {
                case .alreadyConfirmed:
                    return server.message("Déjà confirmée", "Cette pull request a déjà été confirmée : il n'y a rien d'autre à faire.")
                case .confirmed(let merged, let note):
                    let text = merged
                        ? "Merci ! La pull request est fusionnée : les accès sont créés dans quelques instants."
                        : "Merci ! Ta confirmation est notée sur la pull request." + (note.map { " \($0.prefix(1).uppercased() + $0.dropFirst())." } ?? "")
                    return server.message("Confirmation enregistrée", text)
                }
            } catch let refused as ReferentConfirmation.Refused {
                server.logger.notice("confirmation refused", metadata: ["code": "\(refused.code.rawValue)", "client": "\(server.client(request, context))"])
                return server.message("Confirmation refusée", refused.message.prefix(1).uppercased() + refused.message.dropFirst() + ".", status: .forbidden)
            }
        }
    }

    func message(_ heading: String, _ text: String, status: HTTPResponse.Status = .ok) -> Response {
        pages.page("message", title: heading, sandbox: bot.isSandbox, status: status, ["heading": heading, "message": text])
    }

    func confirmationUnavailable() -> Response {
        message("Confirmation indisponible", "Ce service ne confirme pas les fiches par lien.", status: .serviceUnavailable)
    }
}
