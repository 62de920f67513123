import FicheSync

/// A member fiche about to be written: what a checked ``MemberSubmission`` becomes.
public struct NewAuthorFiche: Sendable, Equatable {
    public var id: String
    public var fullname: String
    public var role: String
    public var domaine: Domaine
    public var github: String?
    public var link: String?
    public var competences: [String]
    public var missions: [NewMission]
    public var memberType: MemberType?
    /// The Markdown body, HTML already neutralised.
    public var body: String

    public var path: String { FicheLocation(kind: .author, id: id).path }

    public init(id: String, fullname: String, role: String, domaine: Domaine, github: String? = nil, link: String? = nil,
                competences: [String] = [], missions: [NewMission], memberType: MemberType? = nil, body: String = "") {
        self.id = id
        self.fullname = fullname
        self.role = role
        self.domaine = domaine
        self.github = github
        self.link = link
        self.competences = competences
        self.missions = missions
        self.memberType = memberType
        self.body = body
    }
}

/// A mission as the bot writes it (a new recruit's, or one added to an existing fiche).
public struct NewMission: Sendable, Equatable, Codable {
    public var start: FicheDate
    public var end: FicheDate
    public var status: MissionStatus
    public var employer: String?
    public var startups: [String]

    public init(start: FicheDate, end: FicheDate, status: MissionStatus, employer: String? = nil, startups: [String] = []) {
        self.start = start
        self.end = end
        self.status = status
        self.employer = employer
        self.startups = startups
    }
}

/// A mission's `status`: how the member is paid (FICHES.md).
public enum MissionStatus: String, Sendable, CaseIterable, Codable {
    case independent, admin, service
}
