import FicheSync
import PRBot

/// The onboarding form's fields: what the person typed, turned into the same
/// ``MemberSubmission`` `fichesync onboard` reads, and the problems of the check put back on
/// the field that caused them (so the page shows each next to its input, tied to it with
/// `aria-describedby`).
struct OnboardingForm: Sendable, Equatable {
    /// The inputs, in page order: name, label, hint, whether the form requires it.
    struct Field: Sendable, Equatable {
        var name: String
        var label: String
        var hint: String?
        var required: Bool
    }

    static let fields: [Field] = [
        Field(name: "firstname", label: "Prénom", hint: nil, required: true),
        Field(name: "lastname", label: "Nom", hint: "Ton identifiant sera prenom.nom, sans accents.", required: true),
        Field(name: "email", label: "Ton adresse email actuelle", hint: "Pour te prévenir ; elle n'est pas écrite sur ta fiche.", required: true),
        Field(name: "role", label: "Rôle", hint: "Par exemple : Développeuse, Chargé de déploiement.", required: true),
        Field(name: "domaine", label: "Domaine", hint: nil, required: true),
        Field(name: "referent", label: "Identifiant de ton référent", hint: "Un membre actif de ton équipe, sous la forme prenom.nom.", required: true),
        Field(name: "mission_start", label: "Début de la mission", hint: "AAAA-MM-JJ", required: true),
        Field(name: "mission_end", label: "Fin prévue de la mission", hint: "AAAA-MM-JJ", required: true),
        Field(name: "mission_status", label: "Statut", hint: nil, required: true),
        Field(name: "mission_employer", label: "Employeur", hint: "Facultatif.", required: false),
        Field(name: "mission_startups", label: "Startups", hint: "Identifiants séparés par des virgules, facultatif.", required: false),
        Field(name: "github", label: "Identifiant GitHub", hint: "Facultatif.", required: false),
        Field(name: "memberType", label: "Type de membre", hint: "Facultatif.", required: false),
        Field(name: "competences", label: "Compétences", hint: "Séparées par des virgules, facultatif.", required: false),
        Field(name: "link", label: "Lien (site, profil)", hint: "Une adresse qui commence par https://, facultatif.", required: false),
        Field(name: "description", label: "Quelques mots sur toi", hint: "Facultatif ; texte simple ou Markdown.", required: false),
    ]

    var values: [String: String]

    init(_ body: FormBody) {
        var values: [String: String] = [:]
        for field in Self.fields { values[field.name] = body[field.name] ?? "" }
        self.values = values
    }

    init(values: [String: String] = [:]) {
        self.values = values
    }

    func value(_ name: String) -> String { values[name] ?? "" }

    /// The submission: empty inputs are absent keys, lists split at commas, the full name
    /// is first name and last name.
    var submission: MemberSubmission {
        func text(_ name: String) -> String? {
            let value = self.value(name).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        func list(_ name: String) -> [String]? {
            let items = value(name).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return items.isEmpty ? nil : items
        }
        let first = text("firstname"), last = text("lastname")
        let fullname = [first, last].compactMap { $0 }.joined(separator: " ")
        let mission = MemberSubmission.Mission(start: text("mission_start"), end: text("mission_end"), status: text("mission_status"),
                                               employer: text("mission_employer"), startups: list("mission_startups"))
        return MemberSubmission(firstname: first, lastname: last, fullname: fullname.isEmpty ? nil : fullname, role: text("role"),
                                domaine: text("domaine"), missions: [mission], github: text("github"), memberType: text("memberType"),
                                competences: list("competences"), link: text("link"), description: text("description"),
                                referent: text("referent"), email: text("email"))
    }

    /// The input a problem of the check belongs on; `nil` for one about the whole form.
    static func input(for field: String) -> String? {
        let base = field.split(separator: "[").first.map(String.init) ?? field
        if field.hasPrefix("missions") {
            let key = field.split(separator: ".").dropFirst().first.map { String($0.split(separator: "[")[0]) }
            switch key {
            case "end": return "mission_end"
            case "status": return "mission_status"
            case "employer": return "mission_employer"
            case "startups": return "mission_startups"
            default: return "mission_start"
            }
        }
        if base == "fullname" { return "firstname" }
        return fields.contains { $0.name == base } ? base : nil
    }
}
