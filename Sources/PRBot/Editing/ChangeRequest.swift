import FicheSync

/// A change to an existing fiche as a person asks for it (`fichesync propose` options, the
/// extension form): text to check before it becomes a ``ProposedChange``.
public struct ChangeRequest: Sendable, Equatable, Codable {
    /// The new end of the mission that ends last, `YYYY-MM-DD`.
    public var end: String?
    public var addMission: MemberSubmission.Mission?
    public var github: String?
    public var role: String?

    public init(end: String? = nil, addMission: MemberSubmission.Mission? = nil, github: String? = nil, role: String? = nil) {
        self.end = end
        self.addMission = addMission
        self.github = github
        self.role = role
    }

    /// Checks the request against the member's fiche as it is and the catalog, on `today`.
    public func check(for current: AuthorFiche, against catalog: SubmissionCatalog, today: FicheDate) throws(SubmissionRefused) -> ProposedChange {
        var problems: [SubmissionProblem] = addMission?.decodingProblems ?? []
        var change = ProposedChange()
        if end != nil {
            if let date = MemberSubmission.date(end, "end", &problems) {
                let last = current.missions.last { $0.end == current.endDate }
                if last == nil {
                    problems.append(SubmissionProblem("end", "la fiche n'a aucune mission à prolonger : ajoute plutôt une mission"))
                } else if let last, date <= last.start {
                    problems.append(SubmissionProblem("end", "la mission qui finit en dernier commence le \(last.start.french) : la nouvelle fin doit venir après"))
                } else if date < today {
                    problems.append(SubmissionProblem("end", "\(date.french) est déjà passé : indique la nouvelle date de fin prévue"))
                } else if date > today.adding(years: 10) {
                    problems.append(SubmissionProblem("end", "\(date) est à plus de 10 ans : vérifie l'année"))
                } else if date == current.endDate {
                    problems.append(SubmissionProblem("end", "la mission finit déjà le \(date.french)"))
                } else {
                    change.lastMissionEnd = date
                }
            }
        }
        if let mission = addMission,
           let checked = MemberSubmission.check(mission, "addMission", catalog: catalog, today: today, &problems) {
            change.newMissions = [checked]
        }
        if let login = MemberSubmission.line(github, "github", limit: 39, required: false, &problems) {
            if !Validator.isValidGitHubLogin(login) {
                problems.append(SubmissionProblem("github", "« \(login) » n'est pas un identifiant GitHub"))
            } else if let owner = catalog.member(withGitHub: login), owner != current.id {
                problems.append(SubmissionProblem("github", "le compte GitHub \(login) figure déjà sur la fiche \(owner)"))
            } else if login == current.github?.value {
                problems.append(SubmissionProblem("github", "la fiche dit déjà \(login)"))
            } else {
                change.github = login
            }
        }
        if let text = MemberSubmission.line(role, "role", limit: MemberSubmission.Limits.role, required: false, &problems) {
            if text == current.role { problems.append(SubmissionProblem("role", "la fiche dit déjà « \(text) »")) } else { change.role = text }
        }
        if problems.isEmpty && change.isEmpty {
            problems.append(SubmissionProblem("(demande)", "rien à changer : indique une nouvelle fin de mission, une mission, un compte GitHub ou un rôle"))
        }
        guard problems.isEmpty else { throw SubmissionRefused(problems) }
        return change
    }
}
