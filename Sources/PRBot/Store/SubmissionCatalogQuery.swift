import FicheSync
import Logging
import PostgresNIO

extension SubmissionCatalog {
    /// The catalog as last synced: every member (id, name, end date, GitHub login) and every
    /// startup id. `nil` when nothing was ever synced, so the caller can say to run `sync`
    /// rather than refuse every referent as unknown.
    public static func load(from database: Database) async throws -> SubmissionCatalog? {
        let logger = database.logger
        let status = try await DatabaseStatus.read(from: database)
        guard status.synced != nil else { return nil }
        var catalog = SubmissionCatalog()
        let authors = try await database.client.query("SELECT id, fullname, end_date::text, github FROM authors", logger: logger)
        for try await (id, fullname, end, github) in authors.decode((String, String, String?, String?).self) {
            catalog.members[id] = Member(fullname: fullname, endDate: end.flatMap { FicheDate(iso: $0) }, github: github)
        }
        let startups = try await database.client.query("SELECT id FROM startups", logger: logger)
        for try await id in startups.decode(String.self) { catalog.startups.insert(id) }
        return catalog
    }
}
