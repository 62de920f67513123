/// Any fiche, as read from one file.
public enum Fiche: Hashable, Sendable {
    case author(AuthorFiche)
    case startup(StartupFiche)
    case incubator(IncubatorFiche)
    case organisation(OrganisationFiche)
    case team(TeamFiche)

    public var location: FicheLocation {
        switch self {
        case .author(let f): FicheLocation(kind: .author, id: f.id)
        case .startup(let f): FicheLocation(kind: .startup, id: f.id)
        case .incubator(let f): FicheLocation(kind: .incubator, id: f.id)
        case .organisation(let f): FicheLocation(kind: .organisation, id: f.id)
        case .team(let f): FicheLocation(kind: .team, id: f.id)
        }
    }
}
