import FicheSync
import Foundation
import Logging
import PostgresNIO
import Providers

/// What a referent's click on their confirmation link does: the bot says on the PR who
/// confirmed (a comment and a label), and — when the deployment allows it — merges the PR
/// once its fiches pass the validator on its head commit. The non-technical referent who does
/// not know how to merge never needs to.
///
/// A forged, expired or reused link, a link for a PR that is no longer open, or one whose
/// referent is not (any more) the PR's changes nothing and says why.
public struct ReferentConfirmation: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Confirmed now; `merged` when the PR was merged with it, `note` why not when it
        /// could have been.
        case confirmed(merged: Bool, note: String?)
        /// The PR was confirmed before (this link or another): nothing more is done.
        case alreadyConfirmed
    }

    /// Why a link changed nothing, for the person who clicked it (in French).
    public struct Refused: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable, Equatable {
            case invalidLink, otherRepository, unknownPullRequest, notOpen, notTheReferent
        }
        public var code: Code
        public var message: String
        public var description: String { message }
    }

    /// Merging on confirmation: a client whose token may merge, and the validator on the PR's
    /// head: the head commit it read when every fiche the PR changes passes, `nil` otherwise.
    /// The merge names that commit, so a push after the validation is never merged unchecked.
    public struct Merging: Sendable {
        public var github: GitHubClient
        public var passes: @Sendable (FollowedPullRequest) async throws -> String?

        public init(github: GitHubClient, passes: @escaping @Sendable (FollowedPullRequest) async throws -> String?) {
            self.github = github
            self.passes = passes
        }
    }

    public static let label = "confirmé par le·la référent·e"

    public let link: ConfirmationLink
    let database: Database
    /// Comments and labels: the App's installation (labels need triage access).
    let github: GitHubClient
    let upstream: RepositoryName
    let merging: Merging?
    let logger: Logger

    public init(link: ConfirmationLink, database: Database, github: GitHubClient, upstream: RepositoryName, merging: Merging?, logger: Logger) {
        self.link = link
        self.database = database
        self.github = github
        self.upstream = upstream
        self.merging = merging
        self.logger = logger
    }

    public func confirm(_ token: String, now: Date) async throws -> Outcome {
        let claim: ConfirmationLink.Claim
        do {
            claim = try link.verify(token, now: now)
        } catch {
            throw Refused(code: .invalidLink, message: error.description)
        }
        guard claim.repository == upstream.description else {
            throw Refused(code: .otherRepository, message: "ce lien concerne un autre dépôt (\(claim.repository))")
        }
        let repository = upstream.description
        let (logger, github, merging) = (self.logger, self.github, self.merging)
        return try await database.transaction { connection -> Outcome in
            let store = PullRequestStore(connection: connection, logger: logger)
            try await store.lock(repository: repository, number: claim.number)
            guard let pull = try await store.find(repository: repository, number: claim.number, locking: true) else {
                throw Refused(code: .unknownPullRequest, message: "la pull request #\(claim.number) n'est pas suivie par fichesync")
            }
            if try await Self.confirmed(repository: repository, number: claim.number, on: connection, logger: logger) {
                return .alreadyConfirmed
            }
            guard pull.state == .open else {
                let state = pull.state == .merged ? "déjà fusionnée" : "fermée"
                throw Refused(code: .notOpen, message: "la pull request #\(claim.number) est \(state) : il n'y a plus rien à confirmer")
            }
            guard pull.referent == claim.referent else {
                throw Refused(code: .notTheReferent, message: "ce lien a été envoyé à \(claim.referent), qui n'est pas le·la référent·e de la pull request #\(claim.number)")
            }
            let name = try await Self.fullname(of: claim.referent, on: connection, logger: logger) ?? claim.referent
            var merged = false
            var note: String?
            if let merging {
                if let head = try await merging.passes(pull) {
                    _ = try await merging.github.mergePullRequest(upstream, number: pull.number, sha: head)
                    merged = true
                } else {
                    note = "les fiches de la pull request ont des erreurs : elle attend leur correction avant d'être fusionnée"
                }
            }
            try await connection.query("""
                INSERT INTO referent_confirmations (nonce, repository, number, referent, confirmed_at, merged, note)
                VALUES (\(claim.nonce), \(repository), \(claim.number), \(claim.referent), \(now), \(merged), \(note))
                """, logger: logger)
            let body = Self.comment(referent: name, id: claim.referent, members: pull.members, at: now, merged: merged, note: note)
            _ = try await github.createComment(upstream, issue: pull.number, body: body)
            do {
                _ = try await github.addLabels(upstream, issue: pull.number, labels: [Self.label])
            } catch {
                // The comment says it all; a label the token may not set is not worth undoing it.
                logger.warning("confirmation label not set", metadata: ["number": "\(pull.number)", "error": "\(error)"])
            }
            logger.notice("pull request confirmed by its referent", metadata: [
                "number": "\(pull.number)", "referent": "\(claim.referent)", "merged": "\(merged)",
            ])
            return .confirmed(merged: merged, note: note)
        }
    }

    static func confirmed(repository: String, number: Int, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        for try await _ in try await connection.query("""
            SELECT 1 FROM referent_confirmations WHERE repository = \(repository) AND number = \(number) LIMIT 1
            """, logger: logger).decode(Int.self) {
            return true
        }
        return false
    }

    static func fullname(of id: String, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        for try await name in try await connection.query("SELECT fullname FROM authors WHERE id = \(id)", logger: logger).decode(String.self) {
            return name
        }
        return nil
    }

    /// The bot's comment: who confirmed, when (Europe/Paris), and what followed.
    static func comment(referent: String, id: String, members: [String], at now: Date, merged: Bool, note: String?) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.timeZone = .europeParis
        formatter.dateFormat = "d MMMM yyyy 'à' HH:mm"
        var lines = ["✅ **\(referent)** (`\(id)`), référent·e, confirme par le lien reçu par email"
                     + (members.isEmpty ? "" : " la fiche de \(members.map { "`\($0)`" }.joined(separator: ", "))")
                     + ", le \(formatter.string(from: now))."]
        if merged { lines.append("Les fiches passent les vérifications : la pull request est fusionnée, les accès sont créés dans la foulée.") }
        if let note { lines.append("Pas de fusion automatique : \(note).") }
        return lines.joined(separator: "\n\n")
    }
}
