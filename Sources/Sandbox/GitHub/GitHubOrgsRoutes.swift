import Foundation

/// The organisation: itself, its members (with `role=admin`), invitations (pending, created by
/// `invitee_id`, cancelled, failed) and memberships (an invitation until accepted).
extension FakeGitHubServer {
    static let orgsRoutes: [GitHubRoute] = [
        GitHubRoute(.GET, "/orgs/{org}", documentation: "orgs/orgs#get-an-organization") { _, call, _ in
            call.reply(call.objects.organizationFull)
        },
        GitHubRoute(.GET, "/orgs/{org}/members", documentation: "orgs/members#list-organization-members") { server, call, s in
            let role = call.request.query["role"] ?? "all"
            let logins = s.members.filter { role == "all" || $0.value == role }.keys.sorted()
            let users = s.users
            return server.page(logins, call.request) { call.objects.simpleUser(login: $0, id: users[$0] ?? 0) }
        },
        GitHubRoute(.GET, "/orgs/{org}/members/{username}",
                    documentation: "orgs/members#check-organization-membership-for-a-user") { _, call, s in
            s.members[call["username"]] != nil ? .noContent : call.notFound()
        },
        GitHubRoute(.GET, "/orgs/{org}/invitations", documentation: "orgs/members#list-pending-organization-invitations") { server, call, s in
            let times = s.invitationTimes
            return server.page(s.invitations.sorted { $0.key < $1.key }, call.request) {
                call.objects.invitation(id: $0.value, login: $0.key, created: times[$0.key] ?? call.now)
            }
        },
        GitHubRoute(.POST, "/orgs/{org}/invitations", documentation: "orgs/members#create-an-organization-invitation") { server, call, s in
            let body = call.request.json as? [String: Any]
            guard let inviteeID = body?["invitee_id"] as? Int else {
                // Invitations by email are not kept by the fake (fichesync invites accounts).
                return call.validationFailed([.init(resource: "OrganizationInvitation", code: "unprocessable", field: "data",
                                                    message: "Invite requires either user or email")])
            }
            guard let login = s.users.first(where: { $0.value == inviteeID })?.key else { return call.notFound() }
            if s.members[login] != nil || s.invitations[login] != nil {
                s.repeatedInvitations += 1
                return call.validationFailed([.init(resource: "OrganizationInvitation", code: "unprocessable", field: "data",
                                                    message: s.members[login] != nil ? "Invitee is already a part of this organization"
                                                        : "Invitee is already invited")])
            }
            let id = server.invite(login, at: call.now, in: &s)
            let role = body?["role"] as? String ?? "direct_member"
            return call.reply(.created, call.objects.invitation(id: id, login: login, role: role, created: call.now))
        },
        GitHubRoute(.GET, "/orgs/{org}/failed_invitations", documentation: "orgs/members#list-failed-organization-invitations") { server, call, s in
            server.page(s.failedInvitations, call.request) {
                call.objects.invitation(id: $0.id, login: $0.login, created: $0.createdAt, failedAt: $0.failedAt, reason: $0.failedReason)
            }
        },
        GitHubRoute(.DELETE, "/orgs/{org}/invitations/{invitation_id}",
                    documentation: "orgs/members#cancel-an-organization-invitation") { _, call, s in
            guard let login = s.invitations.first(where: { String($0.value) == call["invitation_id"] })?.key else { return call.notFound() }
            s.invitations[login] = nil
            s.invitationTimes[login] = nil
            return .noContent
        },
        GitHubRoute(.GET, "/orgs/{org}/memberships/{username}",
                    documentation: "orgs/members#get-organization-membership-for-a-user") { _, call, s in
            let login = call["username"]
            let state = s.members[login] != nil ? "active" : s.invitations[login] != nil ? "pending" : nil
            guard let state else { return call.notFound() }
            return call.reply(call.objects.orgMembership(login: login, id: s.users[login] ?? 0, state: state, role: s.members[login] == "admin" ? "admin" : "member"))
        },
        GitHubRoute(.PUT, "/orgs/{org}/memberships/{username}",
                    documentation: "orgs/members#set-organization-membership-for-a-user") { server, call, s in
            let login = call["username"]
            guard server.exists(login, in: &s), let id = s.users[login] else { return call.notFound() }
            if let role = s.members[login] { return call.reply(call.objects.orgMembership(login: login, id: id, state: "active", role: role)) }
            // Calling it again while an invitation is pending is harmless: no second invitation.
            if s.invitations[login] != nil { s.repeatedInvitations += 1 } else { _ = server.invite(login, at: call.now, in: &s) }
            return call.reply(call.objects.orgMembership(login: login, id: id, state: "pending", role: "member"))
        },
        GitHubRoute(.DELETE, "/orgs/{org}/memberships/{username}",
                    documentation: "orgs/members#remove-organization-membership-for-a-user") { _, call, s in
            let login = call["username"]
            s.invitationTimes[login] = nil
            guard s.members.removeValue(forKey: login) != nil || s.invitations.removeValue(forKey: login) != nil else { return call.notFound() }
            for team in s.teams.keys { s.teams[team]?.remove(login) }
            return .noContent
        },
    ]

    /// A new pending invitation (a notification to the person).
    func invite(_ login: String, at now: String, in s: inout State) -> Int {
        s.lastInvitationID += 1
        s.invitations[login] = s.lastInvitationID
        s.invitationTimes[login] = now
        s.invitationsSent += 1
        return s.lastInvitationID
    }
}
