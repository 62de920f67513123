import NIOHTTP1

/// A decoded answer, with what the caller may still need from the HTTP response (GitHub's
/// `Link` header for the next page).
public struct ProviderAnswer<Value: Sendable>: Sendable {
    public var value: Value
    public var status: Int
    public var headers: HTTPHeaders
}

/// An answer whose body is not read: a deletion's `204`, or an "already done" error answer.
public struct IgnoredBody: Decodable, Sendable, Equatable {
    public init() {}
    public init(from decoder: any Decoder) throws {}
}
