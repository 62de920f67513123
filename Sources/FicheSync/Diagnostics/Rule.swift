/// The identifier of a check, printed in brackets after each message so a contributor can
/// look it up (README, "Rules") and a tool can filter on it.
///
/// Errors mirror exactly what the content repository's own CI refuses (FICHES.md, rules 1–5);
/// warnings flag what a reviewer should look at. Severity lives on the ``Diagnostic``: the
/// same check is an error in an author or startup file and a warning in an incubator,
/// organisation or team file, which that CI does not check.
public enum Rule: String, Hashable, Sendable, Codable, CaseIterable {
    // Errors the repository's CI enforces.
    case authorFileName = "author-file-name"
    case frontMatter = "front-matter"
    case yamlSyntax = "yaml-syntax"
    case frontMatterMapping = "front-matter-mapping"
    case requiredKey = "required-key"
    case keyType = "key-type"
    case enumValue = "enum-value"
    case dateOrder = "date-order"
    case unknownStartup = "unknown-startup"
    case unknownOrganisation = "unknown-organisation"
    case coIncubation = "co-incubation"
    case duplicateValue = "duplicate-value"
    /// Not a rule of the repository's CI: the documented exception, so that a hostile file
    /// (an alias bomb, nesting thousands deep) cannot exhaust memory, time or the stack.
    case yamlLimits = "yaml-limits"
    /// Not a rule of the repository's CI: an entry named like a fiche that is not a regular,
    /// readable file. An error in every kind, as a file that does not parse is, so a sync
    /// never drops a member whose fiche it could not read.
    case unreadableFile = "unreadable-file"

    // Warnings.
    case unresolvedIncubator = "unresolved-incubator"
    case unresolvedTeam = "unresolved-team"
    case unresolvedOwner = "unresolved-owner"
    case duplicateFullname = "duplicate-fullname"
    case githubLogin = "github-login"
    case farFutureEnd = "far-future-end"
    case duplicateKey = "duplicate-key"

    /// One line for `--help`, the README and the JSON output.
    public var summary: String {
        switch self {
        case .authorFileName: "author file names are firstname.lastname.md: lowercase letters, `_`, `-`, and a dot between the names"
        case .frontMatter: "a fiche starts with a `---` line and its front matter ends at the next `---` line"
        case .yamlSyntax: "the front matter is valid YAML"
        case .frontMatterMapping: "the front matter is a mapping of keys to values"
        case .requiredKey: "keys every fiche of this kind must have"
        case .keyType: "each key holds the type of value it is documented with"
        case .enumValue: "keys with a fixed list of values hold one of them"
        case .dateOrder: "an end date is strictly after its start date"
        case .unknownStartup: "startup ids referenced by a member name an existing content/_startups file"
        case .unknownOrganisation: "sponsors name an existing content/_organisations file"
        case .coIncubation: "`incubators` lists at least two existing incubators, including `incubator`"
        case .duplicateValue: "lists hold each value once"
        case .yamlLimits: "aliases expand to at most 10,000 values and lists and mappings nest at most 100 levels deep"
        case .unreadableFile: "a fiche is a regular file with a UTF-8 name that can be read: not a folder, a symbolic link, a pipe or a submodule"
        case .unresolvedIncubator: "an incubator id that names no content/_incubators file"
        case .unresolvedTeam: "a team that names no content/_teams file"
        case .unresolvedOwner: "an incubator owner that names no content/_organisations file"
        case .duplicateFullname: "two members with the same fullname"
        case .githubLogin: "a github value that cannot be a GitHub login"
        case .farFutureEnd: "a mission ending more than 10 years ahead"
        case .duplicateKey: "a mapping holds each key once (the last one is the one read)"
        }
    }
}
