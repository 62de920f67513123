import Providers

/// The email side of reconcile on OVH: reads what exists, performs OVH operations.
public struct OVHAccounts: Sendable {
    let client: OVHClient
    let domain: String

    public init(client: OVHClient, domain: String) {
        self.client = client
        self.domain = domain
    }

    /// What OVH redirections a snapshot read: the ids listed now, and the ones read anew
    /// (to remember: a redirection's id never changes, so it is read once).
    public struct RedirectionsRead: Sendable {
        public var listed: [String] = []
        public var new: [String: OVHClient.Redirection] = [:]
    }

    /// Mailboxes, redirections and `set-` lists as they are now: one request per list, not
    /// per member. `suspended` comes from the journal (OVH cannot tell a suspended mailbox
    /// apart); `knownRedirections` from earlier runs (only new ids are read).
    @discardableResult
    public func snapshot(into snapshot: inout ProviderSnapshot, suspended: Set<String>,
                         knownRedirections: [String: OVHClient.Redirection] = [:], lists: Bool = true) async throws -> RedirectionsRead {
        for name in try await client.accounts() {
            snapshot.mailboxes[name] = .init(suspended: suspended.contains(name))
        }
        var read = RedirectionsRead()
        read.listed = try await client.redirectionIDs()
        let suffix = "@\(domain)".lowercased()
        for id in read.listed {
            let redirection: OVHClient.Redirection
            if let known = knownRedirections[id] {
                redirection = known
            } else {
                do {
                    redirection = try await client.redirection(id)
                    read.new[id] = redirection
                } catch let error as ProviderError where error.status == 404 {
                    continue  // deleted since it was listed
                }
            }
            let from = redirection.from.lowercased()
            guard from.hasSuffix(suffix) else { continue }
            snapshot.redirections[String(from.dropLast(suffix.count)), default: []].append(.init(id: id, to: redirection.to))
        }
        guard lists else { return read }
        for list in try await client.mailingLists() where list.hasPrefix("set-") {
            snapshot.mailingLists[list] = Set(try await client.subscribers(of: list))
        }
        return read
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
        case .createRedirection:
            // Mail goes to the given address only; a member with a mailbox asked for it.
            try await client.createRedirection(from: op.target, to: op.group ?? "", localCopy: false)
        case .deleteRedirection:
            try await client.deleteRedirection(op.group ?? "")
        case .createList:
            try await client.createMailingList(op.target, ownerEmail: "secretariat@\(domain)")
        case .subscribe:
            try await client.subscribe(op.target, to: op.group ?? "")
        case .unsubscribe:
            try await client.unsubscribe(op.target, from: op.group ?? "")
        default:
            throw ProviderError(.invalidRequest, provider: "ovh", method: "-", path: "-", status: nil, message: "OVH has no \(op.action.rawValue)")
        }
    }

    /// 24 characters from a 62-letter alphabet (system randomness).
    static func randomPassword() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
