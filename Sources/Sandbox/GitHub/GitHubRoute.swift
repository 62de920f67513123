import Foundation
import NIOHTTP1

/// One endpoint of the GitHub fake: its method, its path as GitHub's documentation writes it
/// (`/orgs/{org}/memberships/{username}`), its documentation page (which GitHub's error
/// bodies link to) and the work. Routes are values in a table, so each resource keeps its
/// endpoints in a file of its own and a new one is a line, not another case of a switch.
struct GitHubRoute: Sendable {
    typealias Answer = @Sendable (FakeGitHubServer, GitHubCall, inout FakeGitHubServer.State) -> FakeReply
    /// The work of an endpoint of the hosted repositories: git on disk, run on NIO's thread
    /// pool with the hosting's records; a ``GitHubFailure`` thrown is the answer.
    typealias HostedAnswer = @Sendable (FakeGitHubServer, GitHubCall, HostedSession) throws -> FakeReply

    enum Work: Sendable {
        /// Under the state's lock, on the event loop (organisations, teams, users).
        case state(Answer)
        /// On the repository `{owner}/{repo}` of the path, needing `access` to it.
        case hosted(HostedAccess, HostedAnswer)
    }

    static let documentationRoot = "https://docs.github.com/rest"

    let method: HTTPMethod
    /// The path as documented (`/repos/{owner}/{repo}/git/refs/{ref}`): also how the writes
    /// a hosted repository received are recorded.
    let path: String
    let segments: [String]
    let documentation: String
    let work: Work

    /// `documentation` is the page under docs.github.com/rest, e.g. `orgs/members#list-organization-members`.
    init(_ method: HTTPMethod, _ path: String, documentation: String, _ answer: @escaping Answer) {
        self.init(method, path, documentation: documentation, work: .state(answer))
    }

    /// An endpoint of the hosted repositories. A last segment `{name+}` takes the rest of
    /// the path (`git/ref/{ref+}`: `heads/feature/x`).
    init(_ method: HTTPMethod, _ path: String, documentation: String, access: HostedAccess, _ answer: @escaping HostedAnswer) {
        self.init(method, path, documentation: documentation, work: .hosted(access, answer))
    }

    private init(_ method: HTTPMethod, _ path: String, documentation: String, work: Work) {
        self.method = method
        self.path = path.replacingOccurrences(of: "+}", with: "}")
        segments = path.split(separator: "/").map(String.init)
        self.documentation = "\(Self.documentationRoot)/\(documentation)"
        self.work = work
    }

    /// `METHOD /documented/path`, as faults are set per endpoint and writes recorded.
    var endpoint: String { "\(method.rawValue) \(path)" }

    /// The `{name}` segments of `path` by name when it has this route's shape, else nil:
    /// lowercased (GitHub's logins, organisation, team and repository names are
    /// case-insensitive), and as sent (refs, paths and shas are not).
    func match(_ path: [String]) -> (parameters: [String: String], raw: [String: String])? {
        let rest = segments.last.map { $0.hasPrefix("{") && $0.hasSuffix("+}") } ?? false
        guard rest ? path.count >= segments.count : path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        var raw: [String: String] = [:]
        for (index, pattern) in segments.enumerated() {
            let segment = path[index]
            if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
                let isRest = pattern.hasSuffix("+}")
                let name = String(pattern.dropFirst().dropLast(isRest ? 2 : 1))
                let value = isRest ? path[index...].joined(separator: "/") : segment
                raw[name] = value
                parameters[name] = value.lowercased()
            } else if pattern != segment.lowercased() {
                return nil
            }
        }
        return (parameters, raw)
    }
}

/// What a hosted endpoint needs of the caller on the repository of its path.
enum HostedAccess: Sendable {
    /// Anyone with a valid token (the repositories are public).
    case read
    /// Push access: the repository's owner (a user's fork) or a maintainer.
    case write
    /// Anyone may propose (open a pull request); the route checks who may change it.
    case contribute
}

/// A request as a route sees it: its path parameters (lowercased: GitHub's logins,
/// organisation and team names are case-insensitive), the fake's time and the object builders.
struct GitHubCall: Sendable {
    let request: FakeRequest
    let parameters: [String: String]
    /// The fake's clock, as GitHub writes times.
    let now: String
    let objects: GitHubObjects
    /// The endpoint's documentation page, for its error bodies.
    let documentation: String
    /// The path parameters as sent (case kept).
    var raw: [String: String] = [:]

    subscript(_ name: String) -> String { parameters[name] ?? "" }

    /// The JSON object the request carries (empty when none).
    var body: [String: Any] { request.json as? [String: Any] ?? [:] }

    /// A 200 answer encoded from GitHub's shapes.
    func reply(_ body: some Encodable) -> FakeReply { FakeReply(status: .ok, encoding: body) }

    func reply(_ status: HTTPResponseStatus, _ body: some Encodable) -> FakeReply { FakeReply(status: status, encoding: body) }

    func notFound(_ message: String = "Not Found") -> FakeReply { Self.error(.notFound, message, documentation: documentation) }

    /// A 422 `validation-error`.
    func validationFailed(_ errors: [GitHubObjects.ValidationError.Item]) -> FakeReply {
        FakeReply(status: .unprocessableEntity, encoding: GitHubObjects.ValidationError(errors: errors, documentation_url: documentation))
    }

    /// A `basic-error` answer.
    static func error(_ status: HTTPResponseStatus, _ message: String, documentation: String) -> FakeReply {
        FakeReply(status: status, encoding: GitHubObjects.BasicError(message: message, documentation_url: documentation,
                                                                     status: String(status.code)))
    }
}
