import FicheSync
import Foundation

extension MemberSubmission {
    /// Bounds on each field: far above real fiches, low enough that nobody fills the
    /// repository (or a reviewer's screen) through the form.
    public enum Limits {
        public static let name = 80
        public static let role = 100
        public static let employer = 100
        public static let link = 500
        public static let email = 254
        public static let description = 10_000
        public static let competences = 30
        public static let competence = 60
        public static let missions = 10
        public static let startupsPerMission = 20
    }

    /// Checks the submission against the synced catalog on `today` (Europe/Paris). Every
    /// problem is reported, each on its field; nothing is read from the disk or the clock.
    public func check(against catalog: SubmissionCatalog, today: FicheDate) throws(SubmissionRefused) -> CheckedSubmission {
        var problems = decodingProblems
        func problem(_ field: String, _ message: String) { problems.append(SubmissionProblem(field, message)) }

        let fullname = Self.line(self.fullname, "fullname", limit: Limits.name, required: true, &problems)
        let firstname = Self.line(self.firstname, "firstname", limit: Limits.name, required: false, &problems)
        let lastname = Self.line(self.lastname, "lastname", limit: Limits.name, required: false, &problems)
        let role = Self.line(self.role, "role", limit: Limits.role, required: true, &problems)

        // The id: from firstname + lastname when both are given, else fullname split at its first space.
        var id: String?
        if let firstname, let lastname {
            id = MemberID.derive(firstname: firstname, lastname: lastname)
            if id == nil { problem("lastname", "on ne peut pas en tirer un identifiant : écris prénom et nom en lettres latines") }
        } else if (firstname == nil) != (lastname == nil) {
            problem(firstname == nil ? "firstname" : "lastname", "renseigne le prénom et le nom ensemble, ou aucun des deux")
        } else if let fullname {
            if let names = MemberID.names(fullname: fullname) {
                id = MemberID.derive(firstname: names.firstname, lastname: names.lastname)
                if id == nil { problem("fullname", "on ne peut pas en tirer un identifiant : écris prénom et nom en lettres latines, ou renseigne firstname et lastname") }
            } else {
                problem("fullname", "écris le prénom et le nom, séparés par une espace (ou renseigne firstname et lastname)")
            }
        }
        if let taken = id, let owner = catalog.members[taken] {
            let field = firstname == nil ? "fullname" : "firstname"
            let first = (firstname ?? MemberID.names(fullname: fullname ?? "")?.firstname) ?? "Camille"
            let example = MemberID.derive(firstname: "\(first) X", lastname: lastname ?? MemberID.names(fullname: fullname ?? "")?.lastname ?? "") ?? taken
            problem(field, "l'identifiant \(taken) est déjà pris par la fiche de \(owner.fullname) (content/_authors/\(taken).md). Si c'est toi, demande une prolongation de ta fiche plutôt qu'une nouvelle. Sinon, choisis un autre identifiant : renseigne firstname et lastname, par exemple avec l'initiale d'un second prénom (« \(first) X » donne \(example))")
            id = nil
        }

        var domaine: Domaine?
        if let text = Self.line(self.domaine, "domaine", limit: 40, required: true, &problems) {
            domaine = Domaine(text: text)
            if domaine == nil { problem("domaine", "choisis parmi \(Domaine.allCases.map(\.rawValue).joined(separator: ", "))") }
        }

        var missions: [NewMission] = []
        if let items = self.missions, !items.isEmpty {
            if items.count > Limits.missions { problem("missions", "au plus \(Limits.missions) missions") }
            for (index, item) in items.prefix(Limits.missions).enumerated() {
                if let mission = Self.check(item, "missions[\(index)]", catalog: catalog, today: today, &problems) {
                    missions.append(mission)
                }
            }
        } else if decodingProblems.allSatisfy({ $0.field != "missions" }) {
            problem("missions", "indique au moins une mission (début, fin, statut)")
        }

        var github: String?
        if let login = Self.line(self.github, "github", limit: 39, required: false, &problems) {
            if !Validator.isValidGitHubLogin(login) {
                problem("github", "« \(login) » n'est pas un identifiant GitHub : lettres, chiffres et tirets, sans tiret au début ni à la fin, 39 caractères au plus")
            } else if let owner = catalog.member(withGitHub: login) {
                problem("github", "le compte GitHub \(login) figure déjà sur la fiche \(owner)")
            } else {
                github = login
            }
        }

        var memberType: MemberType?
        if let text = Self.line(self.memberType, "memberType", limit: 20, required: false, &problems) {
            memberType = MemberType(rawValue: text)
            if memberType == nil { problem("memberType", "choisis parmi \(MemberType.allCases.map(\.rawValue).joined(separator: ", "))") }
        }

        var competences: [String] = []
        if let items = self.competences {
            if items.count > Limits.competences { problem("competences", "au plus \(Limits.competences) compétences") }
            var seen = Set<String>()
            for (index, item) in items.prefix(Limits.competences).enumerated() {
                guard let text = Self.line(item, "competences[\(index)]", limit: Limits.competence, required: true, &problems) else { continue }
                if seen.insert(text).inserted { competences.append(text) } else { problem("competences[\(index)]", "« \(text) » est déjà dans la liste") }
            }
        }

        var link: String?
        if let text = Self.line(self.link, "link", limit: Limits.link, required: false, &problems) {
            if Self.isWebAddress(text) { link = text } else { problem("link", "donne une adresse web complète, qui commence par https://") }
        }

        let body = Self.body(description, &problems)

        var referent: String?
        if let text = Self.line(self.referent, "referent", limit: 100, required: true, &problems) {
            if let member = catalog.members[text] {
                if text == id {
                    problem("referent", "le référent ne peut pas être toi-même")
                } else if !member.isActive(on: today) {
                    problem("referent", "\(member.fullname) (\(text)) n'a plus de mission en cours : choisis un membre actif de ton équipe")
                } else {
                    referent = text
                }
            } else {
                problem("referent", "aucun membre n'a l'identifiant « \(text) » : écris l'identifiant de sa fiche, prenom.nom")
            }
        }

        var email: String?
        if let text = Self.line(self.email, "email", limit: Limits.email, required: true, &problems) {
            if Self.isEmailAddress(text) { email = text } else { problem("email", "« \(text) » n'est pas une adresse email") }
        }

        // A value of the wrong type is said once, not again as missing.
        let mistyped = Set(decodingProblems.map(\.field))
        problems.removeAll { $0.message == "à renseigner" && mistyped.contains($0.field) }
        guard problems.isEmpty, let id, let fullname, let role, let domaine, let referent, let email else {
            throw SubmissionRefused(problems)
        }
        let fiche = NewAuthorFiche(id: id, fullname: fullname, role: role, domaine: domaine, github: github, link: link,
                                   competences: competences, missions: missions, memberType: memberType, body: body)
        return CheckedSubmission(fiche: fiche, referent: referent, email: email)
    }

    static func check(_ item: Mission, _ field: String, catalog: SubmissionCatalog, today: FicheDate,
                              _ problems: inout [SubmissionProblem]) -> NewMission? {
        func problem(_ key: String, _ message: String) { problems.append(SubmissionProblem("\(field).\(key)", message)) }
        let start = date(item.start, "\(field).start", &problems)
        let end = date(item.end, "\(field).end", &problems)
        if let start, let end {
            if end <= start {
                problem("end", "la fin (\(end)) doit venir après le début (\(start))")
            } else if end < today {
                problem("end", "cette mission est déjà terminée (\(end)) : indique la date de fin prévue")
            } else if end > today.adding(years: 10) {
                problem("end", "\(end) est à plus de 10 ans : vérifie l'année")
            }
        }
        var status: MissionStatus?
        if let text = line(item.status, "\(field).status", limit: 20, required: true, &problems) {
            status = MissionStatus(rawValue: text)
            if status == nil { problem("status", "choisis parmi independent (indépendant), admin (agent public), service (prestataire)") }
        }
        let employer = line(item.employer, "\(field).employer", limit: Limits.employer, required: false, &problems)
        var startups: [String] = []
        if let items = item.startups {
            if items.count > Limits.startupsPerMission { problem("startups", "au plus \(Limits.startupsPerMission) startups par mission") }
            for (index, text) in items.prefix(Limits.startupsPerMission).enumerated() {
                guard let id = line(text, "\(field).startups[\(index)]", limit: 100, required: true, &problems) else { continue }
                if !catalog.startups.contains(id) {
                    problems.append(SubmissionProblem("\(field).startups[\(index)]", "aucune startup n'a l'identifiant « \(id) » (content/_startups/\(id).md)"))
                } else if startups.contains(id) {
                    problems.append(SubmissionProblem("\(field).startups[\(index)]", "« \(id) » est déjà dans la liste"))
                } else {
                    startups.append(id)
                }
            }
        }
        guard let start, let end, let status, end > start else { return nil }
        return NewMission(start: start, end: end, status: status, employer: employer, startups: startups)
    }

    /// A one-line field: trimmed; `nil` when absent or empty (a problem when `required`);
    /// refused when too long or holding control characters.
    static func line(_ value: String?, _ field: String, limit: Int, required: Bool, _ problems: inout [SubmissionProblem]) -> String? {
        let text = value?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !text.isEmpty else {
            if required { problems.append(SubmissionProblem(field, "à renseigner")) }
            return nil
        }
        if text.count > limit {
            problems.append(SubmissionProblem(field, "\(limit) caractères au plus (\(text.count) ici)"))
            return nil
        }
        if text.unicodeScalars.contains(where: isForbidden) {
            problems.append(SubmissionProblem(field, "contient un caractère de contrôle ou un saut de ligne : écris sur une seule ligne, sans caractère invisible"))
            return nil
        }
        // The fiche's one-line values are shown as they are by the community's site; a tag
        // there would be markup on its pages. No name, role or employer needs a `<`.
        if text.contains("<") {
            problems.append(SubmissionProblem(field, "contient « < » : écris du texte, sans balise HTML"))
            return nil
        }
        return text
    }

    /// Control characters, line and paragraph separators, and the bidirectional overrides
    /// that make text read differently from what it is.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }

    static func date(_ value: String?, _ field: String, _ problems: inout [SubmissionProblem]) -> FicheDate? {
        guard let text = line(value, field, limit: 10, required: true, &problems) else { return nil }
        guard text.utf8.count == 10, let date = FicheDate(iso: text) else {
            problems.append(SubmissionProblem(field, "écris une date du calendrier sous la forme AAAA-MM-JJ (par exemple 2027-06-30)"))
            return nil
        }
        return date
    }

    /// The description as the fiche's Markdown body: line ends as `\n`, tabs kept, other
    /// control characters refused, and raw HTML made inert (`<` written `&lt;`, which
    /// Markdown shows as `<`), so no tag or script reaches the site.
    static func body(_ value: String?, _ problems: inout [SubmissionProblem]) -> String {
        let text = (value ?? "").replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > Limits.description {
            problems.append(SubmissionProblem("description", "\(Limits.description) caractères au plus (\(text.count) ici)"))
            return ""
        }
        if text.unicodeScalars.contains(where: { $0 != "\n" && $0 != "\t" && isForbidden($0) }) {
            problems.append(SubmissionProblem("description", "contient un caractère de contrôle invisible : retire-le"))
            return ""
        }
        return text.replacingOccurrences(of: "<", with: "&lt;")
    }

    static func isWebAddress(_ text: String) -> Bool {
        guard text.hasPrefix("https://") || text.hasPrefix("http://"),
              !text.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" }),
              let components = URLComponents(string: text), let host = components.host, host.contains(".")
        else { return false }
        return true
    }

    /// A working address, checked the way mail forms do: one `@`, a local part, a domain with
    /// a dot, nothing that needs quoting.
    static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty, local.count <= 64,
              domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..")
        else { return false }
        let allowedLocal = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        let allowedDomain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        return local.allSatisfy(allowedLocal.contains) && domain.allSatisfy(allowedDomain.contains)
    }
}
