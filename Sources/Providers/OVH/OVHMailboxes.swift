/// Mailboxes of the domain.
extension OVHClient {
    struct NewAccount: Encodable {
        var accountName: String
        var password: String
        var description: String
    }

    struct Password: Encodable {
        var password: String
    }

    public func accounts() async throws -> [String] {
        try await transport.send(ProviderRoute(.GET, "\(try domainPath())/account"), as: [String].self).value
    }

    /// Repeatable: a second creation of the same name meets OVH's 409, which counts as done.
    public func createAccount(_ name: String, password: String, description: String) async throws {
        let route = ProviderRoute(.POST, "\(try domainPath())/account", alreadyDone: [409]).repeatable()
        _ = try await transport.send(route, body: NewAccount(accountName: name, password: password, description: description))
    }

    /// How a mailbox is suspended (and brought back): a new password. Repeatable: it sets a
    /// value, the same one however many times it is sent.
    public func changePassword(_ name: String, password: String) async throws {
        let route = ProviderRoute(.POST, "\(try domainPath())/account/\(try Self.segment(name))/changePassword").repeatable()
        _ = try await transport.send(route, body: Password(password: password))
    }

    public func deleteAccount(_ name: String) async throws {
        _ = try await transport.send(ProviderRoute(.DELETE, "\(try domainPath())/account/\(try Self.segment(name))", alreadyDone: [404]))
    }
}
