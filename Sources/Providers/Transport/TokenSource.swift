/// Where a bearer token comes from. A personal or bot token never changes (`StaticToken`);
/// a GitHub App installation token expires within the hour and is minted anew, so the
/// transport asks for the token at every attempt and says when the provider refused it.
public protocol TokenSource: Sendable {
    /// The token to send now (never logged, never put in an error).
    func token() async throws -> String

    /// The provider answered 401 to `token`. Returns whether a new token may be tried: a
    /// source that mints tokens drops the refused one and says yes (the transport sends the
    /// request once more — a 401 means nothing was done); a fixed token says no.
    func refused(_ token: String) async -> Bool
}

extension TokenSource {
    public func refused(_ token: String) async -> Bool { false }
}
