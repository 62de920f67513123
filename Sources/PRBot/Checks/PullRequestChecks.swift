import FicheSync
import Foundation
import Logging
import Providers

/// Positioned checks on a fiche pull request — the bot's or a hand-made one, from any fork:
/// the validator runs on the pull request's head commit, fetched with libgit2 from the
/// upstream's `refs/pull/<n>/head` (objects only: nothing from the pull request is executed),
/// against every fiche of that commit, and its diagnostics on the files the pull request
/// changes become one check run on the head sha, each annotation on its `file:line`.
public struct PullRequestChecks: Sendable {
    /// A client authenticated as the GitHub App (check runs need one).
    public let github: GitHubClient
    public let upstream: RepositoryName
    /// Where the upstream's git objects are fetched from (a URL, or a path in the sandbox).
    public let gitURL: String
    public let cache: RepositoryCache
    public static let name = "fichesync"

    public init(github: GitHubClient, upstream: RepositoryName, gitURL: String, cache: RepositoryCache) {
        self.github = github
        self.upstream = upstream
        self.gitURL = gitURL
        self.cache = cache
    }

    public struct Outcome: Sendable, Equatable {
        public var checkRun: Int
        public var headSHA: String
        public var errors: Int
        public var warnings: Int
        public var annotated: [Diagnostic]
        /// The merge preview comment, when a planner was given, and what it says.
        public var previewComment: Int?
        public var preview: MergePreview?
    }

    /// What merging the head would do to accounts: the members the pull request adds or
    /// changes, planned from the head's fiches against today's accounts (built by the wiring
    /// layer from the reconcile planner).
    public typealias Planner = @Sendable (_ head: Catalog, _ members: [String]) async throws -> [PreviewOperation]

    /// Checks pull request `number` at its current head, on `today` (Europe/Paris).
    public func check(number: Int, today: FicheDate, planner: Planner? = nil, rebuilt: String? = nil) async throws -> Outcome {
        let read = try await read(number: number, today: today)
        let (head, diagnostics) = (read.head, read.diagnostics)
        let errors = diagnostics.count { $0.severity == .error }, warnings = diagnostics.count - errors
        let annotations = diagnostics.map {
            GitHubClient.CheckAnnotation(path: $0.path, line: $0.line, column: $0.column, level: $0.severity == .error ? "failure" : "warning",
                                         message: $0.message, title: $0.rule.rawValue)
        }
        let title = errors == 0 ? (warnings == 0 ? "Fiches valides" : "Fiches valides, \(warnings) avertissement\(warnings > 1 ? "s" : "")")
            : "\(errors) erreur\(errors > 1 ? "s" : "") à corriger\(warnings > 0 ? ", \(warnings) avertissement\(warnings > 1 ? "s" : "")" : "")"
        let summary = errors == 0
            ? "Les fiches modifiées respectent les règles du dépôt."
            : "Chaque erreur est signalée sur sa ligne, dans l'onglet « Files changed ». Corrige-les et pousse : la vérification repart sur le nouveau commit."
        let run = try await github.createCheckRun(upstream, name: Self.name, headSHA: head.description, conclusion: errors == 0 ? "success" : "failure",
                                                  title: title, summary: summary, annotations: annotations)
        var comment: Int?
        var shown: MergePreview?
        if let planner {
            let refused = diagnostics.filter { $0.severity == .error }
            let operations = refused.isEmpty ? try await planner(read.catalog, read.members) : []
            let preview = MergePreview(headSHA: head.description, changes: read.changes, operations: operations, refused: refused, rebuilt: rebuilt)
            comment = try await publish(preview, number: number)
            shown = preview
        }
        return Outcome(checkRun: run.id, headSHA: head.description, errors: errors, warnings: warnings, annotated: diagnostics,
                       previewComment: comment, preview: shown)
    }

    /// The head commit of PR `number` and the count of errors on the fiches it changes, read
    /// as `check` reads them but published nowhere: what an automatic merge waits on.
    public func validate(number: Int, today: FicheDate) async throws -> (headSHA: String, errors: Int) {
        let read = try await read(number: number, today: today)
        return (read.head.description, read.diagnostics.count { $0.severity == .error })
    }

    /// Fetches `refs/pull/N/head` into the mirror (nothing of it is run) and validates it
    /// against its merge base with the default branch, off the concurrency pool.
    func read(number: Int, today: FicheDate) async throws -> HeadReading {
        let (cache, gitURL) = (self.cache, self.gitURL)
        return try await BlockingWork.run { () throws -> HeadReading in
            let (mirror, _) = try cache.mirror(of: gitURL)
            let head = try mirror.fetchPullRequestHead(number)
            let master = try mirror.commit(for: "HEAD")
            let base = try mirror.mergeBase(head, master) ?? master
            let changes = try mirror.ficheChanges(from: base, to: head)
            let changed = Set(changes.compactMap { $0.new?.path })
            let catalog = try CatalogReader.read(repository: mirror.path, commit: head).0
            let before = try CatalogReader.read(repository: mirror.path, commit: base).0
            let found = Validator(today: today).validate(catalog).filter { changed.contains($0.path) }
            let members = changes.compactMap { $0.new }.filter { $0.kind == .author }.map(\.id)
            return HeadReading(head: head, diagnostics: found.sorted(), catalog: catalog, members: members,
                               changes: Self.words(members: members, before: before, after: catalog))
        }
    }

    struct HeadReading: Sendable {
        var head: GitOID
        var diagnostics: [Diagnostic]
        var catalog: Catalog
        var members: [String]
        var changes: [String]
    }

    /// The preview comment: the bot's one with the marker, edited; else a new one.
    func publish(_ preview: MergePreview, number: Int) async throws -> Int {
        let existing = try await github.comments(upstream, issue: number).first { $0.body?.hasPrefix(MergePreview.marker) == true }
        if let existing {
            return try await github.updateComment(upstream, id: existing.id, body: preview.markdown).id
        }
        return try await github.createComment(upstream, issue: number, body: preview.markdown).id
    }

    /// The members' fiches before and after, in words.
    static func words(members: [String], before: Catalog, after: Catalog) -> [String] {
        let old = Dictionary(before.authors.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let new = Dictionary(after.authors.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return members.sorted().compactMap { id in
            guard let now = new[id] else { return nil }
            guard let was = old[id] else { return "ajoute la fiche de \(now.fullname.value) (\(id))" }
            var said: [String] = []
            if let end = now.endDate, end != was.endDate {
                said.append(end > (was.endDate ?? end) ? "prolonge la mission de \(id) jusqu'au \(end.french)" : "avance la fin de mission de \(id) au \(end.french)")
            }
            if now.github?.value != was.github?.value, let login = now.github?.value { said.append("change le compte GitHub de \(id) pour @\(login)") }
            if now.role != was.role { said.append("change le rôle de \(id) pour « \(now.role) »") }
            return said.isEmpty ? "modifie la fiche de \(id)" : said.joined(separator: ", ")
        }
    }
}
