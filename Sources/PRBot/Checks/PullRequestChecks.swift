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
    }

    /// Checks pull request `number` at its current head, on `today` (Europe/Paris).
    public func check(number: Int, today: FicheDate) async throws -> Outcome {
        let (cache, gitURL) = (self.cache, self.gitURL)
        let (head, diagnostics) = try await BlockingWork.run { () throws -> (GitOID, [Diagnostic]) in
            let (mirror, _) = try cache.mirror(of: gitURL)
            let head = try mirror.fetchPullRequestHead(number)
            let base = try mirror.commit(for: "HEAD")
            let changed = Set(try mirror.ficheChanges(from: mirror.mergeBase(head, base) ?? base, to: head).compactMap { $0.new?.path })
            let catalog = try CatalogReader.read(repository: mirror.path, commit: head).0
            let found = Validator(today: today).validate(catalog).filter { changed.contains($0.path) }
            return (head, found.sorted())
        }
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
        return Outcome(checkRun: run.id, headSHA: head.description, errors: errors, warnings: warnings, annotated: diagnostics)
    }
}
