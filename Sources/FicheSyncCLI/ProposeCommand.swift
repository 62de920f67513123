import ArgumentParser
import FicheSync
import Foundation
import PRBot

struct ProposeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "Propose a change to a member's fiche as one pull request that changes only its lines.",
        discussion: """
        The fiche is read from SOURCE as `sync` reads it (default: $FICHES_REPOSITORY) and edited \
        in place: comments, key order, quoting, line ends and the Markdown body stay as they are. \
        --end moves the end of the mission that ends last (a mission extension); --add-mission \
        adds the mission of a JSON file ({"start", "end", "status", "employer", "startups"}). \
        --print writes the unified diff and submits nothing; otherwise the change is proposed on \
        the upstream's current fiche from GITHUB_FORK, and the pull request's URL is printed. \
        Without GITHUB_TOKEN, the sandbox's GitHub gets it.

        Exit status: 0 done, 1 the change is refused (each problem on its own line), 2 anything else.
        """
    )

    @Argument(help: "The member's id (firstname.lastname).")
    var id: String

    @Option(help: "New end of the mission that ends last (YYYY-MM-DD).")
    var end: String?

    @Option(name: .customLong("add-mission"), help: "A JSON file with a mission to add.")
    var addMission: String?

    @Option(help: "The member's GitHub login.")
    var github: String?

    @Option(help: "The member's new role.")
    var role: String?

    @Option(help: "A git repository, a git URL, or a folder holding content/ (default: $FICHES_REPOSITORY).")
    var source: String?

    @Option(help: "Revision to read from a git source (default: HEAD).")
    var rev: String?

    @Flag(help: "Write the unified diff to standard output and submit nothing.")
    var print = false

    func validate() throws {
        guard Validator.isValidAuthorID(id) else {
            throw ValidationError("\"\(id)\" is not a member id (firstname.lastname: lowercase letters, -, _ and a dot)")
        }
    }

    func run() async throws {
        let location = FicheLocation(kind: .author, id: id)
        let source = self.source ?? Environment.settings.fichesRepository
        var mission: MemberSubmission.Mission?
        if let addMission {
            let bytes = try await readSubmission(addMission)
            do {
                mission = try JSONDecoder().decode(MemberSubmission.Mission.self, from: Data(bytes))
            } catch {
                refuse(SubmissionRefused([SubmissionProblem("addMission", "ce n'est pas une mission en JSON : {\"start\", \"end\", \"status\", \"employer\", \"startups\"}")]), file: addMission)
            }
        }
        let (catalog, bytes): (Catalog, [UInt8]?)
        do {
            let kind = try ContentSource.classify(source, revisionRequested: rev != nil)
            let cache = Environment.repositoryCache, rev = self.rev
            (catalog, bytes) = try await BlockingWork.run {
                (try kind.load(revision: rev, cache: cache).catalog, try kind.fiche(location, revision: rev, cache: cache))
            }
        } catch {
            fail(describe(error))
        }
        guard let bytes, let current = catalog.authors.first(where: { $0.id == id }) else {
            fail("no fiche \(location.path) in \(ContentSource.redacted(source)): check the id")
        }
        let request = ChangeRequest(end: end, addMission: mission, github: github, role: role)
        let change: ProposedChange
        do {
            change = try request.check(for: current, against: SubmissionCatalog(catalog), today: .today())
        } catch {
            refuse(error, file: location.path)
        }
        if print {
            do {
                let edited = try change.apply(to: bytes, id: id)
                FileHandle.standardOutput.write(Data(UnifiedDiff.of(bytes, edited, path: location.path).utf8))
            } catch {
                fail("\(location.path): \(error.description)")
            }
            return
        }
        var seen = Set<String>()
        let startups = current.missions.flatMap { $0.startups.map(\.value) }.filter { seen.insert($0).inserted }
        let facts = OpenedPullRequestRecord(kind: .update, memberID: id, startups: startups)
        let fullname = current.fullname.value
        let opened = try await PullRequestBot.openAndRecord(facts) { [id] in
            try await $0.open(change: change, memberID: id, fullname: fullname)
        }
        Swift.print(opened.url)
        if opened.existing {
            FileHandle.standardError.write(Data("fichesync: a pull request changing \(location.path) was already open: \(opened.url) (nothing new was written)\n".utf8))
        }
    }
}
