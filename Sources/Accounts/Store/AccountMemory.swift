import FicheSync
import Logging
import PostgresNIO
import Providers

/// What fichesync remembers about provider accounts that the providers cannot tell it:
/// members' GitHub identities (immutable ids) and the invitations it sent.
public struct AccountMemory: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// GitHub identities by member id.
    public func githubIdentities() async throws -> [String: GitHubIdentity] {
        let rows = try await connection.query("SELECT member, github_id, fiche_login, github_login FROM github_identities", logger: logger)
        var identities: [String: GitHubIdentity] = [:]
        for try await (member, id, ficheLogin, githubLogin) in rows.decode((String, Int64, String, String).self) {
            identities[member] = GitHubIdentity(member: member, id: Int(id), ficheLogin: ficheLogin, githubLogin: githubLogin)
        }
        return identities
    }

    public func remember(_ identities: [GitHubIdentity]) async throws {
        for identity in identities {
            try await connection.query("""
                INSERT INTO github_identities (member, github_id, fiche_login, github_login)
                VALUES (\(identity.member), \(Int64(identity.id)), \(identity.ficheLogin), \(identity.githubLogin))
                ON CONFLICT (member) DO UPDATE SET github_id = excluded.github_id, fiche_login = excluded.fiche_login,
                    github_login = excluded.github_login, updated_at = now()
                """, logger: logger)
        }
    }

    /// OVH redirections read by earlier runs in the last week, by id.
    public func ovhRedirections() async throws -> [String: OVHClient.Redirection] {
        let rows = try await connection.query("""
            SELECT id, from_address, to_address FROM ovh_redirections WHERE read_at > now() - interval '7 days'
            """, logger: logger)
        var redirections: [String: OVHClient.Redirection] = [:]
        for try await (id, from, to) in rows.decode((String, String, String).self) { redirections[id] = OVHClient.Redirection(id: id, from: from, to: to) }
        return redirections
    }

    /// Forgets redirections OVH no longer lists and remembers those read for the first time.
    public func updateOVHRedirections(listed: [String], new: [String: OVHClient.Redirection]) async throws {
        try await connection.query("DELETE FROM ovh_redirections WHERE NOT (id = ANY(\(listed)))", logger: logger)
        for (id, redirection) in new {
            try await connection.query("""
                INSERT INTO ovh_redirections (id, from_address, to_address) VALUES (\(id), \(redirection.from), \(redirection.to))
                ON CONFLICT (id) DO UPDATE SET from_address = excluded.from_address, to_address = excluded.to_address, read_at = now()
                """, logger: logger)
        }
    }

    /// The invitation series fichesync sent for one provider, by target. A series ends when
    /// the account exists or when no active member wants it any more (departure, login
    /// corrected): a member who comes back starts a new one.
    public func invitations(provider: AccountOperation.Provider) async throws -> [String: Invitation] {
        let rows = try await connection.query("""
            SELECT target, first_sent_on::text, last_sent_on::text, sends FROM account_invitations WHERE provider = \(provider.rawValue)
            """, logger: logger)
        var invitations: [String: Invitation] = [:]
        for try await (target, first, last, sends) in rows.decode((String, String, String, Int).self) {
            guard let first = FicheDate(iso: first), let last = FicheDate(iso: last) else { continue }
            invitations[target] = Invitation(sentOn: last, firstSentOn: first, sends: sends)
        }
        return invitations
    }

    /// One more invitation of a series sent on `day`, and the journal entry that sent it
    /// marked done, in one statement. It counts only while the entry is still running, so a
    /// send is never counted twice: not when a run dies between its writes, nor when the
    /// next run settles an invitation the dead one had in flight. `note` stays in the entry's
    /// `last_error` (an invitation counted as sent though its outcome is unknown).
    public func rememberInvitation(provider: AccountOperation.Provider, target: String, member: String?, on day: FicheDate,
                                   settling journalID: Int64, note: String? = nil) async throws {
        let date = day.description
        try await connection.query("""
            WITH settled AS (
                UPDATE account_operations SET status = 'done', last_error = \(note), updated_at = now(), finished_at = now()
                WHERE id = \(journalID) AND status = 'running' RETURNING id)
            INSERT INTO account_invitations (provider, target, member, first_sent_on, last_sent_on, sends)
            SELECT \(provider.rawValue), \(target), \(member), \(date)::date, \(date)::date, 1
            WHERE EXISTS (SELECT 1 FROM settled)
            ON CONFLICT (provider, target) DO UPDATE SET last_sent_on = excluded.last_sent_on,
                sends = account_invitations.sends + 1, member = excluded.member
            """, logger: logger)
    }

    /// Ends series (their account exists, or nobody active wants them): a later invitation
    /// starts a new one.
    public func forgetInvitations(provider: AccountOperation.Provider, targets: some Collection<String>) async throws {
        guard !targets.isEmpty else { return }
        let list = Array(targets)
        try await connection.query("""
            DELETE FROM account_invitations WHERE provider = \(provider.rawValue) AND target = ANY(\(list))
            """, logger: logger)
    }
}
