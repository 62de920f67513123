/// Every fiche of one revision of the content repository, typed, plus the problems found
/// while reading each file on its own. A plain value: the ``Validator``, the sync and the
/// account planner take it without touching git or the disk.
public struct Catalog: Sendable, Equatable {
    /// Every fiche file found, readable or not (sorted): references resolve against files,
    /// as the repository's CI does, even when the file named has problems of its own.
    public var locations: [FicheLocation]
    public var authors: [AuthorFiche]
    public var startups: [StartupFiche]
    public var incubators: [IncubatorFiche]
    public var organisations: [OrganisationFiche]
    public var teams: [TeamFiche]
    /// Problems of single files (parse, keys, types); sorted.
    public var fileDiagnostics: [Diagnostic]
    /// Each readable fiche's whole front matter, when the reader was asked to keep it.
    public var frontMatters: [FicheLocation: YAMLValue] = [:]

    public init(locations: [FicheLocation] = [], authors: [AuthorFiche] = [], startups: [StartupFiche] = [],
                incubators: [IncubatorFiche] = [], organisations: [OrganisationFiche] = [], teams: [TeamFiche] = [],
                fileDiagnostics: [Diagnostic] = []) {
        self.locations = locations
        self.authors = authors
        self.startups = startups
        self.incubators = incubators
        self.organisations = organisations
        self.teams = teams
        self.fileDiagnostics = fileDiagnostics
    }

    /// Assembles decoded files, in any order, into a catalog with a stable order.
    public init(decoded: some Sequence<(FicheLocation, FicheDecoder.Result)>) {
        self.init()
        for (location, result) in decoded { add(location, result) }
        sort()
    }

    /// Adds one decoded file; call ``sort()`` once all are in.
    public mutating func add(_ location: FicheLocation, _ result: FicheDecoder.Result) {
        locations.append(location)
        fileDiagnostics.append(contentsOf: result.diagnostics)
        if let frontMatter = result.frontMatter { frontMatters[location] = frontMatter }
        switch result.fiche {
        case .author(let f)?: authors.append(f)
        case .startup(let f)?: startups.append(f)
        case .incubator(let f)?: incubators.append(f)
        case .organisation(let f)?: organisations.append(f)
        case .team(let f)?: teams.append(f)
        case nil: break
        }
    }

    /// Moves another partial catalog's fiches into this one (parallel readers build one each).
    public mutating func merge(_ other: consuming Catalog) {
        locations += other.locations
        authors += other.authors
        startups += other.startups
        incubators += other.incubators
        organisations += other.organisations
        teams += other.teams
        fileDiagnostics += other.fileDiagnostics
        frontMatters.merge(other.frontMatters) { first, _ in first }
    }

    /// Puts every list in its stable order (by id; diagnostics by file and position).
    public mutating func sort() {
        locations.sort()
        authors.sort { $0.id < $1.id }
        startups.sort { $0.id < $1.id }
        incubators.sort { $0.id < $1.id }
        organisations.sort { $0.id < $1.id }
        teams.sort { $0.id < $1.id }
        fileDiagnostics.sort()
    }

    public var fileCount: Int { locations.count }
}
