import FicheSync
import Foundation
import Testing
@testable import PRBot

let today = FicheDate(year: 2026, month: 12, day: 2)!

let directory = SubmissionCatalog(
    members: [
        "jeanne.dupont": .init(fullname: "Jeanne Dupont", endDate: FicheDate(year: 2027, month: 6, day: 30), github: "jeanne-dupont"),
        "paul.ancien": .init(fullname: "Paul Ancien", endDate: FicheDate(year: 2025, month: 1, day: 31), github: nil),
        "camille.dupont-leger": .init(fullname: "Camille Dupont-Léger", endDate: nil, github: nil),
    ],
    startups: ["aides-jeunes", "e-inspé", "auxAJ"])

func submission(_ json: String) throws -> MemberSubmission {
    do {
        return try MemberSubmission.decode(json: Array(json.utf8))
    } catch {
        Issue.record("\(error.problems)")
        throw error
    }
}

let validJSON = """
{"fullname": "Léa Martin", "role": "Développeuse", "domaine": "Développement",
 "missions": [{"start": "2026-12-07", "end": "2027-06-30", "status": "independent", "employer": "Octo", "startups": ["aides-jeunes", "e-inspé"]}],
 "github": "lea-martin", "memberType": "beta", "competences": ["Swift", "Postgres"], "link": "https://lea.example.fr",
 "description": "Je code.", "referent": "jeanne.dupont", "email": "lea@example.org"}
"""

/// The problems of a submission refused, by field.
func problems(_ json: String) throws -> [String: String] {
    let decoded = try submission(json)
    do {
        _ = try decoded.check(against: directory, today: today)
        Issue.record("accepted: \(json)")
        return [:]
    } catch {
        return Dictionary(error.problems.map { ($0.field, $0.message) }, uniquingKeysWith: { $0 + " / " + $1 })
    }
}

func replacing(_ key: String, with value: String, in json: String = validJSON) -> String {
    let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    var changed = object ?? [:]
    changed[key] = try? JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
    let data = (try? JSONSerialization.data(withJSONObject: changed)) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

@Suite struct SubmissionTests {
    @Test func aValidSubmissionBecomesAFiche() throws {
        let checked = try submission(validJSON).check(against: directory, today: today)
        #expect(checked.id == "lea.martin")
        #expect(checked.referent == "jeanne.dupont")
        #expect(checked.email == "lea@example.org")
        #expect(checked.fiche.domaine == .developpement)
        #expect(checked.fiche.missions == [NewMission(start: FicheDate(year: 2026, month: 12, day: 7)!, end: FicheDate(year: 2027, month: 6, day: 30)!,
                                                      status: .independent, employer: "Octo", startups: ["aides-jeunes", "e-inspé"])])
        #expect(checked.startups == ["aides-jeunes", "e-inspé"])
    }

    @Test func firstAndLastNameMakeTheID() throws {
        let json = replacing("fullname", with: "\"Camille Dupont-Léger\"").replacingOccurrences(of: "\"role\"", with: "\"firstname\": \"Camille\", \"lastname\": \"Dupont Léger\", \"role\"")
        #expect(try submission(json).check(against: directory, today: today).id == "camille.dupont_leger")
    }

    @Test func aTakenIDSaysWhoseItIsAndHowToChooseAnother() throws {
        let found = try problems(replacing("fullname", with: "\"Camille Dupont-Léger\""))
        let message = try #require(found["fullname"])
        #expect(message.contains("camille.dupont-leger est déjà pris par la fiche de Camille Dupont-Léger"))
        #expect(message.contains("firstname et lastname"))
        #expect(message.contains("camille_x.dupont-leger"))
    }

    @Test func everyProblemIsNamedOnItsField() throws {
        let json = """
        {"fullname": "Mononyme", "role": "", "domaine": "Cuisine", "missions": [{"start": "2027-06-30", "end": "2027-01-01", "status": "salarié", "startups": ["inconnue", "aides-jeunes", "aides-jeunes"]}, {"start": "2026-02-30", "end": "demain", "status": "admin"}],
         "github": "-bad-", "memberType": "stagiaire", "link": "javascript:alert(1)", "referent": "paul.ancien", "email": "pas une adresse", "mision": 1}
        """
        let found = try problems(json)
        #expect(found["fullname"]?.contains("prénom et le nom") == true)
        #expect(found["role"] == "à renseigner")
        #expect(found["domaine"]?.contains("Développement") == true)
        #expect(found["missions[0].end"]?.contains("après le début") == true)
        #expect(found["missions[0].status"] != nil)
        #expect(found["missions[0].startups[0]"]?.contains("inconnue") == true)
        #expect(found["missions[0].startups[2]"]?.contains("déjà dans la liste") == true)
        #expect(found["missions[1].start"]?.contains("AAAA-MM-JJ") == true)
        #expect(found["missions[1].end"] != nil)
        #expect(found["github"]?.contains("n'est pas un identifiant GitHub") == true)
        #expect(found["memberType"] != nil)
        #expect(found["link"]?.contains("https://") == true)
        #expect(found["referent"]?.contains("n'a plus de mission en cours") == true)
        #expect(found["email"] != nil)
        #expect(found["mision"]?.contains("champ inconnu") == true)
    }

    @Test func wrongTypesAreProblemsNotCrashes() throws {
        let found = try problems(#"{"fullname": 12, "missions": "toujours", "competences": [1, 2], "referent": null, "email": ["a"]}"#)
        #expect(found["fullname"] == "doit être du texte")
        #expect(found["missions"] == "doit être une liste d'objets")
        #expect(found["competences"] == "doit être une liste de textes")
        #expect(found["referent"] == "à renseigner")
        #expect(found["email"] == "doit être du texte")
        #expect(throws: SubmissionRefused.self) { try MemberSubmission.decode(json: Array("[1]".utf8)) }
        #expect(throws: SubmissionRefused.self) { try MemberSubmission.decode(json: Array("{".utf8)) }
    }

    @Test func hostileFieldsAreRefused() throws {
        #expect(try problems(replacing("role", with: "\"Dev\\nadmin: true\""))["role"]?.contains("une seule ligne") == true)
        #expect(try problems(replacing("role", with: "\"Dev\\u0000\""))["role"] != nil)
        #expect(try problems(replacing("role", with: "\"Dev\\u202Eeb\""))["role"] != nil)
        #expect(try problems(replacing("role", with: "\"<script>alert(1)</script>\""))["role"]?.contains("sans balise HTML") == true)
        #expect(try problems(replacing("fullname", with: "\"Léa <img src=x onerror=alert(1)> Martin\""))["fullname"]?.contains("sans balise HTML") == true)
        #expect(try problems(replacing("role", with: "\"\(String(repeating: "a", count: 101))\""))["role"]?.contains("100 caractères au plus") == true)
        #expect(try problems(replacing("referent", with: "\"../jeanne.dupont\""))["referent"]?.contains("aucun membre") == true)
        #expect(try problems(replacing("github", with: "\"jeanne-dupont\""))["github"]?.contains("jeanne.dupont") == true)
        // 10 MB in a field: refused before anything reads it.
        let huge = replacing("description", with: "\"\(String(repeating: "x", count: 10 << 20))\"")
        #expect(throws: SubmissionRefused.self) { try MemberSubmission.decode(json: Array(huge.utf8)) }
        #expect(try problems(replacing("description", with: "\"\(String(repeating: "x", count: 10_001))\""))["description"] != nil)
    }

    @Test func pathsInTheNameNeverReachTheID() throws {
        let checked = try submission(replacing("fullname", with: "\"Léa ../../Martin\"")).check(against: directory, today: today)
        #expect(checked.id == "lea.martin")
        #expect(checked.fiche.path == "content/_authors/lea.martin.md")
    }

    @Test func htmlInTheDescriptionIsInert() throws {
        let checked = try submission(replacing("description", with: "\"<script>alert(1)</script>\\r\\nSalut <b>toi</b>\"")).check(against: directory, today: today)
        #expect(checked.fiche.body == "&lt;script>alert(1)&lt;/script>\nSalut &lt;b>toi&lt;/b>")
    }

    @Test func aMissionAlreadyOverOrAbsurdlyFarIsRefused() throws {
        let past = replacing("missions", with: #"[{"start": "2024-01-01", "end": "2025-01-01", "status": "admin"}]"#)
        #expect(try problems(past)["missions[0].end"]?.contains("déjà terminée") == true)
        let far = replacing("missions", with: #"[{"start": "2027-01-01", "end": "2207-01-01", "status": "admin"}]"#)
        #expect(try problems(far)["missions[0].end"]?.contains("plus de 10 ans") == true)
        #expect(try problems(replacing("missions", with: "[]"))["missions"] != nil)
    }
}
