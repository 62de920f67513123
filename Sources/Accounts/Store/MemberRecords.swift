import FicheSync
import Logging
import PostgresNIO

extension MemberRecord {
    /// Every member of the synced database, as planning needs them; or only `member` (the
    /// member's page explains their accounts from the same record the planner reads).
    public static func load(member: String? = nil, from connection: PostgresConnection, logger: Logger) async throws -> [MemberRecord] {
        var members: [String: MemberRecord] = [:]
        let authors = try await connection.query("""
            SELECT a.id, a.fullname, a.member_type, a.github, r.address
            FROM authors a LEFT JOIN email_redirection_targets r ON r.member = a.id
            WHERE \(member)::text IS NULL OR a.id = \(member)
            """, logger: logger)
        for try await (id, fullname, memberType, github, redirectTo) in authors.decode((String, String, String?, String?, String?).self) {
            members[id] = MemberRecord(id: id, fullname: fullname, memberType: memberType.flatMap(MemberType.init(rawValue:)),
                                       githubLogin: github.flatMap { Validator.isValidGitHubLogin($0) ? $0 : nil }, missions: [],
                                       redirectTo: redirectTo)
        }
        let missions = try await connection.query("""
            SELECT m.author_id, m.start_date::text, m.end_date::text,
                   coalesce((SELECT array_agg(s.startup_id ORDER BY s.startup_id) FROM memberships s
                             WHERE s.author_id = m.author_id AND s.mission_position = m.position), '{}')
            FROM missions m WHERE \(member)::text IS NULL OR m.author_id = \(member) ORDER BY m.author_id, m.position
            """, logger: logger)
        for try await (id, start, end, startups) in missions.decode((String, String, String, [String]).self) {
            guard let start = FicheDate(iso: start), let end = FicheDate(iso: end) else { continue }
            members[id]?.missions.append(Span(start: start, end: end))
            members[id]?.startupsByMission.append(startups)
        }
        return members.values.sorted { $0.id < $1.id }
    }
}
