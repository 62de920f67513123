import NIOCore
import Providers

extension HTTPPolicy {
    /// The production policy with retries milliseconds apart instead of seconds, so tests go
    /// through the fakes' faults without waiting out real backoff.
    public static func fastRetries(timeout: TimeAmount = .seconds(30), maxAttempts: Int = 5) -> HTTPPolicy {
        var policy = HTTPPolicy()
        policy.timeout = timeout
        policy.baseDelay = .milliseconds(2)
        policy.maxDelay = .milliseconds(20)
        policy.maxAttempts = maxAttempts
        return policy
    }
}
