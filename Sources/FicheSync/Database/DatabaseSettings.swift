import Foundation
import NIOCore
import NIOPosix
import PostgresNIO

/// Where the database is: `DATABASE_URL` when set, otherwise the embedded cluster in
/// `FICHESYNC_HOME`.
public enum DatabaseSettings: Sendable, Equatable {
    case url(String)
    case embedded(home: String)

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseSettings {
        from(FicheSyncSettings(environment: environment))
    }

    public static func from(_ settings: FicheSyncSettings) -> DatabaseSettings {
        if let url = settings.databaseURL { return .url(url) }
        return .embedded(home: settings.home)
    }

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Parses `postgres://user:password@host:port/database?sslmode=…` (also `postgresql://`,
    /// and `host=/path/to/socket/dir` for Unix sockets). TLS is used when `sslmode` is
    /// `require`, `verify-ca` or `verify-full`.
    public static func configuration(fromURL text: String) throws -> PostgresConnection.Configuration {
        try configurations(fromURL: text).connection
    }

    /// The same target for a single connection (the first one, which says clearly why it
    /// cannot connect) and for the pool every later query goes through.
    static func configurations(fromURL text: String) throws -> (connection: PostgresConnection.Configuration, client: PostgresClient.Configuration) {
        // Before parsing: an unencoded `/` in the password ends the authority there, and the
        // rest of the password would be read (and shown) as the host.
        if let credentialsEnd = text.range(of: "@", options: .backwards)?.lowerBound,
           let authorityStart = text.range(of: "://")?.upperBound, authorityStart < credentialsEnd,
           text[authorityStart..<credentialsEnd].contains(where: { "/?#".contains($0) }) {
            throw Problem(description: "DATABASE_URL has a `/`, `?` or `#` before its `@`: percent-encode the user name and password (`/` is %2F, `?` %3F, `#` %23, `@` %40)")
        }
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw Problem(description: "DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw Problem(description: "DATABASE_URL's port \(port) is not a TCP port (1 to 65535): check DATABASE_URL")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let user = components.user?.removingPercentEncoding ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = components.password?.removingPercentEncoding
        var database = String(components.path.drop { $0 == "/" })
        if database.isEmpty { database = user }
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            let path = "\(socketDirectory)/.s.PGSQL.\(port)"
            return (PostgresConnection.Configuration(unixSocketPath: path, username: user, password: password, database: database),
                    PostgresClient.Configuration(unixSocketPath: path, username: user, password: password, database: database))
        }
        guard let host = components.host, !host.isEmpty else {
            throw Problem(description: "DATABASE_URL has no host")
        }
        let tls: PostgresConnection.Configuration.TLS
        let clientTLS: PostgresClient.Configuration.TLS
        switch query["sslmode"] {
        case "require":
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            tlsConfiguration.certificateVerification = .none
            tls = .require(try NIOSSLContext(configuration: tlsConfiguration))
            clientTLS = .require(tlsConfiguration)
        case "verify-ca", "verify-full":
            tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            clientTLS = .require(.makeClientConfiguration())
        default:
            tls = .disable
            clientTLS = .disable
        }
        let port = components.port ?? 5432
        return (PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls),
                PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: clientTLS))
    }

    /// Where a `DATABASE_URL` points, for messages: `host:port`, or the socket folder. Never
    /// the password.
    public static func target(ofURL text: String) -> String {
        guard let components = URLComponents(string: text) else { return "DATABASE_URL" }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            return "\(socketDirectory) (Unix socket)"
        }
        return "\(components.host ?? "?"):\(components.port ?? 5432)"
    }

    /// One line saying why connecting to the database failed and what to check, instead of
    /// PostgresNIO's multi-line `PSQLError` dump. `target` says where (``target(ofURL:)``),
    /// `remedy` what to check (`check DATABASE_URL`).
    public static func connectionFailure(_ error: any Error, target: String, remedy: String) -> String {
        let start = "cannot connect to the database at \(target)"
        guard let psql = error as? PSQLError else {
            return "\(start): \(reason(of: error)) — \(remedy)"
        }
        if let message = psql.serverInfo?[.message] {
            // The server's own words: `password authentication failed for user "x"`,
            // `database "x" does not exist`. They never hold the password.
            return "\(start): \(message) — \(remedy)"
        }
        switch psql.code {
        case .connectionError:
            let cause = psql.underlying.map(reason(of:)) ?? "connection failed"
            if cause == "connection refused" || cause == "no such file or directory" {
                return "\(start): \(cause) — is Postgres running? \(remedy)"
            }
            return "\(start): \(cause) — \(remedy)"
        case .authMechanismRequiresPassword:
            return "\(start): the server asks for a password and DATABASE_URL has none — \(remedy)"
        case .sslUnsupported:
            return "\(start): the server does not accept TLS (sslmode) — \(remedy)"
        case .serverClosedConnection, .uncleanShutdown:
            return "\(start): the server closed the connection — \(remedy)"
        default:
            return "\(start): \(psql.code.description) — \(remedy)"
        }
    }

    /// The system's reason under a connection error, in lower case ("connection refused").
    static func reason(of error: any Error) -> String {
        switch error {
        case let io as IOError:
            return FolderCreation.describe(io.errnoCode)
        case let connection as NIOConnectionError:
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return "unknown host \(connection.host)"
            }
            if let first = connection.connectionErrors.first { return reason(of: first.error) }
            return "connection failed"
        case ChannelError.connectTimeout:
            return "no answer (timed out)"
        default:
            let text = String(describing: error)
            return text.split(separator: "\n").first.map(String.init) ?? text
        }
    }
}
