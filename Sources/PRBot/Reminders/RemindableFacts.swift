import FicheSync
import Foundation
import Logging
import PostgresNIO

extension RemindablePullRequest {
    /// The PR as the reminder schedule sees it, one per member it adds or changes: what the
    /// bot recorded when it opened it (referent, the recruit's address, startups), completed
    /// from the synced catalog for what a hand-made PR cannot say — an existing member's
    /// startups (every one of their current missions) and their incubator's contact.
    ///
    /// A PR that names no member yet (its files were not read) gives none: there is nobody
    /// to remind about.
    public static func of(_ pull: FollowedPullRequest, today: FicheDate, on connection: PostgresConnection,
                          logger: Logger) async throws -> [RemindablePullRequest] {
        let state: State = switch pull.state {
        case .open: pull.draft ? .draft : .open
        case .merged: .merged
        case .closed: .closed
        }
        let kind: Kind = switch pull.kind {
        case .onboarding: .onboarding
        case .update: .update
        case .handMade: .handMade
        }
        var result: [RemindablePullRequest] = []
        for member in pull.members {
            let known = try await CatalogFacts.member(member, today: today, on: connection, logger: logger)
            let startups = pull.startups.isEmpty ? known.startups : pull.startups
            let contact = try await CatalogFacts.incubatorContact(startups: startups, incubator: known.incubator, on: connection, logger: logger)
            result.append(RemindablePullRequest(repository: pull.repository, number: pull.number, url: pull.htmlURL, openedAt: pull.openedAt,
                                                state: state, kind: kind, memberID: member, referentID: pull.referent,
                                                authorEmail: pull.recruitEmail, startupIDs: startups, incubatorContact: contact))
        }
        return result
    }
}

/// What the synced catalog says of a member for their reminders.
enum CatalogFacts {
    struct Member {
        var startups: [String] = []
        var incubator: String?
    }

    /// The startups of the member's missions not yet ended on `today` (all of them when every
    /// mission has ended, as for someone coming back), and their own incubator.
    static func member(_ id: String, today: FicheDate, on connection: PostgresConnection, logger: Logger) async throws -> Member {
        var member = Member()
        for try await incubator in try await connection.query("SELECT incubator_id FROM authors WHERE id = \(id)", logger: logger)
            .decode(String?.self) {
            member.incubator = incubator
        }
        var current: [String] = [], all: [String] = []
        for try await (startup, ended) in try await connection.query("""
            SELECT m.startup_id, bool_and(n.end_date < \(today.description)::date)
            FROM memberships m JOIN missions n ON n.author_id = m.author_id AND n.position = m.mission_position
            WHERE m.author_id = \(id) GROUP BY m.startup_id ORDER BY min(m.mission_position), m.startup_id
            """, logger: logger).decode((String, Bool).self) {
            all.append(startup)
            if !ended { current.append(startup) }
        }
        member.startups = current.isEmpty ? all : current
        return member
    }

    /// The contact of the incubator of the first of `startups` that has one, else of `incubator`.
    static func incubatorContact(startups: [String], incubator: String?, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        var incubators: [String] = []
        for try await id in try await connection.query("""
            SELECT s.incubator_id FROM unnest(\(startups)::text[]) WITH ORDINALITY AS u(id, n) JOIN startups s ON s.id = u.id ORDER BY u.n
            """, logger: logger).decode(String.self) {
            incubators.append(id)
        }
        if let incubator { incubators.append(incubator) }
        guard !incubators.isEmpty else { return nil }
        var contacts: [String: String] = [:]
        for try await (id, contact) in try await connection.query("""
            SELECT id, contact FROM incubators WHERE id = ANY(\(incubators)) AND coalesce(contact, '') <> ''
            """, logger: logger).decode((String, String).self) {
            contacts[id] = contact
        }
        return incubators.lazy.compactMap { contacts[$0] }.first.map { $0.hasPrefix("mailto:") ? String($0.dropFirst(7)) : $0 }
    }
}
