import FicheSync
import Foundation
import Providers

/// The GitHub side of reconcile: organisation members, admins, invitations, one team.
public struct GitHubAccounts: Sendable {
    let client: GitHubClient
    let team: String?

    public init(client: GitHubClient, team: String?) {
        self.client = client
        self.team = team
    }

    /// O(pages) requests: members (with their ids), admins, pending and failed invitations,
    /// team members.
    ///
    /// - Parameter sent: the invitation series fichesync sent, by login (from `AccountMemory`):
    ///   GitHub dates each invitation, fichesync counts how many it sent.
    public func snapshot(into snapshot: inout ProviderSnapshot, sent: [String: Invitation] = [:]) async throws {
        for account in try await client.members() { snapshot.githubMembers[account.login.lowercased()] = account.id }
        snapshot.githubAdmins = Set(try await client.members(role: "admin").map { $0.login.lowercased() })
        func invitation(_ invitation: GitHubClient.Invitation, failed: Bool) -> (String, Invitation)? {
            guard let login = invitation.login?.lowercased(), snapshot.githubMembers[login] == nil else { return nil }
            let series = sent[login]
            let sentOn = invitation.createdAt.flatMap(Self.parisDate) ?? series?.sentOn ?? FicheDate.today()
            return (login, Invitation(id: invitation.id, sentOn: sentOn, firstSentOn: series?.firstSentOn, sends: series?.sends ?? 1,
                                      failed: failed, byFichesync: series != nil))
        }
        // A failed invitation matters only while no newer one is pending.
        for failed in try await client.failedInvitations() {
            guard let (login, entry) = invitation(failed, failed: true) else { continue }
            if let other = snapshot.githubInvitations[login], other.sentOn > entry.sentOn { continue }
            snapshot.githubInvitations[login] = entry
        }
        for pending in try await client.invitations() {
            guard let (login, entry) = invitation(pending, failed: false) else { continue }
            snapshot.githubInvitations[login] = entry
        }
        // An invitation fichesync sent that GitHub no longer lists anywhere was cancelled by
        // someone: it counts as failed, so it is sent again only while sends remain, then
        // listed for a human — never re-sent forever.
        for (login, series) in sent where snapshot.githubInvitations[login] == nil && snapshot.githubMembers[login] == nil {
            snapshot.githubInvitations[login] = Invitation(sentOn: series.sentOn, firstSentOn: series.firstSentOn, sends: series.sends, failed: true)
        }
        if let team { snapshot.githubTeamMembers = Set(try await client.teamMembers(team).map { $0.login.lowercased() }) }
    }

    /// What an operation taught: the account's immutable id (an invitation's answer names
    /// it, so it is remembered before the person even accepts), and whether an invitation
    /// is now pending (not when the answer says the person is already a member).
    public struct Outcome: Sendable {
        public var identity: GitHubIdentity?
        public var invitationPending = false
    }

    @discardableResult
    public func perform(_ op: AccountOperation) async throws -> Outcome {
        switch op.action {
        case .invite:
            let membership = try await client.setMembership(op.target)
            let identity = membership.user.flatMap { user in
                op.member.map { GitHubIdentity(member: $0, id: user.id, ficheLogin: op.target, githubLogin: user.login) }
            }
            return Outcome(identity: identity, invitationPending: membership.state == "pending")
        case .cancelInvitation:
            guard let id = op.group.flatMap({ Int($0) }) else {
                throw ProviderError(.invalidRequest, provider: "github", method: "-", path: "-", status: nil, message: "no invitation id in \(op.idempotencyKey)")
            }
            try await client.cancelInvitation(id)
        case .remove: try await client.removeMembership(op.target)
        case .addToTeam: try await client.addToTeam(op.target, team: op.group ?? team ?? "")
        default:
            throw ProviderError(.invalidRequest, provider: "github", method: "-", path: "-", status: nil, message: "GitHub has no \(op.action.rawValue)")
        }
        return Outcome()
    }

    /// The Europe/Paris day of an ISO 8601 time (`2026-11-18T23:30:00Z` is the 19th in Paris).
    static func parisDate(_ text: String) -> FicheDate? {
        if let date = try? Date(text, strategy: .iso8601) { return FicheDate.today(at: date) }
        return (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))).map { FicheDate.today(at: $0) }
    }
}
