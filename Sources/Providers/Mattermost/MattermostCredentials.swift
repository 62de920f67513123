/// Mattermost settings: `MATTERMOST_URL`, `MATTERMOST_BOT_TOKEN`, `MATTERMOST_TEAM_ID` (the
/// community team), `MATTERMOST_ALUMNI_TEAM_ID`.
public struct MattermostCredentials: Sendable {
    /// The environment variable of `url`, named in errors about it.
    public static let urlVariable = "MATTERMOST_URL"

    /// Server base URL; the API is under `/api/v4`.
    public var url: String
    public var token: String

    public init(url: String, token: String) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.token = token
    }
}
