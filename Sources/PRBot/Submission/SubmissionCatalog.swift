import FicheSync

/// What a submission is checked against: the members and startups of the synced catalog.
/// A plain value, so the checks need no database (the CLI and the service build it from
/// Postgres or from a ``Catalog``).
public struct SubmissionCatalog: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var fullname: String
        /// The latest mission end; `nil` for a fiche without missions.
        public var endDate: FicheDate?
        public var github: String?

        public init(fullname: String, endDate: FicheDate?, github: String?) {
            self.fullname = fullname
            self.endDate = endDate
            self.github = github
        }

        /// Active on `day` (FICHES.md): some mission ends on or after it.
        public func isActive(on day: FicheDate) -> Bool { endDate.map { $0 >= day } ?? false }
    }

    /// By member id.
    public var members: [String: Member]
    public var startups: Set<String>

    public init(members: [String: Member] = [:], startups: Set<String> = []) {
        self.members = members
        self.startups = startups
    }

    public init(_ catalog: Catalog) {
        var members: [String: Member] = [:]
        for author in catalog.authors {
            members[author.id] = Member(fullname: author.fullname.value, endDate: author.endDate, github: author.github?.value)
        }
        self.init(members: members, startups: Set(catalog.startups.map(\.id)))
    }

    /// The member whose fiche names `login` (GitHub logins are case-insensitive).
    func member(withGitHub login: String) -> String? {
        let wanted = login.lowercased()
        return members.first { $0.value.github?.lowercased() == wanted }?.key
    }
}
