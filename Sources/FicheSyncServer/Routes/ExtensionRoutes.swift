import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import PRBot
import Providers

extension FicheSyncServer {
    /// `GET /members/<id>/prolonger`: the mission-extension form, pre-filled with the end of
    /// the mission that ends last; `POST` opens the update PR that changes only that line
    /// (PRBot's ``MemberChangeFlow``), with the same token and per-address limit as the
    /// onboarding form.
    func addExtensionRoutes(to router: Router<ServerContext>) {
        let server = self
        router.get("/members/{id}/prolonger") { _, context -> Response in
            guard let id = context.parameters.get("id"), Validator.isValidAuthorID(id) else { return server.invalidMember() }
            guard let (fiche, _) = try await server.changes.current(id) else { return server.unknownMember(id) }
            return server.extensionPage(fiche, end: fiche.endDate?.description ?? "", status: .ok)
        }
        router.post("/members/{id}/prolonger") { request, context -> Response in
            guard let id = context.parameters.get("id"), Validator.isValidAuthorID(id) else { return server.invalidMember() }
            guard server.limiter.allow(server.client(request, context)) else {
                return server.pages.page("message", title: "Trop de demandes", sandbox: server.bot.isSandbox, status: .tooManyRequests,
                                         ["heading": "Trop de demandes", "message": Self.tooMany])
            }
            var request = request
            let fields = FormBody(Array(buffer: try await request.collectBody(upTo: 64 * 1024)))
            let end = (fields["end"] ?? "").trimmingCharacters(in: .whitespaces)
            guard let (fiche, catalog) = try await server.changes.current(id) else { return server.unknownMember(id) }
            guard server.token.verifies(fields["jeton"]) else {
                return server.extensionPage(fiche, end: end, general: ["Ce formulaire a expiré ou ne vient pas de ce site : envoie-le à nouveau."],
                                            status: .forbidden)
            }
            do {
                let proposed = try await server.changes.propose(ChangeRequest(end: end.isEmpty ? nil : end), for: fiche, catalog: catalog,
                                                                with: server.bot.opener)
                return server.pages.page("extended", title: "Prolongation proposée", sandbox: server.bot.isSandbox,
                                         status: proposed.opened.existing ? .ok : .created,
                                         ["id": id, "fullname": fiche.fullname.value, "end": end, "url": proposed.opened.url,
                                          "number": proposed.opened.number, "existing": proposed.opened.existing])
            } catch let refused as SubmissionRefused {
                let messages = refused.problems.map(\.message)
                return server.extensionPage(fiche, end: end, error: messages.joined(separator: " ; "), status: .unprocessableContent)
            } catch let refused as PullRequestOpener.Refused {
                return server.extensionPage(fiche, end: end, general: [refused.message], status: .conflict)
            } catch {
                server.logger.error("extension: no pull request", metadata: ["error": "\(String(describing: error).prefix(500))"])
                return server.extensionPage(fiche, end: end, general: [Self.unavailable], status: .badGateway)
            }
        }
    }

    func extensionPage(_ fiche: AuthorFiche, end: String, error: String? = nil, general: [String] = [],
                       status: HTTPResponse.Status) -> Response {
        var values: [String: Any] = ["id": fiche.id, "fullname": fiche.fullname.value, "current": fiche.endDate?.description ?? "",
                                     "end": end, "token": token.issue(), "general": general,
                                     "hasErrors": error != nil || !general.isEmpty, "invalid": error != nil,
                                     "describedby": error == nil ? "champ-end-aide" : "champ-end-aide champ-end-erreur"]
        if let error { values["error"] = error }
        return pages.page("extension", title: "Prolonger la mission de \(fiche.fullname.value)", sandbox: bot.isSandbox, status: status, values)
    }

    func invalidMember() -> Response {
        pages.page("message", title: "Identifiant invalide", sandbox: bot.isSandbox, status: .badRequest,
                   ["heading": "Identifiant invalide", "message": "Un identifiant de membre s'écrit prenom.nom, en minuscules."])
    }

    func unknownMember(_ id: String) -> Response {
        pages.page("message", title: "Membre inconnu", sandbox: bot.isSandbox, status: .notFound,
                   ["heading": "Membre inconnu", "message": "Aucune fiche n'a l'identifiant \(id)."])
    }
}
