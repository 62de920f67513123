import AsyncHTTPClient
import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PRBot
import Providers
import Sandbox
import TestKit
import Testing
@testable import FicheSyncServer

/// A real service for a test: a temporary Postgres, the sandbox (its GitHub hosting real bare
/// repositories seeded with the fixtures) synced into it, the bot connected to that GitHub
/// through the same configuration path as production, and the server live on a loopback port.
struct ServerHarness {
    let folder: TemporaryDirectory
    let sandbox: FakeSandbox
    let database: Database
    let server: FicheSyncServer
    static let webhookSecret = "webhook-test-secret"

    static let submission = """
    {"fullname": "Léa Martin", "role": "Développeuse", "domaine": "Développement",
     "missions": [{"start": "2026-12-07", "end": "2030-06-30", "status": "independent", "employer": "Octo", "startups": ["auxAJ"]}],
     "github": "lea-martin", "memberType": "beta", "description": "Je code.", "referent": "ulysse.bernier", "email": "lea@example.org"}
    """

    /// The form's fields of a good submission (as a browser would post them).
    static let goodForm: [(String, String)] = [
        ("firstname", "Léa"), ("lastname", "Martin"), ("email", "lea@example.org"), ("role", "Développeuse"),
        ("domaine", "Développement"), ("referent", "ulysse.bernier"), ("mission_start", "2026-12-07"),
        ("mission_end", "2030-06-30"), ("mission_status", "independent"), ("mission_employer", "Octo"),
        ("mission_startups", "auxAJ"), ("github", "lea-martin"), ("memberType", "beta"), ("competences", "Swift, Postgres"),
        ("description", "Je code."),
    ]

    /// - Parameter environment: settings added to the sandbox's (`FICHESYNC_ADMIN_TOKEN`…).
    static func with(submissions: RateLimiter.Policy = .submissions, synced: Bool = true, environment: [String: String] = [:],
                     parts: ServiceParts.Builder? = nil,
                     _ body: @Sendable (ServerHarness, any TestClientProtocol) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        let sandbox = try await FakeSandbox.start(repositories: folder.sub("github"), seed: Package.fixtures)
        do {
            try await TestDatabase.with { databases in
                let database = databases[0]
                let exports = Dictionary(uniqueKeysWithValues: sandbox.exports.map { ($0.name, $0.value) })
                let settings = FicheSyncSettings(environment: exports.merging(["FICHESYNC_HOME": folder.sub("home"),
                                                                               "GITHUB_WEBHOOK_SECRET": webhookSecret]) { $1 }
                                                         .merging(environment) { $1 })
                let bot = try #require(try BotConnection.configured(settings, http: HTTPClient.shared, logger: TestDatabase.logger))
                if synced {
                    let sync = MergeFollowUp.catalogSync(source: settings.fichesRepository, database: database,
                                                         cache: RepositoryCache(directory: folder.sub("cache")), logger: TestDatabase.logger)
                    _ = try await sync()
                }
                let built = try await parts?(database, bot) ?? ServiceParts()
                let server = try await FicheSyncServer(database: database, bot: bot, settings: settings,
                                                       options: .init(host: "127.0.0.1", port: 0, submissions: submissions),
                                                       parts: built, logger: TestDatabase.logger)
                let harness = ServerHarness(folder: folder, sandbox: sandbox, database: database, server: server)
                try await server.application().test(.live) { client in try await body(harness, client) }
            }
            try await sandbox.stop()
        } catch {
            try? await sandbox.stop()
            throw error
        }
    }

    /// The sandbox GitHub's open pull requests of the upstream, as its API lists them.
    func openPullRequests() async throws -> [(number: Int, title: String, url: String)] {
        let github = server.bot.opener.github
        return try await github.openPullRequests(server.bot.opener.upstream).map { ($0.number, $0.title, $0.htmlURL) }
    }

    func count(_ table: String) async throws -> Int {
        var count = 0
        let rows = try await database.client.query("SELECT count(*)::int8 FROM \(unescaped: table)", logger: TestDatabase.logger)
        for try await n in rows.decode(Int64.self) { count = Int(n) }
        return count
    }

    /// A form-urlencoded body.
    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return ByteBuffer(string: text)
    }

    static var formHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        return headers
    }

    static var jsonHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return headers
    }

    /// A fresh token, as the form page carries it.
    static func token(from page: String) throws -> String {
        let marker = "name=\"jeton\" value=\""
        let start = try #require(page.range(of: marker)).upperBound
        let end = try #require(page[start...].firstIndex(of: "\""))
        return String(page[start..<end])
    }
}
