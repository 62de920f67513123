import Foundation
import Testing
import TestKit
@testable import FicheSync

/// Thousands of randomly damaged fiches, built from the bundled fixtures and `validTree`:
/// decoding and validating them never crashes, and every diagnostic points inside its file.
@Suite struct FuzzTests {
    /// One damaged file and where it claims to live.
    struct Mutant: Sendable {
        let location: FicheLocation
        let bytes: [UInt8]

        /// Lines of the file as an editor counts them: one more than its line feeds.
        let lineCount: Int

        init(location: FicheLocation, bytes: [UInt8]) {
            self.location = location
            self.bytes = bytes
            lineCount = Mutator.splitLines(bytes).count { $0.last == 0x0A } + 1
        }

        var path: String { location.path }
    }

    /// Mutated copies of every seed, one round at a time: a round holds at most one mutant
    /// of each seed, so paths are unique and references between fiches mostly resolve.
    static let rounds: [[Mutant]] = {
        var rng = SplitMix64(seed: 0xF1C4E)
        let seeds = seedFiles()
        return (0..<roundCount).map { _ in
            seeds.map { seed in
                var bytes = seed.bytes
                // 1 to 3 stacked mutations; the 120 KB data-URI fiche gets one, to keep the run short.
                for _ in 0..<(1 + rng.below(seed.bytes.count > 20_000 ? 1 : 3)) {
                    Mutator.mutate(&bytes, using: &rng)
                }
                return Mutant(location: seed.location, bytes: bytes)
            }
        }
    }()

    static let roundCount = 48

    /// Each round decoded file by file, then validated as one catalog (computed once, shared by the tests).
    static let decoded: [(mutants: [Mutant], results: [FicheDecoder.Result], diagnostics: [Diagnostic])] = {
        let validator = Validator(today: FicheDate(year: 2026, month: 11, day: 25)!)
        return rounds.map { mutants in
            let results = mutants.map { FicheDecoder.decode($0.location, bytes: $0.bytes) }
            let catalog = Catalog(decoded: zip(mutants.map(\.location), results))
            return (mutants, results, validator.validate(catalog))
        }
    }()

    /// A sample of each kind of fixture (CRLF files and the large data-URI one included) and `validTree`.
    static func seedFiles() -> [Mutant] {
        let content = Package.fixtures + "/content"
        let mustHave: Set = ["gustave.noiret.md", "penelope.sarrazin.md", "signal-voirie.md", "irene.bonnefoy.md",
                             "guichet-associations.md", "clovis.rambert.md", "zelie.montfort.md", "rose.delaunay.md"]
        var seeds: [Mutant] = []
        for kind in FicheKind.allCases {
            let folder = content + "/_\(kind.rawValue)s"
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            let stride = max(1, names.count / 40)
            let sample = names.enumerated().filter { index, name in
                (index % stride == 0 && index / stride < 40) || mustHave.contains(name)
            }.map(\.element)
            for name in sample {
                guard let location = FicheLocation(path: "content/_\(kind.rawValue)s/\(name)"),
                      let data = FileManager.default.contents(atPath: folder + "/" + name) else { continue }
                seeds.append(Mutant(location: location, bytes: Array(data)))
            }
        }
        for (path, text) in validTree.sorted(by: { $0.key < $1.key }) {
            seeds.append(Mutant(location: FicheLocation(path: path)!, bytes: Array(text.utf8)))
        }
        return seeds
    }

    /// The seeds hold what the brief asks for: ~40 files of each kind, CRLF ones, the data-URI one.
    @Test func seedsCoverEveryKindAndTheTraps() {
        let seeds = Self.seedFiles()
        #expect(seeds.count >= 110)
        for kind in FicheKind.allCases { #expect(seeds.contains { $0.location.kind == kind }) }
        #expect(seeds.contains { $0.bytes.contains(UInt8(ascii: "\r")) })
        #expect(seeds.contains { $0.bytes.count > 100_000 })
        #expect(Self.rounds.reduce(0) { $0 + $1.count } >= 5_000)
    }

    /// Decoding any damaged file reports its diagnostics at a line and column inside that file.
    @Test func decodedPositionsStayInsideTheFile() {
        var failures = 0
        for round in Self.decoded {
            for (mutant, result) in zip(round.mutants, round.results) {
                for diagnostic in result.diagnostics where !Self.isInside(diagnostic, mutant) || diagnostic.path != mutant.path {
                    failures += 1
                    if failures <= 5 {
                        Issue.record("\(diagnostic.formatted) is outside its file of \(mutant.lineCount) lines:\n\(Self.show(mutant))")
                    }
                }
            }
        }
        #expect(failures == 0)
    }

    /// The whole validator over a catalog of damaged files only reports positions inside them.
    @Test func validatedPositionsStayInsideTheFile() {
        var failures = 0
        var total = 0
        for round in Self.decoded {
            let byPath = Dictionary(uniqueKeysWithValues: round.mutants.map { ($0.path, $0) })
            for diagnostic in round.diagnostics {
                total += 1
                guard let mutant = byPath[diagnostic.path] else {
                    Issue.record("\(diagnostic.formatted) names a file that is not in the catalog")
                    continue
                }
                if !Self.isInside(diagnostic, mutant) {
                    failures += 1
                    if failures <= 5 {
                        Issue.record("\(diagnostic.formatted) is outside its file of \(mutant.lineCount) lines:\n\(Self.show(mutant))")
                    }
                }
            }
        }
        #expect(failures == 0)
        #expect(total > 1_000, "the mutations should produce plenty of diagnostics")
    }

    /// Every message says something and holds no raw NUL (nor a line break, which would split the text output).
    @Test func messagesAreNonEmptyWithoutNUL() {
        for round in Self.decoded {
            for diagnostic in round.diagnostics {
                #expect(!diagnostic.message.isEmpty, "\(diagnostic.path): empty message [\(diagnostic.rule.rawValue)]")
                #expect(!diagnostic.message.unicodeScalars.contains("\0"), "\(diagnostic.formatted)")
                let breaksLine = diagnostic.message.contains { $0.isNewline }
                #expect(!breaksLine, "\(diagnostic.formatted)")
            }
        }
    }

    /// libyaml also breaks lines at a lone CR and at U+0085, U+2028, U+2029, while the file's
    /// lines count `\n` only: positions are mapped back to the file's lines and columns.
    @Test(arguments: ["\r\r\r\r\r\r", "\u{85}\u{85}\u{85}\u{85}\u{85}\u{85}"])
    func lineBreaksOtherThanLineFeedDoNotShiftPositions(breaks: String) throws {
        let mutant = Mutant(location: FicheLocation(kind: .author, id: "jean.dupont"),
                            bytes: Array("---\n\(breaks)fullname: [x]\nrole: a\n---\n".utf8))
        let result = FicheDecoder.decode(mutant.location, bytes: mutant.bytes)
        let keyType = try #require(result.diagnostics.first { $0.rule == .keyType })
        #expect(keyType.line == 2)
        #expect(keyType.column == 17)
        #expect(Self.isInside(keyType, mutant))
    }

    static func isInside(_ diagnostic: Diagnostic, _ mutant: Mutant) -> Bool {
        diagnostic.line >= 1 && diagnostic.column >= 1 && diagnostic.line <= mutant.lineCount
    }

    /// The file, escaped, for a failure message (cut short: the data-URI file is 120 KB).
    static func show(_ mutant: Mutant) -> String {
        String(String(decoding: mutant.bytes.prefix(1_500), as: UTF8.self).debugDescription)
    }
}

/// Random damage of the kinds a hurried contributor (or a bad editor) does to a fiche.
enum Mutator {
    /// Characters that mean something to YAML, and spaces.
    static let significant: [UInt8] = Array(":-\"'[]{}#&*!|>%@\t\n\r ".utf8) + [UInt8(ascii: " "), UInt8(ascii: " ")]

    static func mutate(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
        var lines = splitLines(bytes)
        // Most damage lands in the front matter (the part that is parsed), some anywhere.
        let closing = lines.indices.dropFirst().first { isDelimiter(lines[$0]) }
        let focusLines = rng.below(8) == 0 ? lines.count : (closing ?? lines.count)
        let focusBytes = lines.prefix(focusLines).reduce(0) { $0 + $1.count }
        func position() -> Int { rng.below(focusBytes + 1) }
        switch rng.below(40) {
        case 0...5: // delete a byte range
            guard !bytes.isEmpty else { return }
            let start = min(position(), bytes.count - 1)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + rng.below(40)))
        case 6...15: // insert YAML-significant characters
            let insertion = (0...rng.below(8)).map { _ in significant[rng.below(significant.count)] }
            bytes.insert(contentsOf: insertion, at: position())
        case 16...19: // an invalid UTF-8 byte alone, or a NUL
            bytes.insert([0xFF, 0xC3, 0x00][rng.below(3)], at: position())
        case 20...37:
            guard focusLines > 0 else { return }
            let i = rng.below(focusLines)
            switch rng.below(5) {
            case 0: lines.insert(lines[i], at: i) // duplicate a line
            case 1: lines.swapAt(i, rng.below(focusLines)) // swap two lines
            case 2: lines.remove(at: i) // delete a line
            case 3: // indent
                lines[i].insert(contentsOf: [[UInt8(ascii: " ")], [UInt8(ascii: "\t")], Array("    ".utf8)][rng.below(3)], at: 0)
            default: // dedent
                let spaces = lines[i].prefix { $0 == UInt8(ascii: " ") }.count
                lines[i].removeFirst(min(spaces, 1 + rng.below(4)))
            }
            bytes = join(lines)
        case 38: // truncate
            bytes.removeSubrange(rng.below(bytes.count + 1)...)
        default: // remove the closing `---`
            guard let closing else { return }
            lines.remove(at: closing)
            bytes = join(lines)
        }
    }

    /// Lines with their `\n` kept, so joining them gives the bytes back (`memchr`: fast in debug builds too).
    static func splitLines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.withUnsafeBufferPointer { buffer in
            var lines: [[UInt8]] = []
            var start = 0
            while start < buffer.count {
                let found = memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start)
                let end = found.map { buffer.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) + 1 } ?? buffer.count
                lines.append(Array(buffer[start..<end]))
                start = end
            }
            return lines
        }
    }

    static func join(_ lines: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.count })
        for line in lines { bytes.append(contentsOf: line) }
        return bytes
    }

    static func isDelimiter(_ line: [UInt8]) -> Bool {
        line.starts(with: Array("---".utf8)) && line.dropFirst(3).allSatisfy { [0x20, 0x09, 0x0D, 0x0A].contains($0) }
    }
}
