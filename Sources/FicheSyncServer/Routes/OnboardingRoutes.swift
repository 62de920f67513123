import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import PRBot
import Providers

extension FicheSyncServer {
    /// `GET /` and `POST /`: the onboarding form (works without JavaScript: the server checks
    /// and re-shows it with a message on each field), and `POST /api/submissions`, the same
    /// JSON as `fichesync onboard`. Both go through PRBot's ``OnboardingFlow``; both count
    /// against the per-address limit; the form also needs its anti-forgery token, the API a
    /// JSON content type (which a form on another site cannot send without the browser asking
    /// us first).
    func addOnboardingRoutes(to router: Router<ServerContext>) {
        let server = self
        router.get("/") { _, _ -> Response in
            server.blankForm?.response(token: server.token.issue()) ?? server.onboardingPage(OnboardingForm(), status: .ok)
        }
        router.post("/") { request, context -> Response in
            guard server.limiter.allow(server.client(request, context)) else {
                return server.onboardingPage(OnboardingForm(), general: [Self.tooMany], status: .tooManyRequests)
            }
            var request = request
            let body = try await request.collectBody(upTo: MemberSubmission.maxJSONBytes)
            let fields = FormBody(Array(buffer: body))
            let form = OnboardingForm(fields)
            guard server.token.verifies(fields["jeton"]) else {
                server.logger.notice("onboarding form refused: missing or expired token", metadata: ["client": "\(server.client(request, context))"])
                return server.onboardingPage(form, general: ["Ce formulaire a expiré ou ne vient pas de ce site : vérifie tes réponses et envoie-le à nouveau."],
                                             status: .forbidden)
            }
            do {
                let prepared = try await server.flow.prepare(form.submission)
                let submitted = try await server.flow.open(prepared, with: server.bot.opener)
                return server.onboardedPage(submitted)
            } catch let problem as OnboardingProblem {
                switch problem.code {
                case .refused: return server.onboardingPage(form, problems: problem.refused.problems, status: .unprocessableContent)
                case .notSynced: return server.onboardingPage(form, general: [Self.notSynced], status: .serviceUnavailable)
                case .render: return server.onboardingPage(form, general: [Self.unavailable], status: .internalServerError)
                }
            } catch let refused as PullRequestOpener.Refused {
                return server.onboardingPage(form, general: [refused.message], status: .conflict)
            } catch {
                server.logger.error("onboarding: no pull request", metadata: ["error": "\(String(describing: error).prefix(500))"])
                return server.onboardingPage(form, general: [Self.unavailable], status: .badGateway)
            }
        }
        router.post("/api/submissions") { request, context -> Response in
            guard server.limiter.allow(server.client(request, context)) else {
                return Self.json(APIProblems([SubmissionProblem("(formulaire)", Self.tooMany)]), status: .tooManyRequests)
            }
            guard (request.headers[.contentType] ?? "").lowercased().hasPrefix("application/json") else {
                return Self.json(APIProblems([SubmissionProblem("(formulaire)", "envoie la demande en JSON (Content-Type: application/json)")]),
                                 status: .unsupportedMediaType)
            }
            var request = request
            let body = try await request.collectBody(upTo: MemberSubmission.maxJSONBytes)
            do {
                let prepared = try await server.flow.prepare(json: Array(buffer: body))
                let submitted = try await server.flow.open(prepared, with: server.bot.opener)
                return Self.json(APISubmitted(id: submitted.checked.id, url: submitted.opened.url, number: submitted.opened.number,
                                              existing: submitted.opened.existing, sandbox: server.bot.isSandbox),
                                 status: submitted.opened.existing ? .ok : .created)
            } catch let problem as OnboardingProblem {
                switch problem.code {
                case .refused: return Self.json(APIProblems(problem.refused.problems), status: .badRequest)
                case .notSynced: return Self.json(APIProblems([SubmissionProblem("(formulaire)", Self.notSynced)]), status: .serviceUnavailable)
                case .render: return Self.json(APIProblems([SubmissionProblem("(formulaire)", Self.unavailable)]), status: .internalServerError)
                }
            } catch let refused as PullRequestOpener.Refused {
                return Self.json(APIProblems([SubmissionProblem("(formulaire)", refused.message)]), status: .conflict)
            } catch {
                server.logger.error("onboarding API: no pull request", metadata: ["error": "\(String(describing: error).prefix(500))"])
                return Self.json(APIProblems([SubmissionProblem("(formulaire)", Self.unavailable)]), status: .badGateway)
            }
        }
    }

    static let tooMany = "Trop de demandes depuis ton adresse : réessaie dans une heure."
    static let notSynced = "Le service n'a pas encore lu les fiches de la communauté : réessaie dans quelques minutes."
    static let unavailable = "Ta fiche n'a pas pu être proposée pour l'instant (GitHub n'a pas répondu) : réessaie dans quelques minutes."

    func onboardingPage(_ form: OnboardingForm, problems: [SubmissionProblem] = [], general: [String] = [],
                        status: HTTPResponse.Status) -> Response {
        pages.page(OnboardingPage.template, title: OnboardingPage.title, sandbox: bot.isSandbox, status: status,
                   OnboardingPage.values(form, problems: problems, general: general, token: token.issue()))
    }

    func onboardedPage(_ submitted: OnboardingFlow.Submitted) -> Response {
        let domain = bot.settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr"
        return pages.page("onboarded", title: "Ta fiche est proposée", sandbox: bot.isSandbox, status: submitted.opened.existing ? .ok : .created, [
            "url": submitted.opened.url, "number": submitted.opened.number, "existing": submitted.opened.existing,
            "id": submitted.checked.id, "referent": submitted.checked.referent, "domain": domain, "email": submitted.checked.email,
        ])
    }
}

/// The API's refusal: every problem, each on its field, as the CLI prints them.
struct APIProblems: Encodable {
    var problems: [SubmissionProblem]
    init(_ problems: [SubmissionProblem]) { self.problems = problems }
}

/// The API's success: the pull request to follow.
struct APISubmitted: Encodable {
    var id: String
    var url: String
    var number: Int
    var existing: Bool
    var sandbox: Bool
}
