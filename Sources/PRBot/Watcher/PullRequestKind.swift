/// Where a followed pull request comes from: the bot's onboarding or update PRs, or one a
/// person opened by hand (the replaced system never saw those, so their members never got
/// an address).
public enum PullRequestKind: String, Sendable, Codable, CaseIterable {
    case onboarding
    case update
    case handMade = "hand-made"

    /// The kind of a PR first seen on GitHub (not recorded by the bot when it opened it): the
    /// bot's branches on its fork are named `author<id>-…` (onboarding) and `<id>-update-…`;
    /// anything else — another fork, another branch — was made by hand.
    public static func inferred(headRepository: String?, branch: String, botFork: String?) -> PullRequestKind {
        guard let botFork, let headRepository, headRepository.lowercased() == botFork.lowercased() else { return .handMade }
        if branch.hasPrefix("author") { return .onboarding }
        if branch.contains("-update-") { return .update }
        return .handMade
    }

    init(_ draft: PullRequestDraft.Kind) {
        switch draft {
        case .onboarding: self = .onboarding
        case .update: self = .update
        }
    }
}
