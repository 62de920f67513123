import Foundation
import Logging
import PostgresNIO

/// What a sync will write: the rows of the fiches to (re)load, the fiches to delete first,
/// and the diagnostics of everything that had to be validated.
struct SyncPlan {
    var replaceAll: Bool
    var deletions: Set<FicheLocation> = []
    var rows = CatalogRows()
    var diagnostics: [Diagnostic] = []
    var report: SyncReport

    /// Everything at `commit`, validated as a whole.
    static func full(repositoryPath: String, commit: GitOID, today: FicheDate) throws -> SyncPlan {
        let (catalog, _) = try CatalogReader.read(repository: repositoryPath, commit: commit, keepFrontMatter: true)
        var plan = SyncPlan(replaceAll: true, report: SyncReport(commit: commit.description, mode: .full))
        plan.diagnostics = Validator(today: today).validate(catalog)
        for fiche in catalog.allFiches {
            if let frontMatter = catalog.frontMatters[fiche.location] { plan.rows.add(fiche, frontMatter: frontMatter) }
        }
        plan.report.added = catalog.fileCount
        return plan
    }

    /// Only the files that differ between `old` and `new`.
    ///
    /// Validation covers the changed files, against the ids of every file of `new`, plus
    /// the unchanged files that reference something this commit deletes (found in the
    /// database): `old` was valid, so nothing else can have become invalid.
    static func incremental(repository: GitRepository, from old: GitOID, to new: GitOID, today: FicheDate,
                            connection: PostgresConnection, logger: Logger) async throws -> SyncPlan {
        let changes = try repository.ficheChanges(from: old, to: new)
        var plan = SyncPlan(replaceAll: false, report: SyncReport(commit: new.description, mode: .incremental(from: old.description)))
        let entries = try repository.ficheEntries(at: new)
        let blobs = Dictionary(entries.filter(\.isReadable).map { ($0.location, $0.blob) }, uniquingKeysWith: { first, _ in first })
        // As a full sync counts them: every entry with a fiche's name is a file references
        // resolve against, and every unreadable one is an error (changed or not, so the two
        // kinds of sync accept the same commits).
        let unreadable = try entries.compactMap { try repository.unreadableEntry($0) }
        let index = ReferenceIndex(entries.filter(\.nameIsUTF8).map(\.location))

        var toWrite: [FicheLocation] = []
        var removed: Set<FicheLocation> = []
        for change in changes {
            switch change.kind {
            case .added: plan.report.added += 1
            case .modified: plan.report.updated += 1
            case .renamed: plan.report.renamed += 1
            case .deleted: plan.report.removed += 1
            }
            if let old = change.old { plan.deletions.insert(old) }
            if let new = change.new {
                plan.deletions.insert(new)
                toWrite.append(new)
            }
            if let old = change.old, change.new?.id != old.id || change.new?.kind != old.kind, !index.ids(of: old.kind).contains(old.id) {
                removed.insert(old)
            }
        }
        let dependents = try await Self.dependents(of: removed, connection: connection, logger: logger)
            .filter { !plan.deletions.contains($0) }

        var catalog = Catalog()
        catalog.addUnreadable(unreadable)
        for location in toWrite + dependents {
            guard let blob = blobs[location] else { continue }
            let result = try repository.withBlob(blob) { FicheDecoder.decode(location, bytes: $0, keepFrontMatter: true) }
            catalog.add(location, result)
        }
        catalog.sort()
        plan.diagnostics = Validator(today: today).validate(catalog, references: index)
        let writable = Set(toWrite)
        for fiche in catalog.allFiches where writable.contains(fiche.location) {
            if let frontMatter = catalog.frontMatters[fiche.location] { plan.rows.add(fiche, frontMatter: frontMatter) }
        }
        return plan
    }

    /// Unchanged fiches that reference one of `removed`: members of a deleted startup,
    /// startups sponsored by a deleted organisation or co-incubated by a deleted incubator.
    ///
    /// Ids are compared in Unicode normal form C on both sides: the validator (Swift strings)
    /// sees `e-inspé` typed with a combining accent as the same id as the file's, so the
    /// database must too, or an incremental sync could accept what a full one refuses.
    private static func dependents(of removed: Set<FicheLocation>, connection: PostgresConnection,
                                   logger: Logger) async throws -> [FicheLocation] {
        func ids(_ kind: FicheKind) -> [String] {
            removed.filter { $0.kind == kind }.map(\.id.precomposedStringWithCanonicalMapping)
        }
        let startups = ids(.startup), organisations = ids(.organisation), incubators = ids(.incubator)
        var found: [FicheLocation] = []
        if !startups.isEmpty {
            let rows = try await connection.query("""
                SELECT a.id FROM authors a
                WHERE EXISTS (SELECT 1 FROM unnest(a.previously || a.legacy_startups) s WHERE normalize(s, NFC) = ANY(\(startups)))
                UNION SELECT m.author_id FROM memberships m WHERE normalize(m.startup_id, NFC) = ANY(\(startups))
                """, logger: logger)
            for try await id in rows.decode(String.self) { found.append(FicheLocation(kind: .author, id: id)) }
        }
        if !organisations.isEmpty || !incubators.isEmpty {
            let rows = try await connection.query("""
                SELECT s.id FROM startups s
                WHERE EXISTS (SELECT 1 FROM unnest(s.sponsors) o WHERE normalize(o, NFC) = ANY(\(organisations)))
                   OR EXISTS (SELECT 1 FROM unnest(s.incubators) i WHERE normalize(i, NFC) = ANY(\(incubators)))
                """, logger: logger)
            for try await id in rows.decode(String.self) { found.append(FicheLocation(kind: .startup, id: id)) }
        }
        return found
    }
}

extension Catalog {
    /// Every readable fiche, authors first.
    public var allFiches: [Fiche] {
        authors.map(Fiche.author) + startups.map(Fiche.startup) + incubators.map(Fiche.incubator)
            + organisations.map(Fiche.organisation) + teams.map(Fiche.team)
    }
}
