import Foundation

/// What a bot pull request changes, written into its own body (an HTML comment GitHub does
/// not show), so the bot can make the same change again on a new base when the pull request
/// falls into conflict — without a database of its own, and for a pull request opened by an
/// earlier version or instance.
public struct BotChangeRecord: Sendable, Equatable, Codable {
    public var kind: PullRequestDraft.Kind
    public var memberID: String
    /// For an update: the change, re-applied to the new base's fiche. For an onboarding, the
    /// file itself is the change (read from the pull request's head).
    public var change: ProposedChange?

    public init(kind: PullRequestDraft.Kind, memberID: String, change: ProposedChange? = nil) {
        self.kind = kind
        self.memberID = memberID
        self.change = change
    }

    static let prefix = "<!-- fichesync:change "
    static let suffix = " -->"

    /// The marker line: base64 JSON, so nothing in it can end the comment.
    public var marker: String {
        let json = (try? JSONEncoder().encode(self)) ?? Data()
        return Self.prefix + json.base64EncodedString() + Self.suffix
    }

    /// The record in a pull request's body, if the bot wrote one.
    public init?(body: String?) {
        guard let body, let start = body.range(of: Self.prefix),
              let end = body.range(of: Self.suffix, range: start.upperBound..<body.endIndex),
              let data = Data(base64Encoded: String(body[start.upperBound..<end.lowerBound])),
              let record = try? JSONDecoder().decode(BotChangeRecord.self, from: data)
        else { return nil }
        self = record
    }
}
