import FicheSync

/// A change to an existing member fiche, the other half of the bot's pull requests: a
/// mission extension, a new mission, a corrected GitHub login, a new role.
///
/// Applied to the file's text **in place**: only the bytes of the values that change are
/// rewritten (or the lines added), so the diff a reviewer sees is those lines and nothing
/// else. Comments, key order, quoting style, CRLF line ends and the Markdown body stay byte
/// for byte. (The replaced system parsed the file and dumped it again: every PR showed the
/// whole file reformatted, empty keys dropped.)
public struct ProposedChange: Sendable, Equatable, Codable {
    /// The new end of the mission that ends last.
    public var lastMissionEnd: FicheDate?
    /// Missions added after the existing ones.
    public var newMissions: [NewMission]
    public var github: String?
    public var role: String?

    public init(lastMissionEnd: FicheDate? = nil, newMissions: [NewMission] = [], github: String? = nil, role: String? = nil) {
        self.lastMissionEnd = lastMissionEnd
        self.newMissions = newMissions
        self.github = github
        self.role = role
    }

    public var isEmpty: Bool { lastMissionEnd == nil && newMissions.isEmpty && github == nil && role == nil }
}

/// Why a change cannot be made to a fiche as it is written.
public struct ChangeRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The file has no front matter fichesync can read.
        case unreadableFiche = "unreadable-fiche"
        /// `lastMissionEnd` on a fiche without a mission with an end date.
        case noMissionToExtend = "no-mission-to-extend"
        /// The value is written in a way the editor does not rewrite (an alias, a mapping where a text is expected).
        case notEditable = "not-editable"
        /// The edited text did not read back as intended: nothing is proposed (a bug, never a silent bad file).
        case unexpectedResult = "unexpected-result"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code.rawValue)]" }
}

extension ProposedChange {
    /// The fiche's new bytes. Checked before they are returned: the new text must read back
    /// as the old values with exactly this change, no new error, and the same body.
    public func apply(to bytes: [UInt8], id: String) throws(ChangeRefused) -> [UInt8] {
        let location = FicheLocation(kind: .author, id: id)
        let frontMatter: FrontMatter
        do {
            frontMatter = try bytes.withUnsafeBytes { (raw) throws(FrontMatter.Problem) in try FrontMatter.locate(in: raw) }
        } catch {
            throw ChangeRefused(.unreadableFiche, "\(location.path) has no front matter between `---` lines")
        }
        let spans: FrontMatterSpans
        do {
            spans = try FrontMatterSpans(bytes, range: frontMatter.yamlRange)
        } catch {
            throw ChangeRefused(.unreadableFiche, "\(location.path): \(error.message)")
        }
        var editor = FicheTextEditor(bytes: bytes, yamlRange: frontMatter.yamlRange, root: spans.root)
        if let role { try editor.setText("role", to: role, after: ["fullname"]) }
        if let github { try editor.setText("github", to: github, after: ["domaine", "role", "fullname"]) }
        if let lastMissionEnd { try editor.extendLastMission(to: lastMissionEnd) }
        if !newMissions.isEmpty { try editor.appendMissions(newMissions) }
        let edited = editor.applied()
        try verify(edited, against: bytes, location: location)
        return edited
    }

    /// The value-level meaning of the change, compared with what the edited text reads as.
    private func verify(_ edited: [UInt8], against original: [UInt8], location: FicheLocation) throws(ChangeRefused) {
        let before = FicheDecoder.decode(location, bytes: original, keepFrontMatter: true)
        let after = FicheDecoder.decode(location, bytes: edited, keepFrontMatter: true)
        guard case .mapping(let pairs)? = before.frontMatter, case .mapping(let newPairs)? = after.frontMatter else {
            throw ChangeRefused(.unexpectedResult, "\(location.path): the edited front matter does not read back")
        }
        var expected = Dictionary(pairs, uniquingKeysWith: { _, last in last })
        if let role { expected["role"] = .string(role) }
        if let github { expected["github"] = .string(github) }
        if lastMissionEnd != nil || !newMissions.isEmpty {
            var missions: [YAMLValue] = []
            if case .list(let items)? = expected["missions"] { missions = items }
            if let end = lastMissionEnd, let index = FicheTextEditor.lastMissionIndex(missions.map(\.missionEnd)) {
                if case .mapping(var fields) = missions[index], let slot = fields.firstIndex(where: { $0.0 == "end" }) {
                    fields[slot].1 = .string(end.description)
                    missions[index] = .mapping(fields)
                }
            }
            missions += newMissions.map(\.yamlValue)
            expected["missions"] = .list(missions)
        }
        let actual = Dictionary(newPairs, uniquingKeysWith: { _, last in last })
        guard actual == expected else {
            let differing = Set(actual.keys).union(expected.keys).filter { actual[$0] != expected[$0] }.sorted()
            throw ChangeRefused(.unexpectedResult, "\(location.path): the edited fiche would not read as intended (\(differing.joined(separator: ", ")))")
        }
        let errorsBefore = before.diagnostics.filter { $0.severity == .error }.count
        let errorsAfter = after.diagnostics.filter { $0.severity == .error }
        guard errorsAfter.count <= errorsBefore else {
            throw ChangeRefused(.unexpectedResult, "the edited fiche has a new error: \(errorsAfter.map(\.formatted).joined(separator: "; "))")
        }
        let oldBody = original.withUnsafeBytes { try? FrontMatter.locate(in: $0) }.map { original[$0.bodyRange] }
        let newBody = edited.withUnsafeBytes { try? FrontMatter.locate(in: $0) }.map { edited[$0.bodyRange] }
        guard let oldBody, let newBody, oldBody.elementsEqual(newBody) else {
            throw ChangeRefused(.unexpectedResult, "\(location.path): the edit would touch the Markdown body")
        }
    }
}

extension NewMission {
    /// The mission as the front matter reads it (dates as their ISO text).
    var yamlValue: YAMLValue {
        var fields: [(String, YAMLValue)] = [("start", .string(start.description)), ("end", .string(end.description)),
                                             ("status", .string(status.rawValue))]
        if let employer { fields.append(("employer", .string(employer))) }
        if !startups.isEmpty { fields.append(("startups", .list(startups.map { .string($0) }))) }
        return .mapping(fields)
    }
}

extension YAMLValue {
    /// A mission item's `end`, when it is a date.
    var missionEnd: FicheDate? {
        guard case .mapping(let fields) = self, case .string(let text)? = fields.last(where: { $0.0 == "end" })?.1 else { return nil }
        return FicheDate(iso: text)
    }
}
