import Logging
import PostgresNIO

/// Where members' mail is redirected: addresses given to fichesync (`fichesync redirect`),
/// since the fiches hold none. Reconcile reads them with the member records.
public struct RedirectionTargets: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    public func address(of member: String) async throws -> String? {
        let rows = try await connection.query("SELECT address FROM email_redirection_targets WHERE member = \(member)", logger: logger)
        for try await address in rows.decode(String.self) { return address }
        return nil
    }

    public func set(_ address: String, for member: String) async throws {
        try await connection.query("""
            INSERT INTO email_redirection_targets (member, address) VALUES (\(member), \(address))
            ON CONFLICT (member) DO UPDATE SET address = excluded.address, updated_at = now()
            """, logger: logger)
    }

    public func clear(_ member: String) async throws {
        try await connection.query("DELETE FROM email_redirection_targets WHERE member = \(member)", logger: logger)
    }
}
