import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// How every provider call is made: a timeout, retries with exponential backoff and jitter
/// for 5xx answers, resets and timeouts, and rate limits honoured (`Retry-After`,
/// `X-RateLimit-Reset`, `X-Ratelimit-Reset`).
public struct HTTPPolicy: Sendable {
    public var timeout: TimeAmount = .seconds(30)
    public var maxAttempts = 5
    public var baseDelay: Duration = .milliseconds(200)
    public var maxDelay: Duration = .seconds(30)

    public init() {}

    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: [UInt8]
    }

    /// Sends a request built fresh for each attempt (OVH signs with the time of sending).
    public func send(_ client: HTTPClient, provider: String, method: HTTPMethod, path: String,
                     makeRequest: @Sendable () throws -> HTTPClientRequest) async throws -> Response {
        var attempt = 0
        while true {
            attempt += 1
            let outcome: Result<Response, any Error>
            let started = ContinuousClock.now
            do {
                let response = try await client.execute(try makeRequest(), timeout: timeout)
                let body = try await response.body.collect(upTo: 16 << 20)
                outcome = .success(Response(status: Int(response.status.code), headers: response.headers,
                                            body: Array(buffer: body)))
            } catch {
                outcome = .failure(error)
            }
            let elapsed = (ContinuousClock.now - started).components
            ProviderMetrics.record(provider: provider, method: method.rawValue, status: try? outcome.get().status,
                                   nanoseconds: elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
            let retryAfter: Duration?
            switch outcome {
            case .success(let response) where response.status == 429 || (response.status == 403 && Self.isRateLimited(response.headers)):
                retryAfter = Self.retryAfter(response.headers) ?? backoff(attempt)
            case .success(let response) where response.status >= 500:
                retryAfter = backoff(attempt)
            case .success(let response):
                return response
            case .failure:
                retryAfter = backoff(attempt)
            }
            guard attempt < maxAttempts, let delay = retryAfter else {
                switch outcome {
                case .success(let response):
                    return response
                case .failure(let error):
                    throw ProviderError(provider: provider, method: method.rawValue, path: path, status: nil,
                                        message: "no answer after \(attempt) attempts: \(error)")
                }
            }
            try await Task.sleep(for: min(delay, maxDelay))
        }
    }

    /// Exponential backoff with full jitter.
    func backoff(_ attempt: Int) -> Duration {
        let ceiling = baseDelay * (1 << min(attempt - 1, 10))
        let millis = Int(min(ceiling, maxDelay).components.seconds * 1000 + min(ceiling, maxDelay).components.attoseconds / 1_000_000_000_000_000)
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
