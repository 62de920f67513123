// libFuzzer entry point for the front-matter parser and decoder (`Fuzz/run`).
//
// Compiled by `Fuzz/run` together with the sources of FicheSync's pure reading core
// (YAML, Decoding, Diagnostics, Model), not through SwiftPM: coverage instrumentation
// then covers our code only, and the build takes seconds instead of rebuilding NIO.
//
// It asserts what a hostile fiche must never break: no crash (ASan and libFuzzer watch),
// bounded memory (`-rss_limit_mb`) and time per input (`-timeout`), and every diagnostic
// position inside the file.

/// The first byte picks the kind of fiche, so every decoder is exercised.
private let locations: [FicheLocation] = [
    "content/_authors/marc.petit.md", "content/_startups/mon-projet.md", "content/_incubators/incubateur-dinum.md",
    "content/_organisations/dinum.md", "content/_teams/equipe.md", "content/_authors/Mauvais Nom.md",
].compactMap { FicheLocation(path: $0) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrontMatter(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let data, count > 0 else { return 0 }
    let location = locations[Int(data[0]) % locations.count]
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: count - 1)
    let result = FicheDecoder.decode(location, bytes: bytes, keepFrontMatter: true)
    _ = result.frontMatter?.json
    // Lines as an editor counts them: one more than the line feeds.
    var lines = 1
    for byte in bytes where byte == 0x0A { lines += 1 }
    for diagnostic in result.diagnostics {
        guard diagnostic.line >= 1, diagnostic.line <= lines, diagnostic.column >= 1,
              diagnostic.column <= bytes.count + 1 else {
            fatalError("diagnostic outside the file (\(lines) lines, \(bytes.count) bytes): \(diagnostic.formatted)")
        }
    }
    return 0
}
