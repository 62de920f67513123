import FicheSync
import Foundation
import Logging
import Providers

/// A recruit's submission from JSON (or a form) to a recorded pull request, in the steps
/// `fichesync onboard` and the service's form and API share: decode, check against the synced
/// catalog on today's date in Europe/Paris, render the fiche, then open the pull request and
/// record it for the watcher. One place, so the form can never accept what the CLI refuses.
public struct OnboardingFlow: Sendable {
    public let database: Database
    /// What the PR body says merging creates (`SECRETARIAT_DOMAIN`, `GITHUB_ORGANIZATION_NAME`).
    public let outcome: MergeOutcomeWords
    /// The reminders the record decides (the referent's notice), in its transaction.
    public let reminders: ReminderPass?
    let logger: Logger

    public init(database: Database, outcome: MergeOutcomeWords, reminders: ReminderPass? = nil, logger: Logger) {
        self.database = database
        self.outcome = outcome
        self.reminders = reminders
        self.logger = logger
    }

    /// A submission that passed every check, rendered, with its pull request drafted.
    public struct Prepared: Sendable, Equatable {
        public var checked: CheckedSubmission
        /// The fiche's text, as the pull request writes it.
        public var rendered: String
        public var draft: PullRequestDraft
    }

    /// What came of a submission that was opened.
    public struct Submitted: Sendable, Equatable {
        public var opened: PullRequestOpener.Opened
        public var checked: CheckedSubmission
        /// Set when the pull request was opened but not recorded: the next polling pass finds
        /// it (from the fork's branch), only without the submission's facts.
        public var recordFailure: String?
    }

    /// Reads a submission from JSON: only a body that is not a JSON object is refused here;
    /// type mistakes stay on their fields for the check to report with the rest.
    public static func decode(json: [UInt8]) throws(OnboardingProblem) -> MemberSubmission {
        do {
            return try MemberSubmission.decode(json: json)
        } catch {
            throw OnboardingProblem(code: .refused, refused: error)
        }
    }

    /// Decodes and checks JSON as `prepare(_:today:)` does.
    public func prepare(json: [UInt8], today: FicheDate = .today()) async throws -> Prepared {
        try await prepare(Self.decode(json: json), today: today)
    }

    /// Checks `submission` against the catalog last synced into the database and renders it.
    /// Throws ``OnboardingProblem``: `.refused` with every problem per field, `.notSynced`
    /// when nothing was synced yet (no referent could be checked), `.render`.
    public func prepare(_ submission: MemberSubmission, today: FicheDate = .today()) async throws -> Prepared {
        guard let catalog = try await SubmissionCatalog.load(from: database) else {
            throw OnboardingProblem(code: .notSynced)
        }
        return try Self.prepare(submission, catalog: catalog, today: today, outcome: outcome)
    }

    /// The pure part: check, render, draft.
    public static func prepare(_ submission: MemberSubmission, catalog: SubmissionCatalog, today: FicheDate,
                               outcome: MergeOutcomeWords) throws(OnboardingProblem) -> Prepared {
        let checked: CheckedSubmission
        do {
            checked = try submission.check(against: catalog, today: today)
        } catch {
            throw OnboardingProblem(code: .refused, refused: error)
        }
        let rendered: String
        do {
            rendered = try AuthorFicheRenderer.render(checked.fiche)
        } catch {
            throw OnboardingProblem(code: .render, detail: error.message)
        }
        let referentName = catalog.members[checked.referent]?.fullname ?? checked.referent
        let draft = PullRequestDraft.onboarding(checked, rendered: rendered, referentName: referentName, outcome: outcome)
        return Prepared(checked: checked, rendered: rendered, draft: draft)
    }

    /// Opens the pull request of `prepared` with `opener` (or finds the one already open for
    /// the same fiche) and records it, so the watcher follows it from the start. A failure to
    /// record is reported, not thrown: the PR exists and the person must get its link.
    public func open(_ prepared: Prepared, with opener: PullRequestOpener, now: Date = Date()) async throws -> Submitted {
        let opened = try await opener.open(prepared.draft)
        if opened.existing { try await refuseIfSomeoneElses(opened, prepared, upstream: opener.upstream) }
        var watcher = PullRequestWatcher(database: database, repository: opener.upstream, botFork: opener.fork, logger: logger)
        if let reminders { watcher = watcher.reminding(with: reminders) }
        var recordFailure: String?
        do {
            _ = try await watcher.record(opened, OpenedPullRequestRecord(onboarding: prepared.checked), github: opener.github, now: now)
        } catch {
            logger.warning("pull request opened but not recorded", metadata: ["url": "\(opened.url)", "error": "\(error)"])
            recordFailure = String(describing: error)
        }
        logger.info("onboarding pull request", metadata: ["member": "\(prepared.checked.id)", "url": "\(opened.url)",
                                                          "existing": "\(opened.existing)"])
        return Submitted(opened: opened, checked: prepared.checked, recordFailure: recordFailure)
    }

    /// The pull request already open for this id was asked for with another address: two
    /// people whose names give the same id, the second one before the first one's fiche is
    /// merged (until then the catalog does not know the id is taken). Handing the second one
    /// the first one's link — and recording their address and referent over the first one's —
    /// would lose the first one's reminders; they choose another id instead.
    func refuseIfSomeoneElses(_ opened: PullRequestOpener.Opened, _ prepared: Prepared, upstream: RepositoryName) async throws {
        let recorded = try await database.withConnection { connection in
            try await PullRequestStore(connection: connection, logger: logger).find(repository: upstream.description, number: opened.number)
        }
        guard let first = recorded?.recruitEmail, first.lowercased() != prepared.checked.email.lowercased() else { return }
        let id = prepared.checked.id
        // "Camille X" as first name gives camille_x: the example the catalog check gives too.
        let example = id.split(separator: ".", maxSplits: 1).map(String.init)
        let other = example.count == 2 ? "\(example[0])_x.\(example[1])" : id + "_x"
        throw PullRequestOpener.Refused(code: .idPending, message: """
            l'identifiant \(id) est déjà demandé pour une autre personne dans la pull request \(opened.url) : \
            si c'est ta fiche, renvoie-la avec l'adresse email donnée la première fois ; sinon, choisis un autre identifiant \
            en renseignant firstname et lastname, par exemple avec l'initiale d'un second prénom (\(other))
            """)
    }
}
