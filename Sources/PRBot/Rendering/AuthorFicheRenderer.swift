/// Writes a new member fiche as the content repository's fiches look: keys in the order real
/// fiches use, lists indented under their key, dates unquoted, every string through
/// ``ScalarWriter`` (libyaml's emitter) so it reads back exactly as typed.
public enum AuthorFicheRenderer {
    public static func render(_ fiche: NewAuthorFiche) throws(ScalarWriter.Failure) -> String {
        var lines = ["---"]
        lines.append("fullname: \(try ScalarWriter.write(fiche.fullname))")
        lines.append("role: \(try ScalarWriter.write(fiche.role))")
        lines.append("domaine: \(try ScalarWriter.write(fiche.domaine.rawValue))")
        if let github = fiche.github { lines.append("github: \(try ScalarWriter.write(github))") }
        if let link = fiche.link { lines.append("link: \(try ScalarWriter.write(link))") }
        if !fiche.competences.isEmpty {
            lines.append("competences:")
            for competence in fiche.competences { lines.append("  - \(try ScalarWriter.write(competence))") }
        }
        lines.append("missions:")
        for mission in fiche.missions { lines += try missionLines(mission, dashColumn: 2) }
        if let memberType = fiche.memberType { lines.append("memberType: \(memberType.rawValue)") }
        lines.append("---")
        var text = lines.joined(separator: "\n") + "\n"
        if !fiche.body.isEmpty {
            text += fiche.body.hasSuffix("\n") ? fiche.body : fiche.body + "\n"
        }
        return text
    }

    /// The lines of one mission item, its `-` at `dashColumn` (0-based), its keys two columns
    /// further: the layout of the fixtures and of the content repository.
    static func missionLines(_ mission: NewMission, dashColumn: Int) throws(ScalarWriter.Failure) -> [String] {
        let dash = String(repeating: " ", count: dashColumn)
        let key = String(repeating: " ", count: dashColumn + 2)
        var lines = ["\(dash)- start: \(mission.start)", "\(key)end: \(mission.end)", "\(key)status: \(mission.status.rawValue)"]
        if let employer = mission.employer { lines.append("\(key)employer: \(try ScalarWriter.write(employer))") }
        if !mission.startups.isEmpty {
            lines.append("\(key)startups:")
            for startup in mission.startups { lines.append("\(key)  - \(try ScalarWriter.write(startup))") }
        }
        return lines
    }
}
