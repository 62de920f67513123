import FicheSync

/// What account planning needs to know of one member: a value, built from a synced fiche.
public struct MemberRecord: Hashable, Sendable {
    /// `firstname.lastname`: the email local part and the Mattermost username.
    public var id: String
    public var fullname: String
    public var memberType: MemberType?
    /// GitHub login from the fiche, when it is a valid login.
    public var githubLogin: String?
    public var missions: [Span]
    /// Startups of missions not ended on the day planned (for `set-<startup>` lists).
    public var startupsByMission: [[String]]
    /// Where this member's mail is redirected, when someone gave an address (the fiches hold
    /// none): attributaires get a redirection instead of a mailbox, others one on request.
    public var redirectTo: String?

    public struct Span: Hashable, Sendable {
        public var start: FicheDate
        public var end: FicheDate

        public init(start: FicheDate, end: FicheDate) {
            self.start = start
            self.end = end
        }
    }

    public init(id: String, fullname: String, memberType: MemberType? = nil, githubLogin: String? = nil,
                missions: [Span], startupsByMission: [[String]] = [], redirectTo: String? = nil) {
        self.redirectTo = redirectTo
        self.id = id
        self.fullname = fullname
        self.memberType = memberType
        self.githubLogin = githubLogin
        self.missions = missions
        self.startupsByMission = startupsByMission
    }

    public init(author: AuthorFiche) {
        let login = author.github?.value
        self.init(id: author.id, fullname: author.fullname.value.trimmingWhitespace(),
                  memberType: author.memberType,
                  githubLogin: login.flatMap { Validator.isValidGitHubLogin($0) ? $0 : nil },
                  missions: author.missions.map { Span(start: $0.start, end: $0.end) },
                  startupsByMission: author.missions.map { $0.startups.map(\.value) })
    }

    /// The latest mission end (FICHES.md): `nil` without missions.
    public var endDate: FicheDate? { missions.map(\.end).max() }

    /// Startups this member works on on `day`.
    public func activeStartups(on day: FicheDate) -> Set<String> {
        Set(zip(missions, startupsByMission).filter { $0.0.end >= day }.flatMap(\.1))
    }
}

