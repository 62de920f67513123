import FicheSync
import PRBot

/// The values the onboarding template shows: each field with what was typed, its hint and
/// its error (their ids listed in `aria-describedby`, `aria-invalid` set), the summary of
/// errors at the top linking to each field, and a fresh anti-forgery token.
enum OnboardingPage {
    static let template = "onboarding"
    static let title = "Créer ta fiche"
    static let statusLabels: [(String, String)] = [("independent", "Indépendant·e"), ("admin", "Agent·e public·que"), ("service", "Prestataire (société de service)")]

    static func values(_ form: OnboardingForm, problems: [SubmissionProblem] = [], general: [String] = [], token: String) -> [String: Any] {
        var byInput: [String: [String]] = [:]
        var general = general
        for problem in problems {
            if let input = OnboardingForm.input(for: problem.field) {
                byInput[input, default: []].append(problem.message)
            } else {
                general.append(problem.message)
            }
        }
        var fields: [[String: Any]] = []
        var summary: [[String: Any]] = []
        for field in OnboardingForm.fields {
            let id = "champ-\(field.name)"
            let error = byInput[field.name].map { $0.joined(separator: " ; ") }
            let describedBy = [field.hint.map { _ in "\(id)-aide" }, error.map { _ in "\(id)-erreur" }].compactMap { $0 }
            var values: [String: Any] = ["name": field.name, "id": id, "label": field.label, "required": field.required,
                                         "value": form.value(field.name), "invalid": error != nil]
            // Absent rather than empty: an empty string still opens a template section.
            if !describedBy.isEmpty { values["describedby"] = describedBy.joined(separator: " ") }
            if let hint = field.hint { values["hint"] = hint }
            if let error {
                values["error"] = error
                summary.append(["id": id, "label": field.label, "message": error])
            }
            switch field.name {
            case "domaine": values["options"] = options(Domaine.allCases.map { ($0.rawValue, $0.rawValue) }, selected: form.value(field.name))
            case "memberType": values["options"] = options(MemberType.allCases.map { ($0.rawValue, $0.rawValue) }, selected: form.value(field.name))
            case "mission_status": values["options"] = options(statusLabels, selected: form.value(field.name))
            case "description": values["isTextarea"] = true
            default:
                values["isInput"] = true
                values["type"] = field.name == "email" ? "email" : field.name.hasSuffix("_start") || field.name.hasSuffix("_end") ? "date" : field.name == "link" ? "url" : "text"
                if field.name == "email" { values["autocomplete"] = "email" }
                if field.name == "firstname" { values["autocomplete"] = "given-name" }
                if field.name == "lastname" { values["autocomplete"] = "family-name" }
            }
            if values["options"] != nil { values["isSelect"] = true }
            fields.append(values)
        }
        var values: [String: Any] = ["fields": fields, "token": token, "summary": summary, "general": general,
                                     "hasErrors": !summary.isEmpty || !general.isEmpty, "errorCount": summary.count + general.count]
        values["plural"] = summary.count + general.count > 1
        return values
    }

    static func options(_ choices: [(String, String)], selected: String) -> [[String: Any]] {
        choices.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == selected] }
    }
}
