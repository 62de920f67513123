/// An incubator, from `content/_incubators/<id>.md`. Not checked by the repository's CI:
/// problems here are warnings.
public struct IncubatorFiche: Hashable, Sendable {
    public var id: String
    public var title: String?
    /// Organisation id from `/organisations/<id>`; `nil` when absent or empty (`owner: ''`).
    public var owner: Located<String>?
    public var contact: String?
    public var address: String?
    public var website: String?
    public var github: String?
    public var highlightedStartups: [String]
    public var shortDescription: String?
    public var extra: [String: YAMLValue]

    public var path: String { FicheLocation(kind: .incubator, id: id).path }

    public init(id: String, title: String? = nil, owner: Located<String>? = nil, contact: String? = nil,
                address: String? = nil, website: String? = nil, github: String? = nil,
                highlightedStartups: [String] = [], shortDescription: String? = nil, extra: [String: YAMLValue] = [:]) {
        self.id = id
        self.title = title
        self.owner = owner
        self.contact = contact
        self.address = address
        self.website = website
        self.github = github
        self.highlightedStartups = highlightedStartups
        self.shortDescription = shortDescription
        self.extra = extra
    }
}

/// A sponsoring organisation, from `content/_organisations/<id>.md`.
public struct OrganisationFiche: Hashable, Sendable {
    public var id: String
    public var name: String?
    public var acronym: String?
    public var domaineMinisteriel: String?
    public var type: String?
    public var extra: [String: YAMLValue]

    public var path: String { FicheLocation(kind: .organisation, id: id).path }

    public init(id: String, name: String? = nil, acronym: String? = nil, domaineMinisteriel: String? = nil,
                type: String? = nil, extra: [String: YAMLValue] = [:]) {
        self.id = id
        self.name = name
        self.acronym = acronym
        self.domaineMinisteriel = domaineMinisteriel
        self.type = type
        self.extra = extra
    }
}

/// A transverse team, from `content/_teams/<id>.md`.
public struct TeamFiche: Hashable, Sendable {
    public var id: String
    public var name: String?
    public var mission: String?
    public var incubator: Located<String>?
    public var extra: [String: YAMLValue]

    public var path: String { FicheLocation(kind: .team, id: id).path }

    public init(id: String, name: String? = nil, mission: String? = nil, incubator: Located<String>? = nil,
                extra: [String: YAMLValue] = [:]) {
        self.id = id
        self.name = name
        self.mission = mission
        self.incubator = incubator
        self.extra = extra
    }
}
