import Foundation

/// The organisation's teams, by slug: their members, and adding a member.
extension FakeGitHubServer {
    static let teamsRoutes: [GitHubRoute] = [
        GitHubRoute(.GET, "/orgs/{org}/teams/{team_slug}/members", documentation: "teams/members#list-team-members") { server, call, s in
            guard let team = s.teams[call["team_slug"]] else { return call.notFound() }
            let users = s.users
            return server.page(team.sorted(), call.request) { call.objects.simpleUser(login: $0, id: users[$0] ?? 0) }
        },
        // Only organisation members are added (fichesync adds people once they are members).
        GitHubRoute(.PUT, "/orgs/{org}/teams/{team_slug}/memberships/{username}",
                    documentation: "teams/members#add-or-update-team-membership-for-a-user") { _, call, s in
            let (team, login) = (call["team_slug"], call["username"])
            guard s.teams[team] != nil, s.members[login] != nil else { return call.notFound() }
            s.teams[team]?.insert(login)
            return call.reply(call.objects.teamMembership(team: team, login: login))
        },
    ]
}
