import Foundation
import Testing
import TestKit
@testable import FicheSync

/// The bundled `fixtures/beta.gouv.fr` tree: every trap of FICHES.md (listed with its file and
/// line in fixtures/beta.gouv.fr/TRAPS.md) reads as the real repository means it.
@Suite struct FixtureTests {
    static let today = FicheDate(year: 2026, month: 11, day: 25)!
    let catalog: Catalog

    init() throws {
        catalog = try CatalogReader.read(directory: Package.fixtures).0
    }

    func author(_ id: String) throws -> AuthorFiche { try #require(catalog.authors.first { $0.id == id }) }
    func startup(_ id: String) throws -> StartupFiche { try #require(catalog.startups.first { $0.id == id }) }

    @Test func countsAndNoErrors() {
        #expect(catalog.authors.count == 150)
        #expect(catalog.startups.count == 40)
        #expect(catalog.incubators.count == 6)
        #expect(catalog.organisations.count == 20)
        #expect(catalog.teams.count == 8)
        #expect(catalog.fileCount == 224)
        let diagnostics = Validator(today: Self.today).validate(catalog)
        #expect(diagnostics.filter { $0.severity == .error } == [])
    }

    /// Exactly the eight warnings TRAPS.md lists, at their lines.
    @Test func expectedWarnings() {
        let warnings = Validator(today: Self.today).validate(catalog).map { "\($0.path):\($0.line) \($0.rule.rawValue)" }
        #expect(warnings == [
            "content/_authors/apolline.marceau.md:12 unresolved-team",
            "content/_authors/camille.martin.md:2 duplicate-fullname",
            "content/_authors/lucas.moreau.md:5 github-login",
            "content/_authors/nina.lambert.md:5 github-login",
            "content/_authors/ulysse.bernier.md:14 far-future-end",
            "content/_incubators/fabrique-sante-numerique.md:3 unresolved-owner",
            "content/_incubators/incubateur-val-de-loire.md:3 unresolved-owner",
            "content/_startups/auxAJ.md:4 unresolved-incubator",
        ])
    }

    @Test func crlfFilesParse() throws {
        let gustave = try author("gustave.noiret")
        #expect(!gustave.fullname.value.contains("\r"))
        #expect(!gustave.role.contains("\r"))
        #expect(try startup("signal-voirie").stats == true)
    }

    @Test func dashesInBodiesDoNotEndTheFrontMatter() throws {
        #expect(try startup("guichet-associations").title == "Guichet Associations")
        #expect(try author("clovis.rambert").missions.isEmpty == false)
    }

    @Test func emptyValues() throws {
        #expect(try startup("guichet-associations").link == "")
        #expect(try author("sacha.vernier").github == nil)
        #expect(try author("ninon.abadie").missions.isEmpty)
        #expect(catalog.incubators.first { $0.id == "incubateur-val-de-loire" }?.owner?.value == "")
    }

    @Test func quotedNumericGithubStaysText() throws {
        #expect(try author("gaspard.fontaine").github?.value == "1234567")
    }

    @Test func dataURIAvatarIsKeptWhole() throws {
        let avatar = try #require(try author("irene.bonnefoy").avatar)
        #expect(avatar.hasPrefix("data:image/png;base64,"))
        #expect(avatar.utf8.count == 120_022)
    }

    @Test func accentedAndCapitalisedStartupIdsResolve() throws {
        #expect(ReferenceIndex(catalog.locations).ids(of: .startup).isSuperset(of: ["e-inspé", "auxAJ"]))
        let anatole = try author("anatole.garrigue")
        #expect(anatole.missions.flatMap(\.startups).map(\.value).contains("e-inspé"))
    }

    @Test func legacyLists() throws {
        let odile = try author("odile.chastel")
        #expect(!odile.startups.isEmpty)
        #expect(!odile.previously.isEmpty)
    }

    @Test func yaml11Booleans() throws {
        #expect(try startup("aide-cantine").stats == true)
        #expect(try startup("carte-des-aidants").stats == false)
        #expect(try startup("signal-voirie").stats == true)
        #expect(try startup("mon-jardin-partage").stats == false)
    }

    @Test func whitespaceIsKeptWhereQuotedAndTrimmedWhereNot() throws {
        #expect(try author("jean.dupont").fullname.value == " Jean Dupont")
        let rose = try author("rose.delaunay")
        #expect(rose.role == "Développeuse\tback-end")
        #expect(rose.domaine == .developpement)
        #expect(rose.github?.value == "rdelaunay")
        #expect(try author("chloe.darcy").fullname.value == "Chloé d'Arcy")
        #expect(try author("victoire.sauvage").role == "Chargée de mission : déploiement territorial")
    }

    @Test func unknownKeysAreKept() throws {
        let startups = catalog.startups.filter { !$0.extra.isEmpty }
        #expect(!startups.isEmpty)
    }

    @Test func activityFollowsMissionEnds() throws {
        let active = catalog.authors.filter { $0.isActive(on: Self.today) }.count
        #expect(active == 72)
        #expect(catalog.authors.filter { $0.isActive(on: Self.today.adding(days: 1)) }.count == 71)
    }
}
