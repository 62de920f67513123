/// A provider call that did not succeed, with what the provider said.
public struct ProviderError: Error, Sendable, CustomStringConvertible, Equatable {
    public var provider: String
    public var method: String
    /// The path called (never the query or credentials).
    public var path: String
    /// HTTP status, or `nil` when no answer came (connection refused, timeout).
    public var status: Int?
    public var message: String

    public init(provider: String, method: String, path: String, status: Int?, message: String) {
        self.provider = provider
        self.method = method
        self.path = path
        self.status = status
        self.message = message
    }

    public var description: String {
        "\(provider) \(method) \(path): \(status.map { "HTTP \($0): " } ?? "")\(message)"
    }
}
