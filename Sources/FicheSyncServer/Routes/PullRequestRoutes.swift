import FicheSync
import Foundation
import HTTPTypes
import Hummingbird

extension FicheSyncServer {
    /// `GET /prs`: the open pull requests the bot follows, oldest waits visible at a glance
    /// (age in days), with the reminders already sent for each; JSON for
    /// `Accept: application/json`, for scripts that chase the oldest ones.
    func addPullRequestRoutes(to router: Router<ServerContext>) {
        let database = self.database, pages = self.pages, sandbox = bot.isSandbox
        router.get("/prs") { request, _ -> Response in
            let items = try await PendingPullRequests.read(from: database)
            if Self.wantsJSON(request) { return Self.json(items.map(PendingPullRequestJSON.init)) }
            return pages.page("prs", title: "Fiches en attente", sandbox: sandbox,
                              ["pulls": items.map(Self.values), "hasPulls": !items.isEmpty, "count": items.count])
        }
    }

    static func values(_ item: PendingPullRequests.Item) -> [String: Any] {
        [
            "number": item.pull.number, "url": item.pull.htmlURL, "kind": kindLabel(item.pull.kind.rawValue),
            "members": item.pull.members, "referent": item.pull.referent ?? "", "hasReferent": item.pull.referent != nil,
            "draft": item.pull.draft, "ageDays": item.ageDays, "plural": item.ageDays > 1,
            "reminders": item.reminders.map { ["audience": $0.audience, "recipient": $0.recipient, "step": $0.step, "at": $0.decidedAt] },
            "hasReminders": !item.reminders.isEmpty,
        ]
    }

    static func kindLabel(_ kind: String) -> String {
        switch kind {
        case "onboarding": "arrivée"
        case "update": "mise à jour"
        default: "faite à la main"
        }
    }
}

/// One open PR as `/prs` gives it in JSON.
struct PendingPullRequestJSON: Encodable {
    struct Reminder: Encodable {
        var audience: String
        var recipient: String
        var step: String
        var decidedAt: String
    }

    var number: Int
    var url: String
    var kind: String
    var members: [String]
    var referent: String?
    var draft: Bool
    var ageDays: Int
    var reminders: [Reminder]

    init(_ item: PendingPullRequests.Item) {
        number = item.pull.number
        url = item.pull.htmlURL
        kind = item.pull.kind.rawValue
        members = item.pull.members
        referent = item.pull.referent
        draft = item.pull.draft
        ageDays = item.ageDays
        reminders = item.reminders.map { Reminder(audience: $0.audience, recipient: $0.recipient, step: $0.step, decidedAt: $0.decidedAt) }
    }
}
