import FicheSync
import Foundation

/// A new recruit's fiche as the onboarding form (or `fichesync onboard --file`) sends it: the
/// fiche's own keys, plus who vouches for them (`referent`, an active member's id) and the
/// recruit's own address (`email`, for reminders; never written into the fiche).
///
/// Decoding never fails on a field: a value of the wrong type, or an unknown key, is kept as
/// a ``SubmissionProblem`` so that the person sees every mistake at once, each on its field.
public struct MemberSubmission: Sendable, Equatable, Codable {
    public var firstname: String?
    public var lastname: String?
    public var fullname: String?
    public var role: String?
    public var domaine: String?
    public var missions: [Mission]?
    public var github: String?
    public var memberType: String?
    public var competences: [String]?
    public var link: String?
    /// The Markdown body of the fiche.
    public var description: String?
    public var referent: String?
    public var email: String?

    /// Type mistakes and unknown keys found while decoding.
    public internal(set) var decodingProblems: [SubmissionProblem] = []

    public struct Mission: Sendable, Equatable, Codable {
        public var start: String?
        public var end: String?
        public var status: String?
        public var employer: String?
        public var startups: [String]?
        var decodingProblems: [SubmissionProblem] = []

        public init(start: String?, end: String?, status: String?, employer: String? = nil, startups: [String]? = nil) {
            self.start = start
            self.end = end
            self.status = status
            self.employer = employer
            self.startups = startups
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case start, end, status, employer, startups }

        public init(from decoder: any Decoder) throws {
            var reader = try LenientFields<CodingKeys>(decoder, field: decoder.fieldPath)
            start = reader.text(.start)
            end = reader.text(.end)
            status = reader.text(.status)
            employer = reader.text(.employer)
            startups = reader.texts(.startups)
            decodingProblems = reader.problems
        }
    }

    public init(firstname: String? = nil, lastname: String? = nil, fullname: String?, role: String?, domaine: String?,
                missions: [Mission]?, github: String? = nil, memberType: String? = nil, competences: [String]? = nil,
                link: String? = nil, description: String? = nil, referent: String?, email: String?) {
        self.firstname = firstname
        self.lastname = lastname
        self.fullname = fullname
        self.role = role
        self.domaine = domaine
        self.missions = missions
        self.github = github
        self.memberType = memberType
        self.competences = competences
        self.link = link
        self.description = description
        self.referent = referent
        self.email = email
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case firstname, lastname, fullname, role, domaine, missions, github, memberType, competences, link, description,
             referent, email
    }

    public init(from decoder: any Decoder) throws {
        var reader = try LenientFields<CodingKeys>(decoder, field: "")
        firstname = reader.text(.firstname)
        lastname = reader.text(.lastname)
        fullname = reader.text(.fullname)
        role = reader.text(.role)
        domaine = reader.text(.domaine)
        missions = reader.list(.missions, of: Mission.self)
        github = reader.text(.github)
        memberType = reader.text(.memberType)
        competences = reader.texts(.competences)
        link = reader.text(.link)
        description = reader.text(.description)
        referent = reader.text(.referent)
        email = reader.text(.email)
        decodingProblems = reader.problems + (missions ?? []).flatMap(\.decodingProblems)
    }

    /// The largest submission read: far above any real one (the description is bounded to
    /// 10,000 characters), far below what would cost memory.
    public static let maxJSONBytes = 256 * 1024

    /// Reads a submission from JSON; only a body that is not a JSON object at all is refused
    /// here, with one problem.
    public static func decode(json: [UInt8]) throws(SubmissionRefused) -> MemberSubmission {
        guard json.count <= maxJSONBytes else {
            throw SubmissionRefused([SubmissionProblem("(formulaire)", "la demande dépasse \(maxJSONBytes / 1024) Ko")])
        }
        do {
            return try JSONDecoder().decode(MemberSubmission.self, from: Data(json))
        } catch {
            throw SubmissionRefused([SubmissionProblem("(formulaire)", "ce n'est pas un objet JSON lisible")])
        }
    }
}

/// Decodes the fields of one JSON object without failing: a wrong type becomes a problem on
/// its field, and so does a key nobody asked for (a typo like `mision` must not be dropped
/// silently).
struct LenientFields<Key: CodingKey & CaseIterable & RawRepresentable> where Key.RawValue == String {
    private let container: KeyedDecodingContainer<Key>
    private let field: String
    var problems: [SubmissionProblem] = []

    init(_ decoder: any Decoder, field: String) throws {
        self.field = field
        container = try decoder.container(keyedBy: Key.self)
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(Key.allCases.map(\.rawValue))
        for key in all.allKeys where !known.contains(key.stringValue) {
            problems.append(SubmissionProblem(path(key.stringValue), "champ inconnu : les champs possibles sont \(Key.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        problems.sort { $0.field < $1.field }
    }

    private func path(_ name: String) -> String { field.isEmpty ? name : "\(field).\(name)" }

    mutating func text(_ key: Key) -> String? {
        do {
            return try container.decodeIfPresent(String.self, forKey: key)
        } catch {
            problems.append(SubmissionProblem(path(key.rawValue), "doit être du texte"))
            return nil
        }
    }

    mutating func texts(_ key: Key) -> [String]? {
        do {
            return try container.decodeIfPresent([String].self, forKey: key)
        } catch {
            problems.append(SubmissionProblem(path(key.rawValue), "doit être une liste de textes"))
            return nil
        }
    }

    mutating func list<T: Decodable>(_ key: Key, of type: T.Type) -> [T]? {
        do {
            return try container.decodeIfPresent([T].self, forKey: key)
        } catch {
            problems.append(SubmissionProblem(path(key.rawValue), "doit être une liste d'objets"))
            return nil
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// `missions[2]` for the third item of `missions`, as problems name fields.
    var fieldPath: String {
        codingPath.reduce(into: "") { path, key in
            if let index = key.intValue { path += "[\(index)]" } else { path += path.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
    }
}
