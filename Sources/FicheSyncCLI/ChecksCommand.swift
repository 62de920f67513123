import ArgumentParser
import AsyncHTTPClient
import FicheSync
import FicheSyncServer
import Foundation
import PRBot
import Providers
import Sandbox

struct ChecksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks",
        abstract: "Check a fiche pull request: positioned annotations and the merge preview comment.",
        discussion: """
        The pull request's head (refs/pull/N/head) is fetched with libgit2 — nothing from it is \
        run — and validated against all its fiches; the problems on the files it changes become \
        one check run on its head sha (as the GitHub App: GITHUB_APP_ID, \
        GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PRIVATE_KEY), and one comment, edited in place, \
        says what merging will do to accounts (planned like `reconcile --dry-run`). With \
        --rebuild, a bot pull request in conflict is first rebuilt on its new base. Without an \
        App, the sandbox's GitHub is used, and says so.

        Exit status: 0 the fiches pass, 1 errors were found, 2 anything else.
        """
    )

    @Argument(help: "The pull request's number.")
    var number: Int

    @Flag(help: "Rebuild a bot pull request in conflict on its new base first.")
    var rebuild = false

    func validate() throws {
        guard number > 0 else { throw ValidationError("\(number) is not a pull request number") }
    }

    func run() async throws {
        let today = FicheDate.today()
        let configuration: CheckConfiguration?
        do {
            configuration = try CheckConfiguration(Environment.settings)
        } catch {
            fail(error.description)
        }
        var sandbox: FakeSandbox?
        let checks: PullRequestChecks
        var opener: PullRequestOpener?
        do {
            if let configuration {
                checks = try configuration.checks(http: .shared, cache: Environment.repositoryCache)
                opener = try BotConfiguration(Environment.settings)?.opener(http: .shared, logger: Environment.logger)
            } else {
                let seed = try await BlockingWork.run { try SandboxCommand.seedFolder(nil) }
                let started = try await FakeSandbox.start(domain: Environment.settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr",
                                                          repositories: SandboxCommand.repositories, seed: seed)
                sandbox = started
                FileHandle.standardError.write(Data("fichesync: sandbox: no GitHub App configured, so the checks run on the sandbox's GitHub (\(FakeSandbox.upstream))\n".utf8))
                checks = try PullRequestFollowUp.sandboxChecks(started, cache: Environment.repositoryCache)
                let exports = Dictionary(uniqueKeysWithValues: started.exports.map { ($0.name, $0.value) })
                opener = try BotConfiguration(FicheSyncSettings(environment: exports))?.opener(http: .shared, logger: Environment.logger)
            }
        } catch let problem as BotConfiguration.Problem {
            fail(problem.description)
        } catch {
            fail("cannot start the checks: \(describe(error))")
        }
        defer { if let sandbox { Task { try? await sandbox.stop() } } }
        let outcome: PullRequestChecks.Outcome
        do {
            var rebuilt: String?
            if rebuild, let opener { rebuilt = try await opener.rebuildIfInConflict(number: number).words }
            outcome = try await Environment.withDatabase { database in
                try await database.withConnection { connection in
                    try await checks.check(number: number, today: today, planner: try await MergePreviewPlanner.make(settings: Environment.settings, connection: connection,
                                                                                                       today: today, logger: Environment.logger),
                                           rebuilt: rebuilt)
                }
            }
            if let rebuilt { print(rebuilt) }
        } catch let error as ProviderError {
            fail("no check: \(error.description)")
        } catch {
            fail("no check: \(describe(error))")
        }
        for diagnostic in outcome.annotated { print(diagnostic.formatted) }
        if let preview = outcome.preview {
            print(preview.markdown.split(separator: "\n").filter { !$0.hasPrefix("<!--") }.joined(separator: "\n"))
        }
        print("pull request #\(number) at \(outcome.headSHA.prefix(12)): \(outcome.errors) errors, \(outcome.warnings) warnings; check run \(outcome.checkRun)"
              + (outcome.previewComment.map { ", preview comment \($0)" } ?? ""))
        if outcome.errors > 0 { throw ExitCode(1) }
    }
}
