/// A provider call that did not succeed, with what the provider said.
///
/// Never holds a credential: messages come from the provider's error body or from the
/// transport, paths carry no query.
public struct ProviderError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure, so callers decide on a code rather than on a message.
    public enum Code: String, Sendable, Equatable {
        /// The provider answered with an error status: it refused the request.
        case rejected
        /// No answer (refused, reset, timeout) after every attempt of a request that is safe
        /// to repeat: the next run may send it again.
        case noAnswer
        /// A request that is not safe to repeat (a POST the provider does not deduplicate) may
        /// have reached the provider — its connection was lost once it was sent, or it timed
        /// out — so it was not sent again: whether it was carried out is unknown.
        case outcomeUnknown
        /// A 2xx answer whose body is not the expected shape.
        case unexpectedAnswer
        /// A name that cannot be a path segment, or an operation the provider has no call
        /// for: nothing was sent.
        case invalidRequest
    }

    public var code: Code
    public var provider: String
    public var method: String
    /// The path called (never the query or credentials).
    public var path: String
    /// HTTP status, or `nil` when no answer came (connection refused, timeout).
    public var status: Int?
    public var message: String
    /// The provider's own error id, when its error body has one (Mattermost's `id`, OVH's
    /// `errorCode` or `class`, the `code` of GitHub's first validation error).
    public var providerCode: String?

    public init(_ code: Code = .rejected, provider: String, method: String, path: String, status: Int?, message: String,
                providerCode: String? = nil) {
        self.code = code
        self.provider = provider
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        self.providerCode = providerCode
    }

    public var description: String {
        "\(provider) \(method) \(path): \(status.map { "HTTP \($0): " } ?? "")\(message)"
    }
}
