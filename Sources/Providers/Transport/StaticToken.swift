/// A token given once and for all: a GitHub personal token, a Mattermost bot token.
public struct StaticToken: TokenSource {
    private let value: String

    public init(_ value: String) { self.value = value }

    public func token() async throws -> String { value }
}
