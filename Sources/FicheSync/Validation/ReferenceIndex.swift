/// The ids of every fiche file of a commit, by kind: what references resolve against.
public struct ReferenceIndex: Sendable, Equatable {
    private var idsByKind: [FicheKind: Set<String>] = [:]

    public init(_ locations: some Sequence<FicheLocation>) {
        // Listed first, then each set made at its size: inserting into growing sets rehashed
        // the thousands of author ids several times over.
        var listed: [FicheKind: [String]] = [:]
        for location in locations { listed[location.kind, default: []].append(location.id) }
        idsByKind = listed.mapValues { Set($0) }
    }

    public func ids(of kind: FicheKind) -> Set<String> { idsByKind[kind] ?? [] }
}
