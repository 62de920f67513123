import ArgumentParser
import FicheSync
import Foundation

enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

struct MembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: "List members from the synced database (run `fichesync sync` first)."
    )

    @Flag(help: "Only members whose missions have not ended (recruits arriving later included).")
    var active = false

    @Flag(help: "Only members whose missions have all ended (or who have none).")
    var expired = false

    @Option(help: "Only members of this startup (named by a mission, or by the legacy `startups` list).")
    var startup: String?

    @Option(help: "Output: table, json or csv.")
    var format: ListFormat = .table

    func validate() throws {
        if active && expired { throw ValidationError("--active and --expired exclude each other") }
    }

    func run() async throws {
        let today = FicheDate.today()
        let filter: MemberDirectory.Filter = active ? .active : expired ? .expired : .all
        let members = try await Environment.withDatabase { database in
            try await database.withConnection { [startup] connection in
                try await MemberDirectory(connection: connection, logger: Environment.logger)
                    .members(filter, startup: startup, today: today)
            }
        }
        switch format {
        case .json:
            print(try jsonString(members))
        case .csv:
            print("id,fullname,role,domaine,state,end_date,startups")
            for m in members {
                print([m.id, m.fullname, m.role, m.domaine ?? "", m.state.rawValue, m.endDate?.description ?? "",
                       m.startups.joined(separator: " ")].map(csvField).joined(separator: ","))
            }
        case .table:
            let rows = members.map { [$0.id, $0.fullname, $0.state.rawValue, $0.endDate?.description ?? "", $0.startups.joined(separator: ", ")] }
            printTable(header: ["id", "fullname", "state", "end", "startups"], rows: rows)
            print("\(members.count) members")
        }
    }
}

struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member",
        abstract: "Show one member: missions, state, end date."
    )

    @Argument(help: "The member's id (firstname.lastname).")
    var id: String

    @Option(help: "Output: table or json.")
    var format: ListFormat = .table

    func validate() throws {
        guard Validator.isValidAuthorID(id) else {
            throw ValidationError("\"\(id)\" is not a member id (firstname.lastname: lowercase letters, -, _ and a dot)")
        }
    }

    func run() async throws {
        let today = FicheDate.today()
        let found = try await Environment.withDatabase { database in
            try await database.withConnection { [id] connection in
                try await MemberDirectory(connection: connection, logger: Environment.logger).member(id, today: today)
            }
        }
        guard let member = found else { throw UnknownMember(id: id) }
        if format == .json {
            print(try jsonString(member))
            return
        }
        let s = member.summary
        print("\(s.id) — \(s.fullname)")
        print("role: \(s.role)\(s.domaine.map { " (\($0))" } ?? "")")
        if let github = member.github { print("github: \(github)") }
        if let memberType = member.memberType { print("member type: \(memberType)") }
        print("state: \(s.state.rawValue)\(s.endDate.map { ", end date \($0)" } ?? "")")
        print("missions:")
        for m in member.missions {
            let startups = m.startups.isEmpty ? "" : "  [\(m.startups.joined(separator: ", "))]"
            print("  \(m.start) → \(m.end)  \(m.status)\(m.employer.map { "  \($0)" } ?? "")\(startups)")
        }
    }
}

func jsonString(_ value: some Encodable, dates: JSONEncoder.DateEncodingStrategy = .deferredToDate) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = dates
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// One CSV cell. A cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return: a fiche's fullname or role is anyone's text) gets a `'`
/// in front, as OWASP advises against CSV injection, so opening the export runs nothing.
func csvField(_ text: String) -> String {
    var text = text
    if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
    // Scalars, not characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
    guard text.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

func printTable(header: [String], rows: [[String]]) {
    var widths = header.map(\.count)
    for row in rows {
        for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, cell in
            i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
        }.joined(separator: "  ")
    }
    print(line(header))
    for row in rows { print(line(row)) }
}
