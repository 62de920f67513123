/// The ids of every fiche file of a commit, by kind: what references resolve against.
public struct ReferenceIndex: Sendable, Equatable {
    private var idsByKind: [FicheKind: Set<String>] = [:]

    public init(_ locations: some Sequence<FicheLocation>) {
        for location in locations { idsByKind[location.kind, default: []].insert(location.id) }
    }

    public func ids(of kind: FicheKind) -> Set<String> { idsByKind[kind] ?? [] }
}
