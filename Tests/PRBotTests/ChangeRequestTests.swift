import FicheSync
import Foundation
import TestKit
import Testing
@testable import PRBot

@Suite struct ChangeRequestTests {
    let catalog: Catalog
    let directory: SubmissionCatalog

    init() throws {
        catalog = try CatalogReader.read(directory: Package.fixtures).0
        directory = SubmissionCatalog(catalog)
    }

    func author(_ id: String) throws -> AuthorFiche { try #require(catalog.authors.first { $0.id == id }) }

    func problems(_ request: ChangeRequest, for id: String) throws -> [String: String] {
        let current = try author(id)
        do {
            _ = try request.check(for: current, against: directory, today: today)
            Issue.record("accepted: \(request)")
            return [:]
        } catch {
            return Dictionary(error.problems.map { ($0.field, $0.message) }, uniquingKeysWith: { $0 + " / " + $1 })
        }
    }

    @Test func aValidRequestBecomesTheChange() throws {
        let mission = MemberSubmission.Mission(start: "2028-07-01", end: "2029-01-01", status: "service", employer: "Octo", startups: ["auxAJ"])
        let change = try ChangeRequest(end: "2028-12-31", addMission: mission, github: "gnoiret-new", role: "Data scientist")
            .check(for: try author("gustave.noiret"), against: directory, today: today)
        #expect(change == ProposedChange(lastMissionEnd: FicheDate(year: 2028, month: 12, day: 31),
                                         newMissions: [NewMission(start: FicheDate(year: 2028, month: 7, day: 1)!, end: FicheDate(year: 2029, month: 1, day: 1)!,
                                                                  status: .service, employer: "Octo", startups: ["auxAJ"])],
                                         github: "gnoiret-new", role: "Data scientist"))
    }

    @Test func eachMistakeIsNamed() throws {
        // gustave.noiret's last mission starts 2026-08-02 and ends 2028-06-12; his login is gnoiret.
        #expect(try problems(ChangeRequest(end: "2026-01-01"), for: "gustave.noiret")["end"]?.contains("doit venir après") == true)
        #expect(try problems(ChangeRequest(end: "2028-06-12"), for: "gustave.noiret")["end"]?.contains("finit déjà") == true)
        #expect(try problems(ChangeRequest(end: "2040-13-01"), for: "gustave.noiret")["end"]?.contains("AAAA-MM-JJ") == true)
        #expect(try problems(ChangeRequest(end: "2099-01-01"), for: "gustave.noiret")["end"]?.contains("plus de 10 ans") == true)
        #expect(try problems(ChangeRequest(github: "gnoiret"), for: "gustave.noiret")["github"]?.contains("dit déjà") == true)
        #expect(try problems(ChangeRequest(github: "-x-"), for: "gustave.noiret")["github"] != nil)
        let taken = try #require(catalog.authors.first { $0.github != nil && $0.id != "gustave.noiret" && Validator.isValidGitHubLogin($0.github!.value) })
        #expect(try problems(ChangeRequest(github: taken.github!.value), for: "gustave.noiret")["github"]?.contains(taken.id) == true)
        #expect(try problems(ChangeRequest(role: "Data engineer"), for: "gustave.noiret")["role"]?.contains("dit déjà") == true)
        #expect(try problems(ChangeRequest(role: "a\nb"), for: "gustave.noiret")["role"] != nil)
        #expect(try problems(ChangeRequest(), for: "gustave.noiret")["(demande)"]?.contains("rien à changer") == true)
        #expect(try problems(ChangeRequest(end: "2027-01-01"), for: "ninon.abadie")["end"]?.contains("aucune mission") == true)
        let unknown = MemberSubmission.Mission(start: "2027-01-01", end: "2027-06-01", status: "admin", startups: ["inconnue"])
        #expect(try problems(ChangeRequest(addMission: unknown), for: "gustave.noiret")["addMission.startups[0]"] != nil)
    }
}
