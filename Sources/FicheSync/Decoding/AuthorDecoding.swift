extension FieldDecoder {
    /// FICHES.md rule 3 (types, enum, dates in order) and the single-file part of rule 4
    /// (no value listed twice).
    mutating func author(id: String, _ root: YAMLNode) -> AuthorFiche {
        var fullname: Located<String>?, role: String?, domaine: Domaine?
        var missions: [Mission] = [], startups: [Located<String>] = [], previously: [Located<String>] = []
        var github: Located<String>?, link: String?, avatar: String?, incubator: String?
        var competences: [Located<String>] = [], teams: [Located<String>] = [], badges: [String] = []
        var memberType: MemberType?
        var extra: [String: YAMLValue] = [:]
        var seen = RequiredKeys()

        for (key, _, value) in pairs(of: root, field: "front matter") ?? [] {
            switch key {
            case "fullname":
                seen.insert(0)
                fullname = requiredText(value, key, at: root).map { Located($0, at: position(of: value)) }
            case "role":
                seen.insert(1)
                role = requiredText(value, key, at: root)
            case "domaine":
                seen.insert(2)
                guard let text = requiredText(value, key, at: root) else { break }
                domaine = Domaine(text: text)
                if domaine == nil {
                    report(.enumValue, at: value, "`domaine` must be one of \(Domaine.allCases.map(\.rawValue).joined(separator: ", ")); found \"\(text)\"")
                }
            case "missions":
                seen.insert(3)
                guard let items = items(value, key) else { break }
                for (index, item) in items.enumerated() {
                    if let mission = mission(item, "missions[\(index)]") { missions.append(mission) }
                }
                if items.isEmpty, case .scalar = value.content {
                    // `missions:` with nothing: the schema wants a list.
                    report(.keyType, at: value, "`missions` must be a list of missions, not empty")
                }
            case "startups":
                startups = textList(value, key) ?? []
                reportDuplicates(startups, key)
            case "previously":
                previously = textList(value, key) ?? []
                reportDuplicates(previously, key)
            case "competences":
                // The CI only forbids duplicates here: read what is text, keep the rest as written.
                if case .sequence(let items) = value.content {
                    competences = items.compactMap { item in lenientText(item).map { Located($0, at: position(of: item)) } }
                    reportDuplicates(competences, key)
                    if competences.count != items.count { extra[key] = value.value }
                } else if value.scalar?.value != .null {
                    extra[key] = value.value
                }
            case "github":
                github = text(value, key).map { Located($0, at: position(of: value)) }
            case "link":
                link = text(value, key)
            case "badges":
                badges = textList(value, key)?.map(\.value) ?? []
            case "teams":
                for team in textList(value, key) ?? [] {
                    // `/teams/<id>`; a bare id is accepted too (and then resolved the same way).
                    let ref = team.value.hasPrefix("/teams/") ? String(team.value.dropFirst("/teams/".count)) : team.value
                    teams.append(Located(ref, at: team.position))
                }
            case "avatar", "incubator", "memberType":
                // Documented but not checked by the repository's CI: read leniently, and keep
                // anything unexpected rather than report it or drop it.
                guard case .scalar(let s) = value.content, case .string(let text) = s.value else {
                    if value.scalar?.value != .null { extra[key] = value.value }
                    break
                }
                switch key {
                case "avatar": avatar = text
                case "incubator": incubator = text
                default:
                    memberType = MemberType(rawValue: text)
                    if memberType == nil { extra[key] = value.value }
                }
            default:
                extra[key] = value.value
            }
        }
        if !seen.containsAll(4) {
            for (bit, required) in ["fullname", "role", "domaine", "missions"].enumerated() where !seen.contains(bit) {
                report(.requiredKey, at: root, "`\(required)` is missing: every member fiche needs it")
            }
        }
        return AuthorFiche(
            id: id, fullname: fullname ?? Located("", at: position(of: root)), role: role ?? "", domaine: domaine,
            missions: missions, startups: startups, previously: previously, github: github, link: link,
            avatar: avatar, competences: competences, teams: teams, memberType: memberType,
            incubator: incubator, badges: badges, extra: extra
        )
    }

    private mutating func mission(_ node: YAMLNode, _ field: @autoclosure () -> String) -> Mission? {
        guard let pairs = pairs(of: node, field: field()) else { return nil }
        var start: FicheDate?, end: FicheDate?, status: String?, employer: String?
        var startups: [Located<String>] = []
        var endPosition = position(of: node)
        var seen = RequiredKeys()
        var broken = false
        for (key, _, value) in pairs {
            switch key {
            case "start":
                seen.insert(0)
                start = date(value, "\(field()).start")
                broken = broken || start == nil
            case "end":
                seen.insert(1)
                end = date(value, "\(field()).end")
                endPosition = position(of: value)
                broken = broken || end == nil
            case "status":
                seen.insert(2)
                status = requiredString(value, "\(field()).status")
            case "employer":
                employer = text(value, "\(field()).employer")
            case "startups":
                startups = textList(value, "\(field()).startups") ?? []
                reportDuplicates(startups, "\(field()).startups")
            default:
                break
            }
        }
        if !seen.containsAll(3) {
            for (bit, required) in ["start", "end", "status"].enumerated() where !seen.contains(bit) {
                report(.requiredKey, at: node, "`\(field()).\(required)` is missing: every mission has a start, an end and a status")
            }
        }
        guard !broken, let start, let end else { return nil }
        if end <= start {
            report(.dateOrder, at: endPosition, "`\(field()).end` (\(end)) must be after its start (\(start))")
        }
        return Mission(start: start, end: end, status: status ?? "", employer: employer, startups: startups,
                       position: position(of: node), endPosition: endPosition)
    }
}
