/// A community member, from `content/_authors/<id>.md`.
public struct AuthorFiche: Hashable, Sendable {
    /// `firstname.lastname`, the file name without `.md`; also the email local part.
    public var id: String
    public var fullname: Located<String>
    public var role: String
    public var domaine: Domaine?
    /// Missions whose dates could be read; a mission with a broken date is reported and left out.
    public var missions: [Mission]
    /// Legacy top-level `startups` list (startup ids).
    public var startups: [Located<String>]
    /// Legacy `previously` list (startup ids).
    public var previously: [Located<String>]
    public var github: Located<String>?
    public var link: String?
    public var avatar: String?
    public var competences: [Located<String>]
    /// Team ids, from `/teams/<id>` references.
    public var teams: [Located<String>]
    public var memberType: MemberType?
    public var incubator: String?
    public var badges: [String]
    /// Keys fichesync does not model (or whose value it could not read), kept as written.
    public var extra: [String: YAMLValue]

    public var path: String { FicheLocation(kind: .author, id: id).path }

    /// The latest mission end: the member's end date (FICHES.md).
    public var endDate: FicheDate? { missions.map(\.end).max() }

    /// Active on `day` when some mission ends on or after it (a recruit whose first mission
    /// starts later already counts: accounts must be ready on arrival).
    public func isActive(on day: FicheDate) -> Bool { missions.contains { $0.end >= day } }

    public init(id: String, fullname: Located<String>, role: String, domaine: Domaine?, missions: [Mission],
                startups: [Located<String>] = [], previously: [Located<String>] = [], github: Located<String>? = nil,
                link: String? = nil, avatar: String? = nil, competences: [Located<String>] = [],
                teams: [Located<String>] = [], memberType: MemberType? = nil, incubator: String? = nil,
                badges: [String] = [], extra: [String: YAMLValue] = [:]) {
        self.id = id
        self.fullname = fullname
        self.role = role
        self.domaine = domaine
        self.missions = missions
        self.startups = startups
        self.previously = previously
        self.github = github
        self.link = link
        self.avatar = avatar
        self.competences = competences
        self.teams = teams
        self.memberType = memberType
        self.incubator = incubator
        self.badges = badges
        self.extra = extra
    }
}

public struct Mission: Hashable, Sendable {
    public var start: FicheDate
    public var end: FicheDate
    public var status: String
    public var employer: String?
    public var startups: [Located<String>]
    /// Where the mission's item starts, for diagnostics about the mission as a whole.
    public var position: SourcePosition
    public var endPosition: SourcePosition

    public init(start: FicheDate, end: FicheDate, status: String, employer: String? = nil,
                startups: [Located<String>] = [], position: SourcePosition, endPosition: SourcePosition) {
        self.start = start
        self.end = end
        self.status = status
        self.employer = employer
        self.startups = startups
        self.position = position
        self.endPosition = endPosition
    }
}

/// `domaine`: the member's field, a closed list the repository's CI enforces.
public enum Domaine: String, CaseIterable, Hashable, Sendable, Codable {
    case animation = "Animation"
    case coaching = "Coaching"
    case deploiement = "Déploiement"
    case design = "Design"
    case developpement = "Développement"
    case intraprenariat = "Intraprenariat"
    case produit = "Produit"
    case data = "Data"
    case support = "Support"
    case attributaire = "Attributaire"
    case autre = "Autre"

    /// Matches canonically equivalent spellings too (`Déploiement` typed as NFD), as Swift
    /// string comparison does.
    public init?(text: String) {
        guard let match = Domaine.allCases.first(where: { $0.rawValue == text }) else { return nil }
        self = match
    }
}

/// `memberType`: decides between an email account and a redirection (LIFECYCLE.md).
public enum MemberType: String, CaseIterable, Hashable, Sendable, Codable {
    case beta, attributaire, dinum, autre
}
