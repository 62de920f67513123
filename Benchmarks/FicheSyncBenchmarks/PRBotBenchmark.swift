import FicheSync
import Foundation
import PRBot
import Sandbox

/// The PR bot's figures: in-place edits of every author fiche of a corpus (each one read back
/// and verified, as `propose` does), and a whole `fichesync onboard` process against the
/// sandbox GitHub on loopback — its wall time and the requests it made.
struct PRBotBenchmark {
    let fichesync: String
    let today: FicheDate

    struct Figures {
        var edits = 0
        var editSeconds = Double.infinity
        var onboardSeconds = Double.infinity
        var onboardRequests = 0
    }

    /// Each fiche's last mission moved a year later (decided before the clock starts).
    func edits(authors: Int, runs: Int) throws -> (count: Int, seconds: Double) {
        var work: [(bytes: [UInt8], id: String, end: FicheDate)] = []
        for file in CorpusGenerator(authors: authors, seed: 1, today: today).files() {
            guard let location = FicheLocation(path: file.path), location.kind == .author,
                  case .author(let author)? = FicheDecoder.decode(location, bytes: file.bytes).fiche, let end = author.endDate else { continue }
            work.append((file.bytes, location.id, end.adding(days: 365)))
        }
        let seconds = try Measure.best(runs: runs) {
            for fiche in work { _ = try ProposedChange(lastMissionEnd: fiche.end).apply(to: fiche.bytes, id: fiche.id) }
        }
        return (work.count, seconds)
    }

    /// `database` must hold the fixtures, synced. Each run submits another recruit, so each
    /// opens a new pull request.
    func onboard(database: String, work: String, runs: Int) async throws -> (seconds: Double, requests: Int) {
        let sandbox = try await FakeSandbox.start(repositories: "\(work)/sandbox-github", seed: Self.fixtures)
        defer { Task { try? await sandbox.stop() } }
        var environment = Dictionary(uniqueKeysWithValues: sandbox.exports.map { ($0.name, $0.value) })
        environment["DATABASE_URL"] = database
        var best = Double.infinity, requests = Int.max
        for run in 0..<max(1, runs) {
            let file = "\(work)/recruit-\(run).json"
            let names = ["Alix", "Bleuenn", "Côme", "Dalia", "Elouan", "Fanny", "Gaspard", "Hanaé", "Ilan", "Jade"]
            let json = """
            {"fullname": "\(names[run % names.count]) Bench\(String(repeating: "e", count: run / names.count + 1))", "role": "Développeuse", "domaine": "Développement",
             "missions": [{"start": "\(today)", "end": "\(today.adding(days: 200))", "status": "independent", "startups": ["auxAJ"]}],
             "referent": "ulysse.bernier", "email": "recrue\(run)@example.org"}
            """
            try Data(json.utf8).write(to: URL(fileURLWithPath: file))
            let before = sandbox.github.snapshot.requests
            let child = try Measure.child(fichesync, ["onboard", "--file", file], captureOutput: true, environment: environment)
            guard child.status == 0, child.output.contains("/pull/") else {
                throw BenchFailure("fichesync onboard exited \(child.status): \(child.output)")
            }
            best = min(best, child.seconds)
            requests = min(requests, sandbox.github.snapshot.requests - before)
        }
        return (best, requests)
    }

    static var fixtures: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/beta.gouv.fr").path
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
