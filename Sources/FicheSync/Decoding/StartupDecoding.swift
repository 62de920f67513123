extension FieldDecoder {
    /// FICHES.md rule 5, the parts that need no other file.
    mutating func startup(id: String, _ root: YAMLNode) -> StartupFiche {
        var title: String?, mission: String?, incubator: Located<String>?, contact: String?
        var link: String?, repository: String?, accessibilityStatus: String?
        var sponsors: [Located<String>] = [], incubators: [Located<String>] = []
        var phases: [Phase] = [], events: [StartupEvent] = []
        var stats: Bool?, fast: FastFunding?
        var techno: [String] = [], usertypes: [String] = [], thematiques: [String] = []
        var extra: [String: YAMLValue] = [:]
        var seen = RequiredKeys()

        for (key, _, value) in pairs(of: root, field: "front matter") ?? [] {
            switch key {
            case "title": seen.insert(0); title = requiredString(value, key)
            case "mission": seen.insert(1); mission = requiredString(value, key)
            case "contact": seen.insert(3); contact = requiredString(value, key)
            case "incubator":
                seen.insert(2)
                incubator = requiredString(value, key).map { Located($0, at: position(of: value)) }
            case "link": link = text(value, key)
            case "repository": repository = text(value, key)
            case "accessibility_status": accessibilityStatus = text(value, key)
            case "dashlord_url", "stats_url", "budget_url":
                if text(value, key) != nil || value.scalar?.value == .null { extra[key] = value.value }
            case "sponsors":
                let list = textList(value, key) ?? []
                // Not a CI rule for sponsors (it is for `incubators`): worth a look, no more.
                reportDuplicates(list, key, severity: .warning)
                sponsors = list.compactMap { reference($0, prefix: "/organisations/", field: key, rule: .unknownOrganisation) }
            case "incubators":
                incubators = textList(value, key) ?? []
                reportDuplicates(incubators, key)
            case "phases":
                for (index, item) in (items(value, key) ?? []).enumerated() {
                    if let phase = phase(item, "phases[\(index)]") { phases.append(phase) }
                }
                reportDuplicates(phases.map { Located($0.name, at: $0.position) }, "phases")
            case "events":
                for (index, item) in (items(value, key) ?? []).enumerated() {
                    if let event = event(item, "events[\(index)]") { events.append(event) }
                }
            case "fast":
                fast = fastFunding(value, key)
            case "stats": stats = bool(value, key)
            case "analyse_risques", "mon_service_securise":
                if bool(value, key) != nil { extra[key] = value.value }
            case "techno": techno = textList(value, key)?.map(\.value) ?? []
            case "usertypes": usertypes = textList(value, key)?.map(\.value) ?? []
            case "thematiques": thematiques = textList(value, key)?.map(\.value) ?? []
            case "redirect_from":
                if textList(value, key) != nil { extra[key] = value.value }
            default:
                extra[key] = value.value
            }
        }
        if !seen.containsAll(4) {
            for (bit, required) in ["title", "mission", "incubator", "contact"].enumerated() where !seen.contains(bit) {
                report(.requiredKey, at: root, "`\(required)` is missing: every startup fiche needs it")
            }
        }
        return StartupFiche(
            id: id, title: title ?? "", mission: mission ?? "", incubator: incubator ?? Located("", at: position(of: root)),
            contact: contact ?? "", link: link, repository: repository, sponsors: sponsors, incubators: incubators,
            phases: phases, events: events, stats: stats, techno: techno, usertypes: usertypes,
            thematiques: thematiques, fast: fast, accessibilityStatus: accessibilityStatus, extra: extra
        )
    }

    private mutating func phase(_ node: YAMLNode, _ field: @autoclosure () -> String) -> Phase? {
        guard let pairs = pairs(of: node, field: field()) else { return nil }
        var name: String?, start: FicheDate?, end: FicheDate?, comment: String?
        var endNode: YAMLNode?
        var seen = RequiredKeys()
        for (key, _, value) in pairs {
            switch key {
            case "name": seen.insert(0); name = requiredString(value, "\(field()).name")
            case "start": seen.insert(1); start = date(value, "\(field()).start")
            case "end":
                if value.scalar?.value != .null { end = date(value, "\(field()).end"); endNode = value }
            case "comment": comment = lenientText(value)
            default: break
            }
        }
        if !seen.containsAll(2) {
            for (bit, required) in ["name", "start"].enumerated() where !seen.contains(bit) {
                report(.requiredKey, at: node, "`\(field()).\(required)` is missing: every phase has a name and a start")
            }
        }
        if let start, let end, let endNode, end <= start {
            report(.dateOrder, at: endNode, "`\(field()).end` (\(end)) must be after its start (\(start))")
        }
        guard let name, let start else { return nil }
        return Phase(name: name, start: start, end: end, comment: comment, position: position(of: node))
    }

    private mutating func event(_ node: YAMLNode, _ field: @autoclosure () -> String) -> StartupEvent? {
        guard let pairs = pairs(of: node, field: field()) else { return nil }
        var name: String?, date: FicheDate?, comment: String?
        var seen = RequiredKeys()
        for (key, _, value) in pairs {
            switch key {
            case "name": seen.insert(0); name = requiredString(value, "\(field()).name")
            case "date": seen.insert(1); date = self.date(value, "\(field()).date")
            case "comment": comment = lenientText(value)
            default: break
            }
        }
        if !seen.containsAll(2) {
            for (bit, required) in ["name", "date"].enumerated() where !seen.contains(bit) {
                report(.requiredKey, at: node, "`\(field()).\(required)` is missing: every event has a name and a date")
            }
        }
        guard let name, let date else { return nil }
        return StartupEvent(name: name, date: date, comment: comment)
    }

    private mutating func fastFunding(_ node: YAMLNode, _ field: @autoclosure () -> String) -> FastFunding? {
        guard let pairs = pairs(of: node, field: field()) else { return nil }
        var promotion: Double?, montant: Double?
        for (key, _, value) in pairs {
            switch key {
            case "promotion": promotion = number(value, "\(field()).promotion")
            case "montant": montant = number(value, "\(field()).montant")
            default: break
            }
        }
        for (required, value) in [("promotion", promotion), ("montant", montant)] where value == nil
            && !pairs.contains(where: { $0.key == required }) {
            report(.requiredKey, at: node, "`\(field()).\(required)` is missing")
        }
        guard let promotion, let montant else { return nil }
        return FastFunding(promotion: promotion, montant: montant)
    }
}
