/// GitHub settings: `GITHUB_API_URL` (default `https://api.github.com`), `GITHUB_TOKEN`
/// (or `GITHUB_ORG_ADMIN_TOKEN`), `GITHUB_ORGANIZATION_NAME`.
public struct GitHubCredentials: Sendable {
    /// The environment variable of `apiURL`, named in errors about it.
    public static let apiURLVariable = "GITHUB_API_URL"

    public var apiURL: String
    public var token: String
    public var organization: String

    public init(apiURL: String = "https://api.github.com", token: String, organization: String) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.token = token
        self.organization = organization
    }
}
