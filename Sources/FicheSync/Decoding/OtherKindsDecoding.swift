/// Incubators, organisations and teams: the repository's CI does not check them, so every
/// problem here is a warning (the decoder's severity) and unexpected values are kept.
extension FieldDecoder {
    mutating func incubator(id: String, _ root: YAMLNode) -> IncubatorFiche {
        var fiche = IncubatorFiche(id: id)
        for (key, _, value) in pairs(of: root, field: "front matter") ?? [] {
            switch key {
            case "title": fiche.title = keptText(value, key, &fiche.extra)
            case "contact": fiche.contact = keptText(value, key, &fiche.extra)
            case "address": fiche.address = keptText(value, key, &fiche.extra)
            case "website": fiche.website = keptText(value, key, &fiche.extra)
            case "github": fiche.github = keptText(value, key, &fiche.extra)
            case "short_description": fiche.shortDescription = keptText(value, key, &fiche.extra)
            case "owner":
                // `owner: ''` is a known gap of the real data: the Validator warns about it.
                guard let text = keptText(value, key, &fiche.extra) else { break }
                let located = Located(text, at: position(of: value))
                fiche.owner = text.isEmpty ? located
                    : reference(located, prefix: "/organisations/", field: key, rule: .unresolvedOwner)
            case "highlighted_startups":
                if let list = textList(value, key) { fiche.highlightedStartups = list.map(\.value) }
                else { fiche.extra[key] = value.value }
            default: fiche.extra[key] = value.value
            }
        }
        return fiche
    }

    mutating func organisation(id: String, _ root: YAMLNode) -> OrganisationFiche {
        var fiche = OrganisationFiche(id: id)
        for (key, _, value) in pairs(of: root, field: "front matter") ?? [] {
            switch key {
            case "name": fiche.name = keptText(value, key, &fiche.extra)
            case "acronym": fiche.acronym = keptText(value, key, &fiche.extra)
            case "domaine_ministeriel": fiche.domaineMinisteriel = keptText(value, key, &fiche.extra)
            case "type": fiche.type = keptText(value, key, &fiche.extra)
            default: fiche.extra[key] = value.value
            }
        }
        return fiche
    }

    mutating func team(id: String, _ root: YAMLNode) -> TeamFiche {
        var fiche = TeamFiche(id: id)
        for (key, _, value) in pairs(of: root, field: "front matter") ?? [] {
            switch key {
            case "name": fiche.name = keptText(value, key, &fiche.extra)
            case "mission": fiche.mission = keptText(value, key, &fiche.extra)
            case "incubator":
                fiche.incubator = keptText(value, key, &fiche.extra).map { Located($0, at: position(of: value)) }
            default: fiche.extra[key] = value.value
            }
        }
        return fiche
    }

    /// Text, or (with a warning) the value kept in `extra` so nothing is lost.
    private mutating func keptText(_ node: YAMLNode, _ field: String, _ extra: inout [String: YAMLValue]) -> String? {
        if let value = text(node, field) { return value }
        if node.scalar?.value != .null { extra[field] = node.value }
        return nil
    }
}
