import FicheSync
import Foundation
import Logging
import PostgresNIO

/// The sync figures: cold full, no-op, incremental (15 fiches; then with a rename and a
/// deletion), measured in process against fichesync's embedded Postgres.
struct SyncBenchmark {
    let cluster: EmbeddedPostgres
    let logger: Logger
    let today: FicheDate

    /// Settings for a new, empty database in the cluster.
    func freshDatabase() async throws -> DatabaseSettings {
        let name = "bench_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12))"
        let maintenance = try await PostgresConnection.connect(
            configuration: .init(unixSocketPath: cluster.socketPath, username: EmbeddedPostgres.user, password: nil, database: "postgres"),
            id: 0, logger: logger)
        try await maintenance.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        try await maintenance.close()
        return .url("postgres://\(EmbeddedPostgres.user)@localhost/\(name)?host=\(cluster.dataDirectory)")
    }

    struct Figures {
        var coldFull = Double.infinity
        var noOp = Double.infinity
        var incremental = Double.infinity
        var incrementalWithRename = Double.infinity
    }

    /// `folder` holds the corpus files; `bare` its repository (commits are added to it).
    func run(folder: String, bare: String, runs: Int) async throws -> Figures {
        var figures = Figures()
        let repository = try GitRepository(at: bare)
        let base = try repository.commit(for: "refs/heads/master")
        // Two follow-up commits: 15 authors edited; then 13 edited, one renamed, one deleted.
        var files = try Self.files(in: folder)
        let authors = files.indices.filter { files[$0].path.hasPrefix("content/_authors/") }
        for index in authors.prefix(15) { files[index].bytes += Array("\nModifié cette nuit.\n".utf8) }
        let edited = try repository.commit(files: files, message: "15 fiches", parents: [base], reference: nil)
        files = try Self.files(in: folder)
        for index in authors.prefix(13) { files[index].bytes += Array("\nModifié cette nuit.\n".utf8) }
        files[authors[13]].path = "content/_authors/renomme.par-le-bench.md"
        files.remove(at: authors[14])
        let renamed = try repository.commit(files: files, message: "13 + rename + delete", parents: [base],
                                            reference: nil)

        for _ in 0..<max(1, runs) {
            let database = try await Database.open(try await freshDatabase(), logger: logger)
            do {
                let sync = CatalogSync(database: database, today: today, logger: logger)
                let cold = try await sync.sync(repositoryPath: bare, commit: base, source: "bench")
                figures.coldFull = min(figures.coldFull, cold.seconds)
                figures.noOp = min(figures.noOp, try await sync.sync(repositoryPath: bare, commit: base, source: "bench").seconds)
                let incremental = try await sync.sync(repositoryPath: bare, commit: edited, source: "bench")
                precondition(incremental.updated == 15, "the incremental commit should touch 15 fiches")
                figures.incremental = min(figures.incremental, incremental.seconds)
                _ = try await sync.sync(repositoryPath: bare, commit: base, source: "bench")
                let withRename = try await sync.sync(repositoryPath: bare, commit: renamed, source: "bench")
                precondition(withRename.renamed == 1 && withRename.removed == 1, "rename and deletion expected")
                figures.incrementalWithRename = min(figures.incrementalWithRename, withRename.seconds)
            } catch {
                await database.close()
                throw error
            }
            await database.close()
        }
        return figures
    }

    static func files(in folder: String) throws -> [GitRepository.FileWrite] {
        var files: [GitRepository.FileWrite] = []
        let content = folder + "/content"
        for kind in try FileManager.default.contentsOfDirectory(atPath: content).sorted() {
            for name in try FileManager.default.contentsOfDirectory(atPath: "\(content)/\(kind)").sorted() {
                let path = "content/\(kind)/\(name)"
                files.append(.init(path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(path)")))))
            }
        }
        return files
    }
}
