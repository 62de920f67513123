import Foundation
@testable import FicheSync

/// Where the package lives, to find the bundled fixtures and the built binary.
public enum Package {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var fixtures: String { root.appendingPathComponent("fixtures/beta.gouv.fr").path }
}

/// A folder under the system's temporary directory, removed when the value goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("fichesync-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func write(_ files: [String: String]) throws {
        for (relative, text) in files {
            let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    public func sub(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
}

/// Decodes in-memory files into a catalog and validates it: the whole pipeline but the disk.
public func diagnostics(of files: [String: String], today: FicheDate = FicheDate(year: 2026, month: 11, day: 25)!) -> [Diagnostic] {
    Validator(today: today).validate(catalog(of: files))
}

public func catalog(of files: [String: String]) -> Catalog {
    Catalog(decoded: files.compactMap { path, text in
        FicheLocation(path: path).map { ($0, FicheDecoder.decode($0, bytes: Array(text.utf8))) }
    })
}

/// A small valid tree every rule test starts from: one fiche of each kind, all references resolving.
public let validTree: [String: String] = [
    "content/_organisations/dinum.md": """
    ---
    name: Direction interministérielle du numérique
    acronym: DINUM
    ---

    """,
    "content/_incubators/incubateur-dinum.md": """
    ---
    title: Incubateur de la DINUM
    owner: /organisations/dinum
    ---

    """,
    "content/_incubators/incubateur-sante.md": """
    ---
    title: Incubateur santé
    owner: /organisations/dinum
    ---

    """,
    "content/_teams/communaute.md": """
    ---
    name: Communauté
    incubator: incubateur-dinum
    ---

    """,
    "content/_startups/aides-jeunes.md": """
    ---
    title: Aides jeunes
    mission: Simuler les aides
    incubator: incubateur-dinum
    contact: contact@aides.example.org
    sponsors:
      - /organisations/dinum
    phases:
      - name: investigation
        start: 2020-01-01
        end: 2020-06-01
      - name: construction
        start: 2020-06-01
    ---
    Corps.
    """,
    "content/_authors/jeanne.dupont.md": """
    ---
    fullname: Jeanne Dupont
    role: Développeuse
    domaine: Développement
    github: jeanne-dupont
    missions:
      - start: 2024-01-01
        end: 2027-01-01
        status: independent
        startups:
          - aides-jeunes
    teams:
      - /teams/communaute
    ---
    """,
]
