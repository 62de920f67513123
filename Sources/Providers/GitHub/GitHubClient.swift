import AsyncHTTPClient
import NIOHTTP1

/// A typed client for the GitHub REST API, one organisation. The routes live in one
/// extension per resource (`GitHubMembers`, `GitHubInvitations`, `GitHubTeams`): an endpoint
/// is a route, a body type and an answer type on the shared transport. Lists follow the
/// `Link: rel="next"` header (100 a page): the old system read only the first 30 and lost people.
public struct GitHubClient: Sendable {
    /// An account as GitHub lists it.
    public struct Account: Codable, Sendable, Equatable {
        public var login: String
        public var id: Int
    }

    public let transport: ProviderTransport
    public let organization: String

    /// A client with a personal (or organisation admin) token.
    public init(http: HTTPClient, credentials: GitHubCredentials, policy: HTTPPolicy = HTTPPolicy()) {
        self.init(http: http, apiURL: credentials.apiURL, organization: credentials.organization, tokens: StaticToken(credentials.token),
                  policy: policy)
    }

    /// A client whose token comes from `tokens` (a GitHub App installation's, renewed as it expires).
    public init(http: HTTPClient, apiURL: String, organization: String, tokens: any TokenSource, policy: HTTPPolicy = HTTPPolicy()) {
        transport = ProviderTransport(
            provider: "github", baseURL: apiURL, setting: GitHubCredentials.apiURLVariable, http: http, policy: policy,
            authenticator: BearerAuthenticator(tokens), errorBody: GitHubErrorBody.self,
            headers: ["Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "fichesync"])
        self.organization = organization
    }

    /// `/orgs/{org}`, the organisation validated as a path segment.
    func orgPath() throws -> String { "/orgs/\(try Self.segment(organization))" }

    /// A login, team or organisation name, only when it can be one (GitHub's characters).
    static func segment(_ text: String) throws -> String {
        try PathSegment.validated(text, provider: "github", what: "a GitHub name")
    }

    /// Every page of a list, following `Link: <…>; rel="next"` — only to pages of the same
    /// API: the token goes with each request.
    func paginate<Item: Decodable & Sendable>(_ path: String) async throws -> [Item] {
        var items: [Item] = []
        var next: String? = path
        while let path = next {
            let page = try await transport.send(ProviderRoute(.GET, path), as: [Item].self)
            items += page.value
            next = try Self.nextLink(page.headers.first(name: "Link")).map { link in
                guard link.hasPrefix(transport.baseURL + "/") else {
                    throw ProviderError(.unexpectedAnswer, provider: "github", method: "GET", path: ProviderRoute(.GET, path).pathWithoutQuery,
                                        status: page.status, message: "the next page is not on \(transport.baseURL)")
                }
                return String(link.dropFirst(transport.baseURL.count))
            }
        }
        return items
    }

    static func nextLink(_ header: String?) -> String? {
        for part in (header ?? "").split(separator: ",") where part.contains("rel=\"next\"") {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">") else { continue }
            return String(part[part.index(after: open)..<close])
        }
        return nil
    }
}
