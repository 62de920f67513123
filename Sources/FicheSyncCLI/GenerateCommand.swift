import ArgumentParser
import FicheSync
import Foundation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic content tree of N authors (and proportional startups, incubators…) for scale work.",
        discussion: "The same --seed always gives the same tree. With --bare, the tree is also committed to a new bare git repository (no work tree), as `check` and `sync` read real repositories."
    )

    @Argument(help: "Folder to write content/ into (created).")
    var output: String

    @Option(help: "Number of authors; startups, incubators, organisations and teams follow the real repository's proportions.")
    var authors = 50_000

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(help: "Also commit the tree into a new bare repository at this path.")
    var bare: String?

    @Flag(help: "Write into a folder (or --bare repository) that is not empty, overwriting the fiches it holds.")
    var force = false

    /// A folder that already holds a tree (a real checkout, another corpus) would have its
    /// fiches overwritten without a word: refuse it unless asked.
    func validate() throws {
        guard !force else { return }
        for (path, what) in [(output, "folder"), (bare, "--bare repository")] {
            guard let path, let entries = try? FileManager.default.contentsOfDirectory(atPath: path), !entries.isEmpty else { continue }
            throw ValidationError("\(path) is not empty: generate would overwrite the fiches of that \(what) — give a new or empty one, or --force")
        }
    }

    func run() throws {
        let generator = CorpusGenerator(authors: authors, seed: seed, today: .today())
        let files = generator.files()
        do {
            try CorpusWriter.write(files, toDirectory: output)
            if let bare {
                try CorpusWriter.commit(files, toNewBareRepository: bare)
            }
        } catch {
            fail(describe(error))
        }
        let bytes = files.reduce(0) { $0 + $1.bytes.count }
        print("wrote \(files.count) fiches (\(authors) authors, \(generator.startupCount) startups), \(bytes / 1024) KiB, to \(output)"
              + (bare.map { " and \($0)" } ?? ""))
    }
}
