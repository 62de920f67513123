import Foundation

/// Users: by login (how fichesync learns a member's immutable id) and by that id (how a
/// renamed account is found again).
extension FakeGitHubServer {
    static let usersRoutes: [GitHubRoute] = [
        GitHubRoute(.GET, "/users/{username}", documentation: "users/users#get-a-user") { server, call, s in
            let login = call["username"]
            guard server.exists(login, in: &s), let id = s.users[login] else { return call.notFound() }
            return call.reply(call.objects.publicUser(login: login, id: id))
        },
        GitHubRoute(.GET, "/user/{account_id}", documentation: "users/users#get-a-user-using-their-id") { _, call, s in
            guard let id = Int(call["account_id"]), let login = s.users.first(where: { $0.value == id })?.key else {
                return call.notFound()
            }
            return call.reply(call.objects.publicUser(login: login, id: id))
        },
    ]
}
