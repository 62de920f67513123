import HTTPTypes
import Hummingbird

/// A page rendered once whose only per-request part is the anti-forgery token: the blank
/// onboarding form of `GET /`, the page everyone opens. Rendering it through the templates
/// cost about a millisecond of `[String: Any]` walking per request, which under 16 connections
/// on two cores queued into a 90 ms p99; as two buffers around the token it costs what
/// `/healthz` costs. The token is digits, a dot and hex, so it needs no escaping.
struct TokenPage: Sendable {
    private let head: ByteBuffer
    private let tail: ByteBuffer

    /// What the template is given for the token while rendering: text that escapes to itself
    /// and that no template or value writes otherwise.
    static let placeholder = "fichesync-token-placeholder-7f3a9c"

    /// `nil` when `html` does not hold the placeholder exactly once (the caller then renders
    /// each request, as before).
    init?(html: String) {
        let parts = html.split(separator: Self.placeholder, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        head = ByteBuffer(string: String(parts[0]))
        tail = ByteBuffer(string: String(parts[1]))
    }

    /// The page's bytes with `token` in its place.
    func body(token: String) -> ByteBuffer {
        var body = ByteBufferAllocator().buffer(capacity: head.readableBytes + token.utf8.count + tail.readableBytes)
        body.writeImmutableBuffer(head)
        body.writeString(token)
        body.writeImmutableBuffer(tail)
        return body
    }

    func response(token: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body(token: token)))
    }
}
