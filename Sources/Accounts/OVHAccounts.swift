import Providers

/// The email side of reconcile on OVH: reads what exists, performs OVH operations.
public struct OVHAccounts: Sendable {
    let client: OVHClient
    let domain: String

    public init(client: OVHClient, domain: String) {
        self.client = client
        self.domain = domain
    }

    /// Mailboxes and `set-` lists as they are now: one request per list, not per member.
    /// `suspended` comes from the journal (OVH cannot tell a suspended mailbox apart).
    public func snapshot(into snapshot: inout ProviderSnapshot, suspended: Set<String>, lists: Bool = true) async throws {
        for name in try await client.accounts() {
            snapshot.mailboxes[name] = .init(suspended: suspended.contains(name))
        }
        guard lists else { return }
        for list in try await client.mailingLists() where list.hasPrefix("set-") {
            snapshot.mailingLists[list] = Set(try await client.subscribers(of: list))
        }
    }

    public func perform(_ op: AccountOperation) async throws {
        let local = String(op.target.prefix { $0 != "@" })
        switch op.action {
        case .create:
            try await client.createAccount(local, password: Self.randomPassword(), description: op.member ?? local)
        case .reactivate, .suspend:
            // Suspending sets a random password nobody knows; reactivating sets a fresh one
            // (sent to the member by the notification step, never logged here).
            try await client.changePassword(local, password: Self.randomPassword())
        case .delete:
            try await client.deleteAccount(local)
        case .createList:
            try await client.createMailingList(op.target, ownerEmail: "secretariat@\(domain)")
        case .subscribe:
            try await client.subscribe(op.target, to: op.group ?? "")
        case .unsubscribe:
            try await client.unsubscribe(op.target, from: op.group ?? "")
        default:
            throw ProviderError(provider: "ovh", method: "-", path: "-", status: nil, message: "OVH has no \(op.action.rawValue)")
        }
    }

    /// 24 characters from a 62-letter alphabet (system randomness).
    static func randomPassword() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
