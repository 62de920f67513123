import Foundation
import HTTPTypes
import Hummingbird

extension FicheSyncServer {
    /// `POST /admin/jobs/<name>/run` and `POST /admin/operations/<id>/retry`, for operators
    /// holding `FICHESYNC_ADMIN_TOKEN` (`Authorization: Bearer …`). Without a configured
    /// token the routes answer 404 saying admin is off; a missing or wrong token is 401
    /// before anything is looked up. Answers are JSON. A job run answers 202 once started
    /// (`?wait=true`: 200 once ended, with its result).
    func addAdminRoutes(to router: Router<ServerContext>) {
        let token = adminToken, actions = admin
        @Sendable func guarded(_ request: Request, _ body: @Sendable () async throws -> Response) async throws -> Response {
            guard let token else {
                return Self.json(["error": "admin désactivé : FICHESYNC_ADMIN_TOKEN n'est pas configuré"], status: .notFound)
            }
            guard token.authorizes(request.headers) else {
                var response = Self.json(["error": "jeton d'administration absent ou faux"], status: .unauthorized)
                response.headers[.wwwAuthenticate] = "Bearer"
                return response
            }
            do {
                return try await body()
            } catch let refusal as AdminActions.Refusal {
                let status: HTTPResponse.Status = switch refusal.code {
                case .unknownJob, .unknownOperation: .notFound
                case .running, .notFailed: .conflict
                }
                return Self.json(["error": refusal.message, "code": refusal.code.rawValue], status: status)
            }
        }
        router.post("/admin/jobs/{name}/run") { request, context -> Response in
            try await guarded(request) {
                let name = context.parameters.get("name") ?? ""
                let wait = request.uri.queryParameters.get("wait") == "true"
                let answer = try await actions.run(job: name, wait: wait)
                return Self.json(answer, status: wait ? .ok : .accepted)
            }
        }
        router.post("/admin/operations/{id}/retry") { request, context -> Response in
            try await guarded(request) {
                guard let id = context.parameters.get("id").flatMap(Int64.init) else {
                    return Self.json(["error": "un numéro d'opération est un entier"], status: .badRequest)
                }
                try await actions.retry(operation: id)
                return Self.json(["operation": "\(id)", "result": "relancée au prochain reconcile"])
            }
        }
    }
}
