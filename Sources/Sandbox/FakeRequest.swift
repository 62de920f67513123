import Foundation
import NIOHTTP1

/// A request as a fake provider sees it.
public struct FakeRequest: Sendable {
    public var method: HTTPMethod
    /// Path and query, as sent.
    public var uri: String
    public var path: String
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: String
    /// `http://<Host><mount prefix>`: where this fake's API is, as the client reached it.
    public var base: String
    /// The whole URL the client called (OVH signs it).
    public var fullURL: String

    /// The path's segments, percent-decoded.
    public var segments: [String] {
        path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
    }

    public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) }
}
