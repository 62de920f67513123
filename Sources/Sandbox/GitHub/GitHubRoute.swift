import Foundation
import NIOHTTP1

/// One endpoint of the GitHub fake: its method, its path as GitHub's documentation writes it
/// (`/orgs/{org}/memberships/{username}`), its documentation page (which GitHub's error
/// bodies link to) and the work. Routes are values in a table, so each resource keeps its
/// endpoints in a file of its own and a new one is a line, not another case of a switch.
struct GitHubRoute: Sendable {
    typealias Answer = @Sendable (FakeGitHubServer, GitHubCall, inout FakeGitHubServer.State) -> FakeReply

    static let documentationRoot = "https://docs.github.com/rest"

    let method: HTTPMethod
    let segments: [String]
    let documentation: String
    let answer: Answer

    /// `documentation` is the page under docs.github.com/rest, e.g. `orgs/members#list-organization-members`.
    init(_ method: HTTPMethod, _ path: String, documentation: String, _ answer: @escaping Answer) {
        self.method = method
        segments = path.split(separator: "/").map(String.init)
        self.documentation = "\(Self.documentationRoot)/\(documentation)"
        self.answer = answer
    }

    /// The `{name}` segments of `path` by name when it has this route's shape, else nil.
    func match(_ path: [String]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (pattern, segment) in zip(segments, path) {
            if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
                parameters[String(pattern.dropFirst().dropLast())] = segment
            } else if pattern != segment {
                return nil
            }
        }
        return parameters
    }
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

    subscript(_ name: String) -> String { parameters[name] ?? "" }

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
