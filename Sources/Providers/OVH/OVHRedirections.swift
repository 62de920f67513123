/// Redirections of the domain.
extension OVHClient {
    public struct Redirection: Codable, Sendable, Hashable {
        public var id: String
        public var from: String
        public var to: String

        public init(id: String, from: String, to: String) {
            self.id = id
            self.from = from
            self.to = to
        }
    }

    struct NewRedirection: Encodable {
        var from: String
        var to: String
        var localCopy: Bool
    }

    /// Ids of every redirection of the domain (OVH gives ids only; each is read on its own).
    public func redirectionIDs() async throws -> [String] {
        try await transport.send(ProviderRoute(.GET, "\(try domainPath())/redirection"), as: [String].self).value
    }

    public func redirection(_ id: String) async throws -> Redirection {
        try await transport.send(ProviderRoute(.GET, "\(try domainPath())/redirection/\(try Self.segment(id))"), as: Redirection.self).value
    }

    /// `localCopy`: keep a copy in a mailbox of the same address (only when there is one).
    /// Repeatable: the same redirection again meets OVH's 409, which counts as done.
    public func createRedirection(from: String, to: String, localCopy: Bool) async throws {
        let route = ProviderRoute(.POST, "\(try domainPath())/redirection", alreadyDone: [409]).repeatable()
        _ = try await transport.send(route, body: NewRedirection(from: from, to: to, localCopy: localCopy))
    }

    public func deleteRedirection(_ id: String) async throws {
        _ = try await transport.send(ProviderRoute(.DELETE, "\(try domainPath())/redirection/\(try Self.segment(id))", alreadyDone: [404]))
    }
}
