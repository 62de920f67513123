import ArgumentParser
import FicheSync
import FicheSyncServer
import Foundation
import PRBot

struct OnboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onboard",
        abstract: "Turn a new member's submission into one pull request of their fiche.",
        discussion: """
        SUBMISSION.json holds the fiche's own keys (fullname, role, domaine, missions, github, \
        memberType, competences, link, description) plus referent (an active member's id) and \
        email (the recruit's address, never written into the fiche). It is checked against the \
        synced database (run `fichesync sync` first). --print writes the fiche and submits \
        nothing; otherwise the fiche is proposed from GITHUB_FORK to GITHUB_REPOSITORY and the \
        pull request's URL is printed. Without GITHUB_TOKEN, the sandbox's GitHub gets it.

        Exit status: 0 done, 1 the submission is refused (each problem on its own line), 2 \
        anything else.
        """
    )

    @Option(help: "The submission, as JSON.")
    var file: String

    @Flag(help: "Write the rendered fiche to standard output and submit nothing.")
    var print = false

    func run() async throws {
        let bytes = try await readSubmission(file)
        let submission: MemberSubmission
        do {
            submission = try OnboardingFlow.decode(json: bytes)
        } catch {
            refuse(error.refused, file: file)
        }
        let outcome = MergeOutcomeWords(domain: Environment.settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr",
                                        githubOrganization: Environment.settings.value("GITHUB_ORGANIZATION_NAME"))
        let prepared: OnboardingFlow.Prepared
        do {
            prepared = try await Environment.withDatabase {
                try await OnboardingFlow(database: $0, outcome: outcome, logger: Environment.logger).prepare(submission, today: FicheDate.today())
            }
        } catch let problem as OnboardingProblem {
            switch problem.code {
            case .refused: refuse(problem.refused, file: file)
            case .notSynced: fail("nothing was synced yet: run `fichesync sync` first, the submission is checked against the synced fiches")
            case .render: fail(problem.description)
            }
        }
        if print {
            FileHandle.standardOutput.write(Data(prepared.rendered.utf8))
            return
        }
        let submitted = try await Environment.withDatabase { database in
            try await PullRequestBot.run { bot in
                // The referent's notice is decided with the record, in its transaction.
                try await OnboardingFlow(database: database, outcome: outcome, reminders: try await PullRequestBot.followUp(database, bot).reminderPass(),
                                         logger: Environment.logger).open(prepared, with: bot.opener)
            }
        }
        if let failure = submitted.recordFailure {
            FileHandle.standardError.write(Data("fichesync: warning: pull request \(submitted.opened.url) opened but not recorded (\(failure)); the next `fichesync watch` finds it\n".utf8))
        }
        Swift.print(submitted.opened.url)
        if submitted.opened.existing {
            FileHandle.standardError.write(Data("fichesync: a pull request for \(prepared.checked.id) was already open: \(submitted.opened.url) (nothing new was written)\n".utf8))
        }
    }
}

/// A submission or change refused: each problem on its own line, `FILE: field: message`, exit 1.
func refuse(_ refused: SubmissionRefused, file: String) -> Never {
    for problem in refused.problems { Swift.print("\(file): \(problem.field): \(problem.message)") }
    Swift.print("\(file): refused: \(refused.problems.count) problem\(refused.problems.count == 1 ? "" : "s") to correct")
    Foundation.exit(1)
}

/// The bytes of a JSON file, read off the concurrency pool, bounded.
func readSubmission(_ path: String) async throws -> [UInt8] {
    do {
        return try await BlockingWork.run {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            let data = try handle.read(upToCount: MemberSubmission.maxJSONBytes + 1) ?? Data()
            return Array(data)
        }
    } catch {
        fail(describe(error))
    }
}
