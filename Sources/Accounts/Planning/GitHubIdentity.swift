/// Who a member is on GitHub: the immutable numeric user id, learned once (from the
/// organisation's member list or an invitation's answer). Logins can be renamed on either
/// side; the id cannot, so a rename is recognised instead of being taken for a departure
/// plus an arrival.
public struct GitHubIdentity: Hashable, Sendable, Codable {
    public var member: String
    public var id: Int
    /// The login the fiche gave when the id was learned: if the fiche still says it, the
    /// account with `id` is this member's, whatever it is called on GitHub today.
    public var ficheLogin: String
    /// The account's login on GitHub when last seen (lowercased).
    public var githubLogin: String

    public init(member: String, id: Int, ficheLogin: String, githubLogin: String) {
        self.member = member
        self.id = id
        self.ficheLogin = ficheLogin.lowercased()
        self.githubLogin = githubLogin.lowercased()
    }
}

/// A GitHub account renamed since its fiche was written: reported so the fiche gets fixed.
public struct RenamedLogin: Hashable, Sendable, Comparable {
    public var member: String
    public var ficheLogin: String
    public var githubLogin: String
    public var githubID: Int

    public static func < (lhs: RenamedLogin, rhs: RenamedLogin) -> Bool { lhs.member < rhs.member }
}
