import ArgumentParser
import FicheSync
import Foundation
import PRBot

enum PullRequestsFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

struct PullRequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prs",
        abstract: "List the fiche pull requests followed, with their state and age.",
        discussion: """
        Every pull request of GITHUB_REPOSITORY that adds or changes an author fiche, whoever \
        opened it, as `fichesync watch` (or a webhook) last saw it: open (a draft is marked, and \
        never reminded), merged, or closed without merging. Times are Europe/Paris.
        """
    )

    @Option(help: "Output: table or json.")
    var format: PullRequestsFormat = .table

    func run() async throws {
        let pulls = try await Environment.withDatabase { database in
            try await database.withConnection { try await PullRequestStore(connection: $0, logger: Environment.logger).all() }
        }
        print(render(pulls, now: Date()))
    }

    func render(_ pulls: [FollowedPullRequest], now: Date) -> String {
        if format == .json {
            struct Item: Encodable {
                var number: Int
                var url: String
                var kind, state: String
                var draft: Bool
                var members: [String]
                var referent: String?
                var startups: [String]
                var openedAt: String
                var mergedAt, closedAt: String?
                var ageDays: Double
                var accountsFollowed: Bool?
            }
            let items = pulls.map {
                Item(number: $0.number, url: $0.htmlURL, kind: $0.kind.rawValue, state: $0.state.rawValue, draft: $0.draft,
                     members: $0.members, referent: $0.referent, startups: $0.startups, openedAt: Self.paris($0.openedAt),
                     mergedAt: $0.mergedAt.map(Self.paris), closedAt: $0.closedAt.map(Self.paris),
                     ageDays: (now.timeIntervalSince($0.openedAt) / 8640).rounded() / 10,
                     accountsFollowed: $0.state == .merged ? !$0.owesAccounts : nil)
            }
            return (try? jsonString(items)) ?? "[]"
        }
        guard !pulls.isEmpty else { return "no pull request followed yet: run `fichesync watch`" }
        let rows = pulls.map { pull in
            [ "#\(pull.number)", pull.state.rawValue + (pull.draft ? " (draft)" : ""), pull.kind.rawValue, Self.age(from: pull.openedAt, to: now),
              pull.members.joined(separator: ", "), pull.htmlURL ]
        }
        let header = ["PR", "STATE", "KIND", "AGE", "MEMBERS", "URL"]
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// `2 d 5 h`, `3 h 12 min`, `4 min`.
    static func age(from start: Date, to now: Date) -> String {
        let minutes = max(0, Int(now.timeIntervalSince(start) / 60))
        if minutes >= 24 * 60 { return "\(minutes / (24 * 60)) d \(minutes / 60 % 24) h" }
        if minutes >= 60 { return "\(minutes / 60) h \(minutes % 60) min" }
        return "\(minutes) min"
    }

    /// ISO 8601 in Europe/Paris (`2026-12-02T10:15:00+01:00`).
    static func paris(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .europeParis
        return formatter.string(from: date)
    }
}
