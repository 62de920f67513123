/// The tables the sync writes, with their columns in `COPY` order, and the rows of a fiche.
///
/// Rows are produced in Postgres's `COPY … FROM STDIN` text format by one function per
/// kind, used by both the full and the incremental sync: the same fiche always becomes the
/// same rows, whichever path wrote it.
public enum CatalogTable: String, CaseIterable, Sendable {
    case organisations, incubators, teams, startups, phases, authors, missions, memberships

    public var columns: [String] {
        switch self {
        case .organisations: ["id", "path", "name", "acronym", "domaine_ministeriel", "type", "front_matter"]
        case .incubators: ["id", "path", "title", "owner_id", "contact", "address", "website", "github", "short_description",
                           "highlighted_startups", "front_matter"]
        case .teams: ["id", "path", "name", "mission", "incubator_id", "front_matter"]
        case .startups: ["id", "path", "title", "mission", "incubator_id", "contact", "link", "repository", "stats",
                         "accessibility_status", "sponsors", "incubators", "techno", "usertypes", "thematiques",
                         "fast_promotion", "fast_montant", "front_matter"]
        case .phases: ["startup_id", "position", "name", "start_date", "end_date", "comment"]
        case .authors: ["id", "path", "fullname", "role", "domaine", "github", "link", "avatar", "member_type", "incubator_id",
                        "badges", "competences", "teams", "previously", "legacy_startups", "end_date", "front_matter"]
        case .missions: ["author_id", "position", "start_date", "end_date", "status", "employer"]
        case .memberships: ["author_id", "mission_position", "startup_id"]
        }
    }

    /// The table holding the fiche itself (children cascade from it).
    public static func main(for kind: FicheKind) -> CatalogTable {
        switch kind {
        case .author: .authors
        case .startup: .startups
        case .incubator: .incubators
        case .organisation: .organisations
        case .team: .teams
        }
    }

    /// Ordering columns for dumps (the primary key).
    public var key: String {
        switch self {
        case .phases: "startup_id, position"
        case .missions: "author_id, position"
        case .memberships: "author_id, mission_position, startup_id"
        default: "id"
        }
    }
}

/// Rows for one fiche, appended to per-table buffers of `COPY` text.
struct CatalogRows: Sendable {
    private(set) var lines: [CatalogTable: String] = [:]
    private(set) var rowCount = 0

    mutating func add(_ fiche: Fiche, frontMatter: YAMLValue) {
        let json = frontMatter.json
        switch fiche {
        case .organisation(let o):
            row(.organisations, [o.id, o.path, o.name, o.acronym, o.domaineMinisteriel, o.type, json])
        case .incubator(let i):
            row(.incubators, [i.id, i.path, i.title, i.owner?.value, i.contact, i.address, i.website, i.github,
                              i.shortDescription, Self.array(i.highlightedStartups), json])
        case .team(let t):
            row(.teams, [t.id, t.path, t.name, t.mission, t.incubator?.value, json])
        case .startup(let s):
            row(.startups, [s.id, s.path, s.title, s.mission, s.incubator.value, s.contact, s.link, s.repository,
                            s.stats.map { $0 ? "t" : "f" }, s.accessibilityStatus, Self.array(s.sponsors.map(\.value)),
                            Self.array(s.incubators.map(\.value)), Self.array(s.techno), Self.array(s.usertypes),
                            Self.array(s.thematiques), s.fast.map { Self.number($0.promotion) }, s.fast.map { Self.number($0.montant) }, json])
            for (position, phase) in s.phases.enumerated() {
                row(.phases, [s.id, String(position), phase.name, phase.start.description, phase.end?.description, phase.comment])
            }
        case .author(let a):
            row(.authors, [a.id, a.path, a.fullname.value, a.role, a.domaine?.rawValue, a.github?.value, a.link, a.avatar,
                           a.memberType?.rawValue, a.incubator, Self.array(a.badges), Self.array(a.competences.map(\.value)),
                           Self.array(a.teams.map(\.value)), Self.array(a.previously.map(\.value)),
                           Self.array(a.startups.map(\.value)), a.endDate?.description, json])
            for (position, mission) in a.missions.enumerated() {
                row(.missions, [a.id, String(position), mission.start.description, mission.end.description, mission.status, mission.employer])
                // A mission naming a startup twice is an error the validator reports; keep one row.
                var seen = Set<String>()
                for startup in mission.startups where seen.insert(startup.value).inserted {
                    row(.memberships, [a.id, String(position), startup.value])
                }
            }
        }
    }

    private mutating func row(_ table: CatalogTable, _ fields: [String?]) {
        var line = ""
        for (index, field) in fields.enumerated() {
            if index > 0 { line += "\t" }
            if let field { Self.escape(field, into: &line) } else { line += "\\N" }
        }
        line += "\n"
        lines[table, default: ""] += line
        rowCount += 1
    }

    /// `COPY` text escaping: backslash, and the characters that delimit fields and rows.
    static func escape(_ text: String, into out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // Postgres text cannot hold U+0000 (YAML's "\0" escape makes one).
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// A `text[]` literal: every element double-quoted, so commas, braces and spaces are safe.
    static func array(_ items: [String]) -> String {
        var out = "{"
        for (index, item) in items.enumerated() {
            if index > 0 { out += "," }
            out += "\""
            for scalar in item.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            out += "\""
        }
        return out + "}"
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }
}
