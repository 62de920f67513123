import Accounts
import ArgumentParser
import AsyncHTTPClient
import FicheSync
import FicheSyncServer
import Foundation
import PostgresNIO
import Providers
import Sandbox

extension AccountOperation.Provider: ExpressibleByArgument {}

enum ReconcileFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Converge email (OVH), Mattermost and GitHub-organisation accounts towards the synced fiches.",
        discussion: """
        Reads the members from the database (run `fichesync sync` first), lists what each provider \
        holds, plans the operations and applies them through a journal (a killed run is resumed by \
        the next one; failures are retried by later runs). Removals and suspensions above the limit \
        (more than 10, or 5 % of a provider's accounts) abort the run unless --max-deletions allows them.

        Providers are configured by OVH_APP_KEY/OVH_APP_SECRET/OVH_CONSUMER_KEY (OVH_ENDPOINT), \
        MATTERMOST_URL/MATTERMOST_BOT_TOKEN/MATTERMOST_TEAM_ID (MATTERMOST_ALUMNI_TEAM_ID), \
        GITHUB_TOKEN/GITHUB_ORGANIZATION_NAME (GITHUB_API_URL, GITHUB_TEAM), and SECRETARIAT_DOMAIN. \
        A provider is configured with all its required variables, left out (and said so) with none; \
        some but not all is an error. With none configured, the run is a sandbox: fichesync's own \
        fake providers, their state kept in the database as they change.

        Exit status: 0 when everything planned was done (or nothing was to do), 1 when some operations \
        failed (listed, journaled, retried next run) or the deletion limit stopped the run, 2 when the \
        configuration is wrong (a provider partly configured or unreachable) or the run cannot start. \
        Interrupted (Ctrl-C, SIGTERM), it says how many operations it did; the next run finishes.
        """
    )

    @Flag(help: "Print the plan; change nothing.")
    var dryRun = false

    @Option(help: "Output: text or json.")
    var format: ReconcileFormat = .text

    @Option(help: "Only this provider: ovh, mattermost or github.")
    var only: AccountOperation.Provider?

    @Option(help: "Only this member's operations.")
    var member: String?

    @Option(help: "Allow this many removals or suspensions per provider.")
    var maxDeletions: Int?

    @Flag(help: "Also converge the `set-<startup>` mailing lists (one OVH request per list: a weekly job).")
    var lists = false

    func validate() throws {
        if let member, !Validator.isValidAuthorID(member) {
            throw ValidationError("\"\(member)\" is not a member id (firstname.lastname)")
        }
    }

    func run() async throws {
        // The variables set, as FicheSyncSettings read them (once, secrets marked).
        let environment = Environment.settings.environment
        let today = FicheDate.today()
        let configuration: ProviderConfiguration
        do {
            configuration = try ProviderConfiguration(environment: environment)
        } catch {
            fail(error.description)
        }
        if let only, !configuration.isEmpty, !configuration.configured.contains(only) {
            fail("--only \(only.rawValue), but \(only.rawValue) is not configured (set \(ProviderConfiguration.requirement(of: only)))")
        }
        let providers = ReconcileProviders(configuration)
        let settings = AccountRules.make(Environment.settings, configuration: configuration, maxDeletions: maxDeletions, mailingLists: lists)
        let progress = ApplyProgress()
        let outcome: Reconciler.Outcome
        do {
            // One connection for the whole run: the journal holds a session-level run lock on it,
            // and the sandbox records its changes through it.
            outcome = try await Environment.withDatabase { database in try await database.withConnection { connection in
                try await Interruption.reporting({ _ in interrupted(progress.current) }) {
                    let logger = Environment.logger
                    return try await providers.withReconciler(connection: connection, recording: !dryRun, logger: logger) { reconciler in
                        let members = try await MemberRecord.load(from: connection, logger: logger)
                        if let member, !members.contains(where: { $0.id == member }) { throw UnknownMember(id: member) }
                        let journal = OperationJournal(connection: connection, logger: logger)
                        var reconciler = reconciler
                        reconciler.progress = progress
                        return try await reconciler.run(members: members, settings: settings, today: today, journal: journal,
                                                        only: only, member: member, dryRun: dryRun)
                    }
                }
            } }
        } catch let unknown as UnknownMember {
            fail(unknown.description)
        } catch let limit as AccountApplier.LimitExceeded {
            FileHandle.standardError.write(Data("fichesync: \(limit.description)\n".utf8))
            throw ExitCode(1)
        } catch let unreachable as ProviderUnreachable {
            fail(unreachable.description)
        } catch {
            fail("reconcile failed: \(describe(error))")
        }
        print(render(outcome, sandbox: providers.isSandbox, leftOut: leftOut(configuration)))
        if let report = outcome.report, !report.failed.isEmpty { throw ExitCode(1) }
    }

    /// Providers the run leaves out for want of configuration (none to say with `--only`,
    /// which names a configured one).
    func leftOut(_ configuration: ProviderConfiguration) -> [AccountOperation.Provider] {
        only == nil ? configuration.leftOut : []
    }

    /// What a run stopped by a signal says: how far the apply went, so the operator knows the
    /// next run finishes the work (the journal keeps the rest pending, the calls under way
    /// running).
    func interrupted(_ counts: ApplyProgress.Counts) -> String {
        let summary: String
        if dryRun {
            summary = "interrupted: dry run, nothing changed"
        } else if let planned = counts.planned {
            let failed = counts.failed > 0 ? ", \(counts.failed) failed" : ""
            summary = "interrupted: \(counts.done) of \(planned) operations done\(failed); run again to finish"
        } else {
            summary = "interrupted before applying anything: nothing changed"
        }
        guard format == .json else { return summary }
        struct Document: Encodable { var interrupted = true; var dryRun: Bool; var planned: Int?; var done, failed: Int; var summary: String }
        return (try? jsonString(Document(dryRun: dryRun, planned: counts.planned, done: counts.done, failed: counts.failed, summary: summary))) ?? summary
    }

    func render(_ outcome: Reconciler.Outcome, sandbox: Bool, leftOut: [AccountOperation.Provider] = []) -> String {
        let plan = outcome.plan
        if format == .json {
            struct Operation: Encodable { var provider, action, target, reason: String; var group, member: String? }
            struct Waiting: Encodable { var provider, target, member, since: String; var sends: Int; var gaveUp: Bool }
            struct Renamed: Encodable { var member, ficheLogin, githubLogin: String; var githubID: Int }
            struct Document: Encodable {
                var sandbox: Bool
                var dryRun: Bool
                var leftOut: [String]
                var operations: [Operation]
                var orphans: [String]
                var waitingInvitations: [Waiting]
                var membersWithoutAddress: [String]
                var renamedLogins: [Renamed]
                var summary: String
                var done: Int?
                var failed: [String]?
            }
            let document = Document(
                sandbox: sandbox, dryRun: dryRun, leftOut: leftOut.map(\.rawValue),
                operations: plan.operations.map { Operation(provider: $0.provider.rawValue, action: $0.action.rawValue, target: $0.target,
                                                            reason: $0.reason, group: $0.group, member: $0.member) },
                orphans: plan.orphans.map { "\($0.provider.rawValue):\($0.account)" },
                waitingInvitations: plan.waitingInvitations.map {
                    Waiting(provider: $0.provider.rawValue, target: $0.target, member: $0.member, since: $0.since.description,
                            sends: $0.sends, gaveUp: $0.gaveUp)
                },
                membersWithoutAddress: plan.membersWithoutAddress,
                renamedLogins: plan.renamedLogins.map {
                    Renamed(member: $0.member, ficheLogin: $0.ficheLogin, githubLogin: $0.githubLogin, githubID: $0.githubID)
                },
                summary: plan.summary,
                done: outcome.report?.done,
                failed: outcome.report?.failed.map { "\($0.operation.provider.rawValue) \($0.operation.action.rawValue) \($0.operation.target): \($0.lastError ?? "")" })
            return (try? jsonString(document)) ?? "{}"
        }
        var lines: [String] = []
        let width = AccountOperation.Action.allCases.map(\.rawValue.count).max() ?? 16
        if sandbox { lines.append("sandbox: providers are fichesync's fakes; their state is kept in the database") }
        for provider in leftOut {
            lines.append("\(provider.rawValue): not configured, left out (set \(ProviderConfiguration.requirement(of: provider)) to include it)")
        }
        for provider in AccountOperation.Provider.allCases {
            let operations = plan.operations.filter { $0.provider == provider }
            guard !operations.isEmpty else { continue }
            lines.append("\(provider.rawValue):")
            for op in operations {
                lines.append("  \(op.action.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)) \(op.target)\(op.group.map { " → \($0)" } ?? "")  (\(op.reason))")
            }
        }
        for orphan in plan.orphans { lines.append("orphan on \(orphan.provider.rawValue): \(orphan.account) (no fiche; left as is)") }
        for renamed in plan.renamedLogins {
            lines.append("renamed on github: \(renamed.member)'s fiche says \(renamed.ficheLogin), the account (id \(renamed.githubID)) is now \(renamed.githubLogin) — update the fiche")
        }
        if !plan.membersWithoutAddress.isEmpty {
            lines.append("no redirection address for \(plan.membersWithoutAddress.count) active attributaire(s) — give one with `fichesync redirect ID ADDRESS`: "
                         + plan.membersWithoutAddress.joined(separator: ", "))
        }
        for waiting in plan.waitingInvitations {
            let what = waiting.gaveUp ? "not sent again; check the fiche or ask the member" : "sent again when it expires"
            lines.append("waiting invitation on \(waiting.provider.rawValue): \(waiting.target) (\(waiting.member)) since \(waiting.since), \(waiting.sends) sent — \(what)")
        }
        lines.append((sandbox ? "sandbox: " : "") + plan.summary + (dryRun ? " (dry run: nothing changed)" : ""))
        if let report = outcome.report {
            lines.append("applied: \(report.done) done, \(report.failed.count) failed")
            for entry in report.failed {
                lines.append("  failed: \(entry.operation.provider.rawValue) \(entry.operation.action.rawValue) \(entry.operation.target) (attempt \(entry.attempts)): \(entry.lastError ?? "")")
            }
        }
        return lines.joined(separator: "\n")
    }
}
