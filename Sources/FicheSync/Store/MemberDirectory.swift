import Logging
import PostgresNIO

/// Read-only questions about members, answered from the synced database.
public struct MemberDirectory: Sendable {
    public struct Summary: Sendable, Equatable, Codable {
        public var id: String
        public var fullname: String
        public var role: String
        public var domaine: String?
        public var state: MemberState
        public var endDate: FicheDate?
        /// Startups named by the member's missions.
        public var startups: [String]
    }

    public struct MissionLine: Sendable, Equatable, Codable {
        public var start: FicheDate
        public var end: FicheDate
        public var status: String
        public var employer: String?
        public var startups: [String]
    }

    public struct Detail: Sendable, Equatable, Codable {
        public var summary: Summary
        public var github: String?
        public var memberType: String?
        public var missions: [MissionLine]
    }

    public enum Filter: Sendable, Equatable {
        case all, active, expired
    }

    let connection: PostgresConnection
    let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Whether the synced fiches have an author `id`.
    public func exists(_ id: String) async throws -> Bool {
        let rows = try await connection.query("SELECT 1 FROM authors WHERE id = \(id)", logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// Members, by id. `active` includes arriving recruits (their accounts must be ready).
    public func members(_ filter: Filter = .all, startup: String? = nil, today: FicheDate) async throws -> [Summary] {
        let rows = try await connection.query("""
            SELECT a.id, a.fullname, a.role, a.domaine, a.end_date::text,
                   (SELECT min(m.start_date)::text FROM missions m WHERE m.author_id = a.id),
                   coalesce((SELECT array_agg(DISTINCT s.startup_id ORDER BY s.startup_id) FROM memberships s WHERE s.author_id = a.id), '{}')
            FROM authors a
            WHERE (\(startup)::text IS NULL
                   OR EXISTS (SELECT 1 FROM memberships s WHERE s.author_id = a.id AND s.startup_id = \(startup))
                   OR \(startup) = ANY(a.legacy_startups))
            ORDER BY a.id
            """, logger: logger)
        var out: [Summary] = []
        for try await (id, fullname, role, domaine, end, start, startups) in rows.decode((String, String, String, String?, String?, String?, [String]).self) {
            let endDate = end.flatMap { FicheDate(iso: $0) }
            let state = MemberState.of(firstStart: start.flatMap { FicheDate(iso: $0) }, end: endDate, on: today)
            switch filter {
            case .active where !state.isActive: continue
            case .expired where state.isActive: continue
            default: break
            }
            out.append(Summary(id: id, fullname: fullname, role: role, domaine: domaine, state: state, endDate: endDate, startups: startups))
        }
        return out
    }

    /// One member with their missions, or `nil` when no fiche has this id.
    public func member(_ id: String, today: FicheDate) async throws -> Detail? {
        var found: (Summary, String?, String?)?
        let rows = try await connection.query("""
            SELECT a.fullname, a.role, a.domaine, a.end_date::text, a.github, a.member_type,
                   (SELECT min(m.start_date)::text FROM missions m WHERE m.author_id = a.id)
            FROM authors a WHERE a.id = \(id)
            """, logger: logger)
        for try await (fullname, role, domaine, end, github, memberType, start) in rows.decode((String, String, String?, String?, String?, String?, String?).self) {
            let endDate = end.flatMap { FicheDate(iso: $0) }
            let state = MemberState.of(firstStart: start.flatMap { FicheDate(iso: $0) }, end: endDate, on: today)
            found = (Summary(id: id, fullname: fullname, role: role, domaine: domaine, state: state, endDate: endDate, startups: []), github, memberType)
        }
        guard let (first, github, memberType) = found else { return nil }
        var summary = first
        var missions: [MissionLine] = []
        let missionRows = try await connection.query("""
            SELECT m.start_date::text, m.end_date::text, m.status, m.employer,
                   coalesce((SELECT array_agg(s.startup_id ORDER BY s.startup_id) FROM memberships s
                             WHERE s.author_id = m.author_id AND s.mission_position = m.position), '{}')
            FROM missions m WHERE m.author_id = \(id) ORDER BY m.position
            """, logger: logger)
        for try await (start, end, status, employer, startups) in missionRows.decode((String, String, String, String?, [String]).self) {
            guard let start = FicheDate(iso: start), let end = FicheDate(iso: end) else { continue }
            missions.append(MissionLine(start: start, end: end, status: status, employer: employer, startups: startups))
        }
        summary.startups = Array(Set(missions.flatMap(\.startups))).sorted()
        return Detail(summary: summary, github: github, memberType: memberType, missions: missions)
    }
}
