import NIOHTTP1

/// One call of a provider API: method, path, and what the transport needs to know to send
/// it safely — whether sending it twice is harmless, and which error answers mean the work
/// is already done.
public struct ProviderRoute: Sendable, Equatable {
    public var method: HTTPMethod
    /// Path and query after the base URL (`/orgs/x/members?per_page=100`), built from
    /// validated segments.
    public var path: String
    /// Whether the request may be sent again after its answer was lost. GET, HEAD, PUT and
    /// DELETE are idempotent by HTTP's definition; a POST is not, unless the provider makes
    /// it so (it refuses a duplicate with "already exists", or sets a value): such routes
    /// say so with `.repeatable()`. A POST that is not is resent only when it surely never
    /// reached the server.
    public var isRepeatable: Bool
    /// Statuses meaning the work is done (404 on a removal, 409 on a creation).
    public var alreadyDone: Set<Int> = []
    /// Provider error codes meaning the same, whatever their status (Mattermost's
    /// "already a member" conflict).
    public var alreadyDoneCodes: Set<String> = []
    /// Whether the authenticator signs it (not OVH's `/auth/time`).
    public var isAuthenticated = true

    public init(_ method: HTTPMethod, _ path: String, alreadyDone: Set<Int> = [], alreadyDoneCodes: Set<String> = []) {
        self.method = method
        self.path = path
        isRepeatable = [.GET, .HEAD, .PUT, .DELETE, .OPTIONS].contains(method)
        self.alreadyDone = alreadyDone
        self.alreadyDoneCodes = alreadyDoneCodes
    }

    /// The same route marked safe to send again: the provider deduplicates it. Say why where it is used.
    public func repeatable() -> ProviderRoute {
        var route = self
        route.isRepeatable = true
        return route
    }

    /// The same route sent without credentials.
    public func unauthenticated() -> ProviderRoute {
        var route = self
        route.isAuthenticated = false
        return route
    }

    /// The path without its query: what errors and logs show (ids are fine, queries may not be).
    public var pathWithoutQuery: String { String(path.prefix { $0 != "?" }) }
}
