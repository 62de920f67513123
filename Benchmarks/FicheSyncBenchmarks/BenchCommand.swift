import ArgumentParser
import FicheSync
import Foundation
import Logging

/// `fichesync-bench`: the figures of the README's performance section, measured in one run.
///
/// Generates the real-size corpus (≈3,500 authors, 660 startups) and a large one (50,000
/// authors) as folders and as bare git repositories, then measures reading + parsing,
/// reading + parsing + validating, the same from the bare repository through libgit2, the
/// whole `fichesync check` process (wall time, peak RSS), and the PyYAML baseline.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fichesync-bench",
        abstract: "Measure fichesync's reading and checking speed against the PyYAML baseline."
    )

    @Option(help: "Authors in the real-size corpus.")
    var authors = 3_500

    @Option(help: "Authors in the large corpus (0 to skip it).")
    var large = 50_000

    @Option(help: "Runs per measurement; the best is reported.")
    var runs = 5

    @Option(help: "Interleaved pairs of `check` and the floor on the real-size corpus; their ratio is given for the medians and the bests.")
    var pairs = 31

    @Option(help: "The PyYAML baseline script.")
    var baseline = "Benchmarks/baseline_pyyaml.py"

    @Option(help: "Where to write the corpora (default: a temporary folder, removed after).")
    var work: String?

    @Flag(help: "Skip the Postgres sync measurements.")
    var skipSync = false

    func run() async throws {
        let work = self.work ?? NSTemporaryDirectory() + "fichesync-bench-\(UUID().uuidString)"
        defer { if self.work == nil { try? FileManager.default.removeItem(atPath: work) } }
        let fichesync = (Measure.buildDirectory as NSString).appendingPathComponent("fichesync")
        guard FileManager.default.isExecutableFile(atPath: fichesync) else {
            throw ValidationError("\(fichesync) not found: run `swift build -c release` first")
        }
        let today = FicheDate.today()
        let sizes = [authors, large].filter { $0 > 0 }

        // Corpora are written by `fichesync generate` in its own process, and every child
        // process is measured before this one reads anything: a child's peak RSS (from
        // wait4) starts from its parent's at spawn time, so the parent must still be small.
        struct Corpus { var size: Int; var folder: String; var bare: String; var files: Double; var bytes: Double; var label: String }
        var corpora: [Corpus] = []
        for size in sizes {
            let folder = "\(work)/corpus-\(size)", bare = "\(work)/corpus-\(size).git"
            if !FileManager.default.fileExists(atPath: bare) {
                FileHandle.standardError.write(Data("generating \(size) authors…\n".utf8))
                let generated = try Measure.child(fichesync, ["generate", folder, "--authors", "\(size)", "--bare", bare])
                guard generated.status == 0 else { throw ValidationError("fichesync generate exited \(generated.status)") }
            }
            let (files, bytes) = try Self.sizeOfFiches(in: folder)
            corpora.append(Corpus(size: size, folder: folder, bare: bare, files: Double(files), bytes: Double(bytes),
                                  label: "\(size) authors, \(files) fiches, \(String(format: "%.1f", Double(bytes) / 1e6)) MB"))
        }
        func rate(_ corpus: Corpus, _ seconds: Double) -> [String] {
            [String(format: "%.3f s", seconds), String(format: "%.0f", corpus.files / seconds), String(format: "%.1f", corpus.bytes / 1e6 / seconds)]
        }

        var processRows: [[String]] = []
        var checkSeconds: [Int: Double] = [:]
        var floorLines: [String] = []
        let floorTool = (Measure.buildDirectory as NSString).appendingPathComponent("fichesync-floor")
        for corpus in corpora {
            FileHandle.standardError.write(Data("measuring `fichesync check` and the floor on \(corpus.label)…\n".utf8))
            // Interleaved runs, so both see the same machine.
            // On a shared VM a best of 5 swings from one run to the next (0.93× then 1.46×
            // minutes apart on 2026-12-03); the median of many pairs is the steady figure.
            var wall: [Double] = [], cpu: [Double] = [], floorWall: [Double] = [], floorCPUs: [Double] = [], peak = 0.0
            for _ in 0..<max(1, corpus.size == authors ? max(runs, pairs) : runs) {
                let child = try Measure.child(fichesync, ["check", corpus.bare, "--format", "json"])
                guard child.status == 0 else { throw ValidationError("fichesync check \(corpus.bare) exited \(child.status)") }
                wall.append(child.seconds)
                cpu.append(child.cpuSeconds)
                peak = max(peak, child.peakRSSMegabytes)
                if FileManager.default.isExecutableFile(atPath: floorTool) {
                    let floor = try Measure.child(floorTool, [corpus.bare])
                    guard floor.status == 0 else { throw ValidationError("fichesync-floor \(corpus.bare) exited \(floor.status)") }
                    floorWall.append(floor.seconds)
                    floorCPUs.append(floor.cpuSeconds)
                }
            }
            func median(_ values: [Double]) -> Double {
                let sorted = values.sorted()
                guard !sorted.isEmpty else { return .infinity }
                return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            }
            let best = wall.min() ?? .infinity, bestCPU = cpu.min() ?? .infinity
            let floorBest = floorWall.min() ?? .infinity, floorCPU = floorCPUs.min() ?? .infinity
            checkSeconds[corpus.size] = best
            processRows.append([corpus.label, "`fichesync check <bare repo>`, whole process"] + rate(corpus, best) + [String(format: "%.0f MB", peak)])
            if floorBest.isFinite {
                processRows.append([corpus.label, "floor: `fichesync-floor <bare repo>` (one thread: libgit2 reads + libyaml events), whole process"]
                                   + rate(corpus, floorBest) + [""])
                floorLines.append(String(format: "`fichesync check` vs the floor on %@, %d interleaved pairs: medians %.3f s vs %.3f s, %.2f× its wall time, %.2f× its CPU time (bests: %.2f× wall, %.2f× CPU)",
                                         corpus.label, wall.count, median(wall), median(floorWall), median(wall) / median(floorWall),
                                         median(cpu) / median(floorCPUs), best / floorBest, bestCPU / floorCPU))
            }
        }
        FileHandle.standardError.write(Data("measuring `fichesync check` on the hostile fiches…\n".utf8))
        let hostile = try Self.writeHostileFiches(in: "\(work)/hostile")
        var hostileBest = Double.infinity, hostilePeak = 0.0
        for _ in 0..<max(1, runs) {
            let child = try Measure.child(fichesync, ["check", hostile])
            guard child.status == 1 else { throw ValidationError("fichesync check \(hostile) exited \(child.status), not 1") }
            hostileBest = min(hostileBest, child.seconds)
            hostilePeak = max(hostilePeak, child.peakRSSMegabytes)
        }
        processRows.append(["2 hostile fiches: an alias bomb (10 levels of 9 aliases) and `[[[…]]]` 40,000 deep",
                            "`fichesync check <folder>`, whole process: both refused [yaml-limits]",
                            String(format: "%.3f s", hostileBest), "", "", String(format: "%.0f MB", hostilePeak)])
        // The sync figures need a database: fichesync's own embedded cluster, in the work folder.
        var logger = Logger(label: "fichesync-bench")
        logger.logLevel = .warning
        let cluster = skipSync ? nil : try EmbeddedPostgres(home: "\(work)/home")
        try await cluster?.acquire()
        defer { cluster?.release() }
        let syncBenchmark = cluster.map { SyncBenchmark(cluster: $0, logger: logger, today: today) }
        if let syncBenchmark, let corpus = corpora.last {
            FileHandle.standardError.write(Data("measuring `fichesync sync` (cold) on \(corpus.label)…\n".utf8))
            guard case .url(let url) = try await syncBenchmark.freshDatabase() else { throw ValidationError("no database") }
            let child = try Measure.child(fichesync, ["sync", corpus.bare], environment: ["DATABASE_URL": url])
            guard child.status == 0 else { throw ValidationError("fichesync sync \(corpus.bare) exited \(child.status)") }
            processRows.append([corpus.label, "`fichesync sync`, cold, into an empty database, whole process"]
                               + rate(corpus, child.seconds) + [String(format: "%.0f MB", child.peakRSSMegabytes)])
        }

        var python: (seconds: Double, rss: Double)?
        if let real = corpora.first {
            FileHandle.standardError.write(Data("measuring the PyYAML baseline…\n".utf8))
            let child = try Measure.child("/usr/bin/env", ["python3", baseline, real.folder, "--repeat", "\(runs)"], captureOutput: true)
            if let line = child.output.split(separator: "\n").last(where: { $0.hasPrefix("BASELINE ") }),
               let seconds = line.split(separator: " ").first(where: { $0.hasPrefix("seconds=") }).flatMap({ Double($0.dropFirst(8)) }) {
                python = (seconds, child.peakRSSMegabytes)
                processRows.append([real.label, "PyYAML CSafeLoader baseline: read + parse + reference checks, folder"]
                                   + rate(real, seconds) + [String(format: "%.0f MB", child.peakRSSMegabytes)])
            } else {
                print("PyYAML baseline did not run (exit \(child.status)): \(child.output.prefix(300))")
            }
        }

        var rows: [[String]] = []
        var parseValidateSeconds: [Int: Double] = [:]
        for corpus in corpora {
            FileHandle.standardError.write(Data("measuring in process on \(corpus.label)…\n".utf8))
            let parse = try Measure.best(runs: runs) { _ = try CatalogReader.read(directory: corpus.folder) }
            let parseValidate = try Measure.best(runs: runs) {
                let catalog = try CatalogReader.read(directory: corpus.folder).0
                _ = Validator(today: today).validate(catalog)
            }
            let commit = try GitRepository(at: corpus.bare).commit(for: "HEAD")
            let fromGit = try Measure.best(runs: runs) {
                let catalog = try CatalogReader.read(repository: corpus.bare, commit: commit).0
                _ = Validator(today: today).validate(catalog)
            }
            parseValidateSeconds[corpus.size] = parseValidate
            rows.append([corpus.label, "(a) read + parse, folder"] + rate(corpus, parse) + [""])
            rows.append([corpus.label, "(b) read + parse + validate, folder"] + rate(corpus, parseValidate) + [""])
            rows.append([corpus.label, "(c) read + parse + validate, bare git (libgit2)"] + rate(corpus, fromGit) + [""])
        }
        var syncLines: [String] = []
        if let syncBenchmark, let real = corpora.first {
            FileHandle.standardError.write(Data("measuring sync in process on \(real.label)…\n".utf8))
            let figures = try await syncBenchmark.run(folder: real.folder, bare: real.bare, runs: runs)
            rows.append([real.label, "sync: cold full, into an empty database"] + rate(real, figures.coldFull) + [""])
            rows.append([real.label, "sync: no-op (already at the commit)", String(format: "%.4f s", figures.noOp), "", "", ""])
            rows.append([real.label, "sync: incremental, 15 fiches edited", String(format: "%.4f s", figures.incremental), "", "", ""])
            rows.append([real.label, "sync: incremental, 13 edited + 1 renamed + 1 deleted",
                         String(format: "%.4f s", figures.incrementalWithRename), "", "", ""])
            syncLines.append(String(format: "incremental (15 fiches) vs cold full sync: %.0f× faster; with a rename and a deletion: %.0f×",
                                    figures.coldFull / figures.incremental, figures.coldFull / figures.incrementalWithRename))
        }
        if let syncBenchmark, let real = corpora.first {
            FileHandle.standardError.write(Data("measuring a no-op reconcile on \(real.label)…\n".utf8))
            let figures = try await ReconcileBenchmark(sync: syncBenchmark, today: today).run(folder: real.folder, runs: runs)
            rows.append([real.label, "reconcile: no-op run against the fakes (\(figures.accounts) accounts held), \(figures.requests) requests, \(figures.operations) operations",
                         String(format: "%.3f s", figures.noOpSeconds), "", "", ""])
            rows.append([real.label, "reconcile: planning alone (pure)", String(format: "%.4f s", figures.planningSeconds), "", "", ""])
            FileHandle.standardError.write(Data("measuring a first convergence (providers answering 20 ms late)…\n".utf8))
            let first = try await ReconcileBenchmark(sync: syncBenchmark, today: today).convergence(folder: real.folder, count: 400, latency: .milliseconds(20))
            rows.append([real.label, "reconcile: first convergence of 400 members (\(first.operations) operations, providers answering 20 ms late), 4 at once on OVH/Mattermost",
                         String(format: "%.2f s", first.concurrent), "", "", ""])
            rows.append([real.label, "reconcile: the same, one operation at a time", String(format: "%.2f s", first.sequential), "", "", ""])
            syncLines.append(String(format: "first convergence, operations side by side vs one at a time: %.1f× faster", first.sequential / first.concurrent))
            FileHandle.standardError.write(Data("measuring the sandbox's first convergence, state saved as it changes or not…\n".utf8))
            let sandbox = try await ReconcileBenchmark(sync: syncBenchmark, today: today).sandboxConvergence(folder: real.folder)
            rows.append([real.label, "reconcile sandbox: first convergence (\(sandbox.operations) operations), fakes' changes saved before each answer (\(sandbox.saves) saves, \(sandbox.kilobytes) kB)",
                         String(format: "%.2f s", sandbox.saved), "", "", ""])
            rows.append([real.label, "reconcile sandbox: the same, nothing saved", String(format: "%.2f s", sandbox.unsaved), "", "", ""])
            syncLines.append(String(format: "sandbox first convergence: saving the fakes' changes as they happen costs %.0f %%", (sandbox.saved / sandbox.unsaved - 1) * 100))
        }
        if let real = corpora.first {
            FileHandle.standardError.write(Data("measuring the PR bot's in-place edits on \(real.label)…\n".utf8))
            let bot = PRBotBenchmark(fichesync: fichesync, today: today)
            let edits = try bot.edits(authors: real.size, runs: runs)
            rows.append([real.label, "PR bot: in-place mission extension of every author fiche (\(edits.count)), each read back and verified",
                         String(format: "%.3f s", edits.seconds), String(format: "%.0f", Double(edits.count) / edits.seconds), "", ""])
        }
        if let syncBenchmark {
            FileHandle.standardError.write(Data("measuring `fichesync onboard` against the sandbox GitHub…\n".utf8))
            guard case .url(let url) = try await syncBenchmark.freshDatabase() else { throw ValidationError("no database") }
            let synced = try Measure.child(fichesync, ["sync", PRBotBenchmark.fixtures], environment: ["DATABASE_URL": url])
            guard synced.status == 0 else { throw ValidationError("fichesync sync of the fixtures exited \(synced.status)") }
            let onboard = try await PRBotBenchmark(fichesync: fichesync, today: today).onboard(database: url, work: work, runs: runs)
            processRows.append(["fixtures (150 authors), sandbox GitHub on loopback",
                                "`fichesync onboard --file`, whole process: submission checked, fiche rendered, PR opened (\(onboard.requests) requests)",
                                String(format: "%.3f s", onboard.seconds), "", "", ""])
        }
        rows += processRows

        if let python, let real = corpora.first, let ours = parseValidateSeconds[real.size], let check = checkSeconds[real.size] {
            print(String(format: "speed-up vs the PyYAML baseline on %@: %.1f× in process (b vs baseline), %.1f× for the whole `fichesync check` process",
                         real.label, python.seconds / ours, python.seconds / check))
        }
        floorLines.forEach { print($0) }
        syncLines.forEach { print($0) }
        print("")
        print("| corpus | measurement | best of \(runs) | fiches/s | MB/s | peak RSS |")
        print("|---|---|---|---|---|---|")
        for row in rows { print("| " + row.joined(separator: " | ") + " |") }
        print("")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; release build; \(today)")
    }

    /// The two fiches that exhausted memory and the stack before `YAMLLimits`.
    static func writeHostileFiches(in root: String) throws -> String {
        let folder = root + "/content/_authors"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let head = "---\nfullname: Marc Petit\nrole: Coach\ndomaine: Coaching\nmissions: []\n"
        var bomb = head + "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<10 {
            bomb += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        let deep = head + "deep: " + String(repeating: "[", count: 40_000) + "1" + String(repeating: "]", count: 40_000) + "\n---\n"
        try Data((bomb + "---\n").utf8).write(to: URL(fileURLWithPath: folder + "/bombe.alias.md"))
        try Data(deep.utf8).write(to: URL(fileURLWithPath: folder + "/tres.profond.md"))
        return root
    }

    /// Counts the fiche files under `root/content` and their bytes, without reading them.
    static func sizeOfFiches(in root: String) throws -> (files: Int, bytes: Int) {
        var files = 0, bytes = 0
        let content = root + "/content"
        for folder in try FileManager.default.contentsOfDirectory(atPath: content) where folder.hasPrefix("_") {
            for name in try FileManager.default.contentsOfDirectory(atPath: "\(content)/\(folder)") where name.hasSuffix(".md") {
                files += 1
                bytes += (try FileManager.default.attributesOfItem(atPath: "\(content)/\(folder)/\(name)")[.size] as? Int) ?? 0
            }
        }
        return (files, bytes)
    }
}
