import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// How every provider call is made: a timeout, retries with exponential backoff and jitter,
/// and rate limits honoured (`Retry-After`, `X-RateLimit-Reset`, `X-Ratelimit-Reset`).
///
/// What is retried depends on whether the request is safe to repeat (`ProviderRoute.isRepeatable`):
///
/// | attempt ended with | repeatable | not repeatable (a POST) |
/// |---|---|---|
/// | 429, rate-limited 403, 503 with `Retry-After` | retried | retried: the server refused it |
/// | another 5xx | retried | stops: the provider says it failed (`rejected`) |
/// | no connection (refused, connect timeout, no address) | retried | retried: nothing was sent |
/// | connection lost after sending (reset, closed, timeout) | retried | stops: outcome unknown |
///
/// A POST that may have reached the server is never sent again at once: the second one could
/// send a second invitation email. A lost answer gives the caller
/// `ProviderError.Code.outcomeUnknown` (it may have been carried out); a 5xx answer is the
/// provider saying it failed, a `rejected` error that a later run may retry like any failure.
public struct HTTPPolicy: Sendable {
    public var timeout: TimeAmount = .seconds(30)
    public var maxAttempts = 5
    public var baseDelay: Duration = .milliseconds(200)
    public var maxDelay: Duration = .seconds(30)

    public init() {}

    struct Response: Sendable {
        /// The request of the attempt this answers (the credentials it carried).
        var request: HTTPClientRequest
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    /// Where a call's metrics and errors go: the provider, the endpoint dimension, the
    /// method and the path without query; and whether it is safe to repeat.
    struct Call: Sendable {
        var provider: String
        var endpoint: String
        var method: HTTPMethod
        var path: String
        var isRepeatable: Bool
    }

    /// Sends a request built fresh for each attempt (OVH signs with the time of sending).
    /// Returns the last answer, whatever its status, when no retry is due or left; throws
    /// `ProviderError` when no answer came.
    func send(_ client: HTTPClient, _ call: Call, makeRequest: @Sendable () async throws -> HTTPClientRequest) async throws -> Response {
        var attempt = 0
        while true {
            attempt += 1
            // Building the request (signing it, getting a token) is not a network failure:
            // its errors are the caller's, not retried here.
            let request = try await makeRequest()
            let outcome: Result<Response, any Error>
            let started = ContinuousClock.now
            do {
                let response = try await client.execute(request, timeout: timeout)
                let body = try await response.body.collect(upTo: 16 << 20)
                outcome = .success(Response(request: request, status: Int(response.status.code), headers: response.headers,
                                            body: Array(buffer: body)))
            } catch {
                outcome = .failure(error)
            }
            ProviderMetrics.record(provider: call.provider, endpoint: call.endpoint, method: call.method.rawValue,
                                   status: try? outcome.get().status, elapsed: ContinuousClock.now - started)
            let retryAfter: Duration?
            switch outcome {
            case .success(let response) where Self.isRefusal(response):
                retryAfter = Self.retryAfter(response.headers) ?? backoff(attempt)
            case .success(let response) where response.status >= 500 && call.isRepeatable:
                retryAfter = backoff(attempt)
            case .success(let response):
                return response
            case .failure(let error) where call.isRepeatable || Self.neverSent(error):
                retryAfter = backoff(attempt)
            case .failure(let error):
                throw ProviderError(.outcomeUnknown, provider: call.provider, method: call.method.rawValue, path: call.path, status: nil,
                                    message: "no answer (\(Self.reason(error))) and the request may have reached \(call.provider): not sent again, outcome unknown")
            }
            guard attempt < maxAttempts, let delay = retryAfter else {
                switch outcome {
                case .success(let response):
                    return response
                case .failure(let error):
                    throw ProviderError(.noAnswer, provider: call.provider, method: call.method.rawValue, path: call.path, status: nil,
                                        message: "no answer after \(attempt) attempts: \(Self.reason(error))")
                }
            }
            try await Task.sleep(for: min(delay, maxDelay))
        }
    }

    /// An answer by which the server says it did not take the request and when to come
    /// back: a rate limit, or a 503 with `Retry-After` (maintenance, overload). Safe to
    /// resend whatever the method.
    static func isRefusal(_ response: Response) -> Bool {
        response.status == 429 || (response.status == 403 && isRateLimited(response.headers))
            || (response.status == 503 && response.headers.first(name: "Retry-After") != nil)
    }

    /// Whether an error surely came before any byte of the request left: no connection was
    /// ever made for it. AsyncHTTPClient fails a request still waiting for a connection with
    /// the last connection error, or a connect timeout; a request that was written fails with
    /// a reset, a closed connection or a read/deadline timeout instead. (A request whose
    /// deadline passes before its first connection attempt even failed also gets
    /// `deadlineExceeded`: it cannot be told apart, so it counts as maybe sent.)
    static func neverSent(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError {
            return error == .connectTimeout || error == .getConnectionFromPoolTimeout
        }
        if error is NIOConnectionError { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        return false
    }

    /// A short reason for an error, without anything of the request (headers hold credentials).
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError: return String(describing: error)
        case let error as IOError where error.errnoCode == ECONNREFUSED: return "connection refused"
        case let error as IOError where error.errnoCode == ECONNRESET: return "connection reset"
        case is NIOConnectionError: return "cannot connect"
        default: return String(describing: error)
        }
    }

    /// Exponential backoff with full jitter.
    func backoff(_ attempt: Int) -> Duration {
        let ceiling = min(baseDelay * (1 << min(attempt - 1, 10)), maxDelay)
        let millis = Int(ceiling.nanoseconds / 1_000_000)
        return .milliseconds(Int.random(in: (millis / 2)...max(millis, 1)))
    }

    static func isRateLimited(_ headers: HTTPHeaders) -> Bool {
        headers.first(name: "X-RateLimit-Remaining") == "0" || headers.first(name: "Retry-After") != nil
    }

    /// `Retry-After` (seconds) or a reset time (Unix seconds) from the rate-limit headers.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        if let seconds = headers.first(name: "Retry-After").flatMap(Double.init) { return .milliseconds(Int(seconds * 1000)) }
        if let reset = (headers.first(name: "X-RateLimit-Reset") ?? headers.first(name: "X-Ratelimit-Reset")).flatMap(Double.init) {
            return .milliseconds(max(0, Int((reset - Date().timeIntervalSince1970) * 1000)))
        }
        return nil
    }
}
