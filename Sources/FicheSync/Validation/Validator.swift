/// The rules that look across files (references, duplicates between fiches) plus the file
/// name rule, over a ``Catalog``. Pure: `today` is passed in (for the "ends more than 10
/// years ahead" warning), nothing is read from the disk or the clock.
///
/// Errors are exactly those of FICHES.md, "Rules the repository's own CI enforces": a commit
/// that CI accepts must never get an error here. Everything else is a warning.
public struct Validator: Sendable {
    public var today: FicheDate

    public init(today: FicheDate) {
        self.today = today
    }

    /// The file diagnostics of the catalog and the cross-file ones, sorted.
    ///
    /// - Parameter references: the fiches that exist, when `catalog` holds only some of them
    ///   (an incremental sync validates the changed files against every file of the commit).
    ///   By default, the catalog's own files.
    public func validate(_ catalog: Catalog, references: ReferenceIndex? = nil) -> [Diagnostic] {
        var out = catalog.fileDiagnostics
        let index = references ?? ReferenceIndex(catalog.locations)
        let startupIDs = index.ids(of: .startup)
        let organisationIDs = index.ids(of: .organisation)
        let incubatorIDs = index.ids(of: .incubator)
        let teamIDs = index.ids(of: .team)

        for location in catalog.locations where location.kind == .author && !Self.isValidAuthorID(location.id) {
            out.append(Diagnostic(
                path: location.path, position: .fileStart, severity: .error, rule: .authorFileName,
                message: "author file name \"\(location.id).md\" must be firstname.lastname.md: lowercase letters without accents, `-`, `_` for spaces, and a dot between the names"))
        }

        var firstByFullname: [String: String] = [:]
        firstByFullname.reserveCapacity(catalog.authors.count)
        let farFuture = today.adding(years: 10)
        for author in catalog.authors {
            func error(_ rule: Rule, _ position: SourcePosition, _ message: String) {
                out.append(Diagnostic(path: author.path, position: position, severity: .error, rule: rule, message: message))
            }
            func warning(_ rule: Rule, _ position: SourcePosition, _ message: String) {
                out.append(Diagnostic(path: author.path, position: position, severity: .warning, rule: rule, message: message))
            }
            // The field's name is only built for a reference that does not resolve.
            func checkStartup(_ startup: Located<String>, _ field: @autoclosure () -> String) {
                guard !startupIDs.contains(startup.value) else { return }
                error(.unknownStartup, startup.position,
                      "`\(field())` names the startup \"\(startup.value)\", but there is no content/_startups/\(startup.value).md")
            }
            for (index, mission) in author.missions.enumerated() {
                for startup in mission.startups { checkStartup(startup, "missions[\(index)].startups") }
            }
            for startup in author.previously { checkStartup(startup, "previously") }
            for startup in author.startups { checkStartup(startup, "startups") }
            for team in author.teams where !teamIDs.contains(team.value) {
                warning(.unresolvedTeam, team.position, "`teams` names the team \"\(team.value)\", but there is no content/_teams/\(team.value).md")
            }
            let name = author.fullname.value.trimmingWhitespace()
            if !name.isEmpty {
                if let first = firstByFullname[name] {
                    warning(.duplicateFullname, author.fullname.position,
                            "another member has the same fullname \"\(name)\": content/_authors/\(first).md")
                } else {
                    firstByFullname[name] = author.id
                }
            }
            if let github = author.github, !github.value.isEmpty, !Self.isValidGitHubLogin(github.value) {
                warning(.githubLogin, github.position,
                        "\"\(github.value)\" is not a GitHub login (letters, digits and single hyphens, at most 39, no hyphen first or last)")
            }
            for (index, mission) in author.missions.enumerated() where mission.end > farFuture {
                warning(.farFutureEnd, mission.endPosition,
                        "`missions[\(index)].end` is \(mission.end), more than 10 years ahead: is the year right?")
            }
        }

        for startup in catalog.startups {
            func diagnostic(_ severity: Diagnostic.Severity, _ rule: Rule, _ position: SourcePosition, _ message: String) {
                out.append(Diagnostic(path: startup.path, position: position, severity: severity, rule: rule, message: message))
            }
            for sponsor in startup.sponsors where !organisationIDs.contains(sponsor.value) {
                diagnostic(.error, .unknownOrganisation, sponsor.position,
                           "`sponsors` names the organisation \"\(sponsor.value)\", but there is no content/_organisations/\(sponsor.value).md")
            }
            if !startup.incubator.value.isEmpty, !incubatorIDs.contains(startup.incubator.value) {
                diagnostic(.warning, .unresolvedIncubator, startup.incubator.position,
                           "`incubator` names \"\(startup.incubator.value)\", but there is no content/_incubators/\(startup.incubator.value).md")
            }
            if !startup.incubators.isEmpty {
                checkCoIncubation(startup, incubatorIDs: incubatorIDs) { diagnostic(.error, .coIncubation, $0, $1) }
            }
        }

        for incubator in catalog.incubators {
            guard let owner = incubator.owner else { continue }
            if owner.value.isEmpty {
                out.append(Diagnostic(path: incubator.path, position: owner.position, severity: .warning, rule: .unresolvedOwner,
                                      message: "`owner` is empty: name the organisation as /organisations/<id>"))
            } else if !organisationIDs.contains(owner.value) {
                out.append(Diagnostic(path: incubator.path, position: owner.position, severity: .warning, rule: .unresolvedOwner,
                                      message: "`owner` names the organisation \"\(owner.value)\", but there is no content/_organisations/\(owner.value).md"))
            }
        }
        for team in catalog.teams {
            if let incubator = team.incubator, !incubatorIDs.contains(incubator.value) {
                out.append(Diagnostic(path: team.path, position: incubator.position, severity: .warning, rule: .unresolvedIncubator,
                                      message: "`incubator` names \"\(incubator.value)\", but there is no content/_incubators/\(incubator.value).md"))
            }
        }
        return out.sorted()
    }

    /// Rule 5: `incubators` lists at least two existing incubators and includes `incubator`.
    private func checkCoIncubation(_ startup: StartupFiche, incubatorIDs: Set<String>,
                                   report: (SourcePosition, String) -> Void) {
        let ids = startup.incubators
        let listPosition = ids.first?.position ?? startup.incubator.position
        if Set(ids.map(\.value)).count < 2 {
            report(listPosition, "`incubators` (co-incubation) must list at least two incubators")
        }
        for id in ids where !incubatorIDs.contains(id.value) {
            report(id.position, "`incubators` names \"\(id.value)\", but there is no content/_incubators/\(id.value).md")
        }
        if !ids.contains(where: { $0.value == startup.incubator.value }) {
            report(listPosition, "`incubators` must include the startup's own `incubator` (\"\(startup.incubator.value)\")")
        }
    }

    /// FICHES.md rule 1, `^[a-z_.-]+\.[a-z_.-]+$` for the id (the `.md` is the file's own):
    /// allowed characters only, and a dot with something on each side.
    public static func isValidAuthorID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count >= 3, bytes.allSatisfy({
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "_")
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }) else { return false }
        return bytes[1..<(bytes.count - 1)].contains(UInt8(ascii: "."))
    }

    /// An address fichesync may send mail to or redirect to: plain ASCII `local@domain`, a
    /// dotted domain, no quoting, comments or spaces (nothing that could smuggle a second
    /// header, path segment or JSON field).
    public static func isValidEmailAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.utf8.count <= 254, parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        guard (1...64).contains(local.utf8.count), local.allSatisfy(localAllowed.contains),
              local.first != ".", local.last != ".", !local.contains("..") else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let labelAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        return labels.count >= 2 && labels.allSatisfy {
            (1...63).contains($0.utf8.count) && $0.allSatisfy(labelAllowed.contains) && $0.first != "-" && $0.last != "-"
        }
    }

    /// GitHub's login rule: 1–39 characters, ASCII letters, digits and hyphens, no hyphen
    /// first or last, no two hyphens in a row.
    public static func isValidGitHubLogin(_ login: String) -> Bool {
        let bytes = Array(login.utf8)
        guard (1...39).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        var previousHyphen = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                previousHyphen = false
            case UInt8(ascii: "-"):
                if previousHyphen { return false }
                previousHyphen = true
            default:
                return false
            }
        }
        return true
    }
}
