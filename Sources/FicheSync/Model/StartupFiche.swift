/// A product, from `content/_startups/<id>.md`.
public struct StartupFiche: Hashable, Sendable {
    /// The slug; real ids may hold capitals or accents (`auxAJ`, `e-inspé`).
    public var id: String
    public var title: String
    public var mission: String
    public var incubator: Located<String>
    public var contact: String
    public var link: String?
    public var repository: String?
    /// Organisation ids, from `/organisations/<id>` references.
    public var sponsors: [Located<String>]
    /// Co-incubation: incubator ids, including ``incubator``.
    public var incubators: [Located<String>]
    public var phases: [Phase]
    public var events: [StartupEvent]
    public var stats: Bool?
    public var techno: [String]
    public var usertypes: [String]
    public var thematiques: [String]
    public var fast: FastFunding?
    public var accessibilityStatus: String?
    public var extra: [String: YAMLValue]

    public var path: String { FicheLocation(kind: .startup, id: id).path }

    /// The phase in force on `day`: the latest one started on or before it.
    public func phase(on day: FicheDate) -> Phase? {
        phases.filter { $0.start <= day }.max { $0.start < $1.start }
    }

    public init(id: String, title: String, mission: String, incubator: Located<String>, contact: String,
                link: String? = nil, repository: String? = nil, sponsors: [Located<String>] = [],
                incubators: [Located<String>] = [], phases: [Phase] = [], events: [StartupEvent] = [],
                stats: Bool? = nil, techno: [String] = [], usertypes: [String] = [], thematiques: [String] = [],
                fast: FastFunding? = nil, accessibilityStatus: String? = nil, extra: [String: YAMLValue] = [:]) {
        self.id = id
        self.title = title
        self.mission = mission
        self.incubator = incubator
        self.contact = contact
        self.link = link
        self.repository = repository
        self.sponsors = sponsors
        self.incubators = incubators
        self.phases = phases
        self.events = events
        self.stats = stats
        self.techno = techno
        self.usertypes = usertypes
        self.thematiques = thematiques
        self.fast = fast
        self.accessibilityStatus = accessibilityStatus
        self.extra = extra
    }
}

public struct Phase: Hashable, Sendable {
    public var name: String
    public var start: FicheDate
    public var end: FicheDate?
    public var comment: String?
    public var position: SourcePosition

    public init(name: String, start: FicheDate, end: FicheDate? = nil, comment: String? = nil, position: SourcePosition) {
        self.name = name
        self.start = start
        self.end = end
        self.comment = comment
        self.position = position
    }
}

public struct StartupEvent: Hashable, Sendable {
    public var name: String
    public var date: FicheDate
    public var comment: String?

    public init(name: String, date: FicheDate, comment: String? = nil) {
        self.name = name
        self.date = date
        self.comment = comment
    }
}

/// `fast`: the FAST fund's promotion number and amount.
public struct FastFunding: Hashable, Sendable {
    public var promotion: Double
    public var montant: Double

    public init(promotion: Double, montant: Double) {
        self.promotion = promotion
        self.montant = montant
    }
}
