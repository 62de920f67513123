import Foundation
import Logging
import PostgresNIO

/// What a sync will write: the rows of the fiches to (re)load, the fiches to delete first,
/// and the diagnostics of everything that had to be validated.
///
/// Made before the sync's transaction opens, its git reads and decoding on
/// ``BlockingWork``'s threads: a transaction is never held open while git is read.
struct SyncPlan: Sendable {
    var replaceAll: Bool
    var deletions: Set<FicheLocation> = []
    var rows = CatalogRows()
    var diagnostics: [Diagnostic] = []
    var report: SyncReport

    /// Everything at `commit`, validated as a whole.
    static func full(repositoryPath: String, commit: GitOID, today: FicheDate) async throws -> SyncPlan {
        try await BlockingWork.run {
            let (catalog, _) = try CatalogReader.read(repository: repositoryPath, commit: commit, keepFrontMatter: true)
            var plan = SyncPlan(replaceAll: true, report: SyncReport(commit: commit.description, mode: .full))
            plan.diagnostics = Validator(today: today).validate(catalog)
            for fiche in catalog.allFiches {
                if let frontMatter = catalog.frontMatters[fiche.location] { plan.rows.add(fiche, frontMatter: frontMatter) }
            }
            plan.report.added = catalog.fileCount
            return plan
        }
    }

    /// What the diff between two commits says, before any fiche is decoded.
    private struct Changes: Sendable {
        var plan: SyncPlan
        var blobs: [FicheLocation: GitOID]
        var index: ReferenceIndex
        var unreadable: [UnreadableEntry]
        var toWrite: [FicheLocation] = []
        /// Fiches gone from the commit (not renamed within their kind): their dependents must be re-validated.
        var removed: Set<FicheLocation> = []
    }

    /// Only the files that differ between `old` and `new`.
    ///
    /// Validation covers the changed files, against the ids of every file of `new`, plus
    /// the unchanged files that reference something this commit deletes (found in the
    /// database): `old` was valid, so nothing else can have become invalid.
    static func incremental(repositoryPath: String, from old: GitOID, to new: GitOID, today: FicheDate,
                            connection: PostgresConnection, logger: Logger) async throws -> SyncPlan {
        let changes = try await BlockingWork.run {
            let repository = try GitRepository(at: repositoryPath)
            let entries = try repository.ficheEntries(at: new)
            // As a full sync counts them: every entry with a fiche's name is a file references
            // resolve against, and every unreadable one is an error (changed or not, so the two
            // kinds of sync accept the same commits).
            var changes = Changes(
                plan: SyncPlan(replaceAll: false, report: SyncReport(commit: new.description, mode: .incremental(from: old.description))),
                blobs: Dictionary(entries.filter(\.isReadable).map { ($0.location, $0.blob) }, uniquingKeysWith: { first, _ in first }),
                index: ReferenceIndex(entries.filter(\.nameIsUTF8).map(\.location)),
                unreadable: try entries.compactMap { try repository.unreadableEntry($0) })
            var members = Set<String>()
            for change in try repository.ficheChanges(from: old, to: new) {
                switch change.kind {
                case .added: changes.plan.report.added += 1
                case .modified: changes.plan.report.updated += 1
                case .renamed: changes.plan.report.renamed += 1
                case .deleted: changes.plan.report.removed += 1
                }
                for location in [change.old, change.new].compactMap({ $0 }) where location.kind == .author {
                    members.insert(location.id)
                }
                if let old = change.old { changes.plan.deletions.insert(old) }
                if let new = change.new {
                    changes.plan.deletions.insert(new)
                    changes.toWrite.append(new)
                }
                if let old = change.old, change.new?.id != old.id || change.new?.kind != old.kind,
                   !changes.index.ids(of: old.kind).contains(old.id) {
                    changes.removed.insert(old)
                }
            }
            changes.plan.report.changedMembers = members.sorted()
            return changes
        }
        let dependents = try await Self.dependents(of: changes.removed, connection: connection, logger: logger)
            .filter { !changes.plan.deletions.contains($0) }
        return try await BlockingWork.run {
            var plan = changes.plan
            let repository = try GitRepository(at: repositoryPath)
            var catalog = Catalog()
            catalog.addUnreadable(changes.unreadable)
            for location in changes.toWrite + dependents {
                guard let blob = changes.blobs[location] else { continue }
                let result = try repository.withBlob(blob) { FicheDecoder.decode(location, bytes: $0, keepFrontMatter: true) }
                catalog.add(location, result)
            }
            catalog.sort()
            plan.diagnostics = Validator(today: today).validate(catalog, references: changes.index)
            let writable = Set(changes.toWrite)
            for fiche in catalog.allFiches where writable.contains(fiche.location) {
                if let frontMatter = catalog.frontMatters[fiche.location] { plan.rows.add(fiche, frontMatter: frontMatter) }
            }
            return plan
        }
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
