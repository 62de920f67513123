import Foundation
import PostgresNIO

/// Where the database is: `DATABASE_URL` when set, otherwise the embedded cluster in
/// `FICHESYNC_HOME`.
public enum DatabaseSettings: Sendable, Equatable {
    case url(String)
    case embedded(home: String)

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseSettings {
        if let url = environment["DATABASE_URL"], !url.isEmpty { return .url(url) }
        return .embedded(home: environment["FICHESYNC_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".fichesync")
    }

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Parses `postgres://user:password@host:port/database?sslmode=…` (also `postgresql://`,
    /// and `host=/path/to/socket/dir` for Unix sockets). TLS is used when `sslmode` is
    /// `require`, `verify-ca` or `verify-full`.
    public static func configuration(fromURL text: String) throws -> PostgresConnection.Configuration {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw Problem(description: "DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let user = components.user?.removingPercentEncoding ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = components.password?.removingPercentEncoding
        var database = String(components.path.drop { $0 == "/" })
        if database.isEmpty { database = user }
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            return PostgresConnection.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        guard let host = components.host, !host.isEmpty else {
            throw Problem(description: "DATABASE_URL has no host")
        }
        let tls: PostgresConnection.Configuration.TLS
        switch query["sslmode"] {
        case "require":
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            tlsConfiguration.certificateVerification = .none
            tls = .require(try NIOSSLContext(configuration: tlsConfiguration))
        case "verify-ca", "verify-full":
            tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default:
            tls = .disable
        }
        return PostgresConnection.Configuration(host: host, port: components.port ?? 5432, username: user,
                                                password: password, database: database, tls: tls)
    }
}
