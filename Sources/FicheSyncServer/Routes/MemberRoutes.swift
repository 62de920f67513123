import Accounts
import FicheSync
import Foundation
import HTTPTypes
import Hummingbird

extension FicheSyncServer {
    /// `GET /members/<id>`: the member's public fiche data, each account with its state, the
    /// journal's last operations and their open PRs. An id that is not `prenom.nom` is refused
    /// (400) before it reaches SQL or a page; an unknown one is 404.
    func addMemberRoutes(to router: Router<ServerContext>) {
        let database = self.database, pages = self.pages, sandbox = bot.isSandbox, rules = accountRules
        router.get("/members/{id}") { _, context -> Response in
            guard let id = context.parameters.get("id"), Validator.isValidAuthorID(id) else {
                return pages.page("message", title: "Identifiant invalide", sandbox: sandbox, status: .badRequest,
                                  ["heading": "Identifiant invalide", "message": "Un identifiant de membre s'écrit prenom.nom, en minuscules."])
            }
            guard let member = try await MemberOverview.read(id, from: database, rules: rules, today: .today()) else {
                return pages.page("message", title: "Membre inconnu", sandbox: sandbox, status: .notFound,
                                  ["heading": "Membre inconnu", "message": "Aucune fiche synchronisée n'a l'identifiant \(id)."])
            }
            let summary = member.detail.summary
            var values: [String: Any] = [
                "id": summary.id, "fullname": summary.fullname, "role": summary.role,
                "state": summary.state.rawValue, "competences": member.competences, "hasCompetences": !member.competences.isEmpty,
                "missions": member.detail.missions.map { mission -> [String: Any] in
                    var values: [String: Any] = ["start": mission.start.description, "end": mission.end.description, "status": mission.status]
                    if let employer = mission.employer, !employer.isEmpty { values["employer"] = employer }
                    if !mission.startups.isEmpty { values["startups"] = mission.startups.joined(separator: ", ") }
                    return values
                },
                "operations": member.operations.map { ["provider": $0.provider, "action": $0.action, "target": $0.target,
                                                       "status": $0.status, "at": $0.at] },
                "hasOperations": !member.operations.isEmpty,
                "standings": member.standings.map { standing -> [String: Any] in
                    var values: [String: Any] = ["provider": Self.providerName(standing.provider), "reason": standing.reason]
                    if let next = standing.next { values["next"] = next.text }
                    return values
                },
                "hasStandings": !member.standings.isEmpty,
                "pulls": member.pullRequests.map(Self.values), "hasPulls": !member.pullRequests.isEmpty,
            ]
            // Absent rather than empty: an empty string would still open its template section.
            for (key, value) in [("domaine", summary.domaine), ("endDate", summary.endDate?.description), ("github", member.detail.github),
                                 ("link", member.link)] {
                if let value, !value.isEmpty { values[key] = value }
            }
            if let accounts = member.accounts {
                var shown: [String: Any] = ["email": accounts.email, "mattermost": accounts.mattermost, "github": accounts.github]
                if let account = accounts.githubAccount { shown["githubAccount"] = account }
                values["accounts"] = shown
            }
            return pages.page("member", title: summary.fullname, sandbox: sandbox, values)
        }
    }

    static func providerName(_ provider: AccountStanding.Provider) -> String {
        switch provider {
        case .email: "Email"
        case .mattermost: "Mattermost"
        case .github: "GitHub"
        }
    }
}
