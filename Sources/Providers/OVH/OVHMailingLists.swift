/// Mailing lists of the domain and their subscribers.
extension OVHClient {
    struct NewMailingList: Encodable {
        struct Options: Encodable {
            var moderatorMessage = false
            var subscribeByModerator = true
            var usersPostOnly = false
        }

        var name: String
        var ownerEmail: String
        var language = "fr"
        var options = Options()
    }

    struct Subscriber: Encodable {
        var email: String
    }

    public func mailingLists() async throws -> [String] {
        try await transport.send(ProviderRoute(.GET, "\(try domainPath())/mailingList"), as: [String].self).value
    }

    /// Repeatable: a second creation of the same list meets OVH's 409, which counts as done.
    public func createMailingList(_ name: String, ownerEmail: String) async throws {
        let route = ProviderRoute(.POST, "\(try domainPath())/mailingList", alreadyDone: [409]).repeatable()
        _ = try await transport.send(route, body: NewMailingList(name: name, ownerEmail: ownerEmail))
    }

    public func subscribers(of list: String) async throws -> [String] {
        try await transport.send(ProviderRoute(.GET, "\(try domainPath())/mailingList/\(try Self.segment(list))/subscriber"),
                                 as: [String].self).value
    }

    /// Repeatable: subscribing an address again meets OVH's 409, which counts as done.
    public func subscribe(_ email: String, to list: String) async throws {
        let route = ProviderRoute(.POST, "\(try domainPath())/mailingList/\(try Self.segment(list))/subscriber", alreadyDone: [409]).repeatable()
        _ = try await transport.send(route, body: Subscriber(email: email))
    }

    public func unsubscribe(_ email: String, from list: String) async throws {
        _ = try await transport.send(ProviderRoute(.DELETE, "\(try domainPath())/mailingList/\(try Self.segment(list))/subscriber/\(try Self.segment(email))",
                                                   alreadyDone: [404]))
    }
}
