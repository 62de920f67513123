import Crypto
import Foundation

/// OVH API credentials, from `OVH_ENDPOINT`, `OVH_APP_KEY`, `OVH_APP_SECRET`, `OVH_CONSUMER_KEY`.
public struct OVHCredentials: Sendable {
    /// The environment variable of `endpoint`, named in errors about it.
    public static let endpointVariable = "OVH_ENDPOINT"

    /// Base URL, `https://eu.api.ovh.com/1.0` by default.
    public var endpoint: String
    public var applicationKey: String
    public var applicationSecret: String
    public var consumerKey: String

    public init(endpoint: String = "https://eu.api.ovh.com/1.0", applicationKey: String, applicationSecret: String, consumerKey: String) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.applicationKey = applicationKey
        self.applicationSecret = applicationSecret
        self.consumerKey = consumerKey
    }

    /// `"$1$" + sha1hex(secret+consumer+METHOD+FULL_URL+BODY+TIMESTAMP)`, as OVH documents it.
    public static func signature(secret: String, consumerKey: String, method: String, url: String, body: String, timestamp: Int) -> String {
        let payload = [secret, consumerKey, method, url, body, String(timestamp)].joined(separator: "+")
        return "$1$" + Insecure.SHA1.hash(data: Data(payload.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
