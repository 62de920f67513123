import Accounts
import ArgumentParser
import AsyncHTTPClient
import FicheSync
import FicheSyncServer
import Foundation
import PRBot
import Providers

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "One polling pass over the content repository's open pull requests: print what changed.",
        discussion: """
        Reads every open pull request of GITHUB_REPOSITORY (every page) and each one's files, \
        follows those that add or change content/_authors/*.md whoever opened them, and learns \
        whether those that left the open list were merged or closed. A merge syncs \
        FICHES_REPOSITORY and reconciles the members it changed, as `reconcile --member` does. \
        It repairs what a lost webhook missed. Without GITHUB_TOKEN, the sandbox's GitHub is \
        watched (and the reconcile is the sandbox's, as `reconcile` runs it).

        Exit status: 0 done, 1 a merge's accounts could not be done (the next pass tries again), \
        2 anything else.
        """
    )

    func run() async throws {
        let report: PollingPass.Report
        do {
            report = try await Environment.withDatabase { database in
                try await PullRequestBot.run("the pass watches") { bot in
                    try await PullRequestBot.followUp(database, bot).pollingPass().run(now: Date())
                }
            }
        } catch let error as ProviderError {
            fail("the pass stopped: \(error.description)")
        }
        for seen in report.changed {
            print("#\(seen.number) \(seen.changes.map(\.description).joined(separator: ", ")) \(seen.url)")
        }
        if !report.reconciled.isEmpty { print("accounts reconciled for \(report.reconciled.joined(separator: ", "))") }
        print("\(report.openOnGitHub) open pull request\(report.openOnGitHub == 1 ? "" : "s") on GitHub, \(report.changed.count) followed changed")
        if let error = report.followUpError {
            FileHandle.standardError.write(Data("fichesync: the accounts of a merge could not be done (\(error)); the next pass tries again\n".utf8))
            throw ExitCode(1)
        }
    }
}
