import Crypto
import FicheSync

/// What the bot proposes, before anything is sent to GitHub: the file, the branch on the
/// fork, and a French title and body that tell a reviewer who this is and what merging does.
public struct PullRequestDraft: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, Equatable {
        case onboarding, update
    }

    public var kind: Kind
    public var memberID: String
    /// `content/_authors/<id>.md`.
    public var path: String
    /// The whole new file.
    public var content: [UInt8]
    public var branch: String
    public var title: String
    public var body: String
    /// The commit message (the first line is the title).
    public var commitMessage: String { "\(title)\n\n\(body)" }

    /// A branch name that cannot break a ref: the characters git forbids (and `.`, as the
    /// replaced system did) become `-`; the id itself is already validated.
    static func branchSafe(_ id: String) -> String {
        String(id.map { " .\\~^:?*[".contains($0) ? "-" : $0 })
    }

    /// 6 hex of the file's content: the same proposal gets the same branch, so a run that
    /// crashed after creating the branch finds it again instead of making a second one.
    static func suffix(_ content: [UInt8], path: String) -> String {
        let digest = SHA256.hash(data: Array(path.utf8) + [0] + content)
        return Hex.string(digest.prefix(3))
    }
}

/// What the body says merging will create: from the account rules, in words.
public struct MergeOutcomeWords: Sendable, Equatable {
    /// The community's email domain (`SECRETARIAT_DOMAIN`).
    public var domain: String
    public var githubOrganization: String?

    public init(domain: String, githubOrganization: String? = nil) {
        self.domain = domain
        self.githubOrganization = githubOrganization
    }
}

extension PullRequestDraft {
    /// The onboarding PR of a checked submission.
    public static func onboarding(_ submission: CheckedSubmission, rendered: String, referentName: String,
                                  outcome: MergeOutcomeWords) -> PullRequestDraft {
        let fiche = submission.fiche
        let content = Array(rendered.utf8)
        var lines = ["**\(Markdown.escape(fiche.fullname))** (`\(fiche.id)`) rejoint la communauté : \(Markdown.escape(fiche.role)) (\(fiche.domaine.rawValue)).", ""]
        for mission in fiche.missions { lines.append("- Mission : \(Self.words(mission))") }
        lines.append("- Référent : \(Markdown.escape(referentName)) (`\(submission.referent)`)")
        if let github = fiche.github { lines.append("- GitHub : @\(github)") }
        lines += ["", "**Ce que la fusion va créer** : \(Self.creations(fiche, outcome).joined(separator: ", ")).", "",
                  "Pour valider, un membre de l'équipe (ou le référent) relit la fiche et fusionne cette pull request (bouton « Merge »). Une coche verte ne veut pas dire que c'est fusionné : tant que ce n'est pas fait, les accès ne sont pas créés.",
                  "", "<sub>Ouverte par fichesync à partir du formulaire d'arrivée.</sub>",
                  BotChangeRecord(kind: .onboarding, memberID: fiche.id).marker]
        return PullRequestDraft(
            kind: .onboarding, memberID: fiche.id, path: fiche.path, content: content,
            branch: "author\(branchSafe(fiche.id))-\(suffix(content, path: fiche.path))",
            title: "Création de fiche pour \(fiche.fullname). Référent : \(referentName).",
            body: lines.joined(separator: "\n"))
    }

    /// The update PR of a change to an existing fiche.
    public static func update(id: String, change: ProposedChange, content: [UInt8], fullname: String) -> PullRequestDraft {
        let path = FicheLocation(kind: .author, id: id).path
        var changes: [String] = []
        if let end = change.lastMissionEnd { changes.append("prolonge la mission jusqu'au \(end.french)") }
        for mission in change.newMissions { changes.append("ajoute une mission : \(Self.words(mission))") }
        if let github = change.github { changes.append("change le compte GitHub pour @\(github)") }
        if let role = change.role { changes.append("change le rôle pour « \(Markdown.escape(role)) »") }
        let body = (["Mise à jour de la fiche de **\(Markdown.escape(fullname))** (`\(id)`) :", ""] + changes.map { "- \($0)" } + [
            "", "Seules ces lignes changent dans la fiche ; rien ne sera supprimé. Une fois fusionnée, les accès suivent la nouvelle fiche en quelques secondes.",
            "", "<sub>Ouverte par fichesync.</sub>", BotChangeRecord(kind: .update, memberID: id, change: change).marker,
        ]).joined(separator: "\n")
        let title = change.lastMissionEnd.map { "Mise à jour de \(id) : mission prolongée jusqu'au \($0.french)" } ?? "Mise à jour de \(id)"
        return PullRequestDraft(kind: .update, memberID: id, path: path, content: content,
                                branch: "\(branchSafe(id))-update-\(suffix(content, path: path))", title: title, body: body)
    }

    static func words(_ mission: NewMission) -> String {
        var text = "du \(mission.start.french) au \(mission.end.french), \(mission.status.french)"
        if let employer = mission.employer { text += " (\(Markdown.escape(employer)))" }
        if !mission.startups.isEmpty { text += " — \(mission.startups.map { "`\($0)`" }.joined(separator: ", "))" }
        return text
    }

    static func creations(_ fiche: NewAuthorFiche, _ outcome: MergeOutcomeWords) -> [String] {
        var out = [fiche.memberType == .attributaire
            ? "une redirection de \(fiche.id)@\(outcome.domain) vers son adresse"
            : "l'adresse \(fiche.id)@\(outcome.domain)"]
        out.append("un compte Mattermost dans l'équipe de la communauté")
        if let github = fiche.github {
            out.append("l'invitation de @\(github) dans l'organisation GitHub\(outcome.githubOrganization.map { " \($0)" } ?? "")")
        }
        return out
    }
}

extension FicheDate {
    /// `31/12/2027`, as the community writes dates.
    var french: String {
        let d = day < 10 ? "0\(day)" : "\(day)", m = month < 10 ? "0\(month)" : "\(month)"
        return "\(d)/\(m)/\(year)"
    }
}

extension MissionStatus {
    var french: String {
        switch self {
        case .independent: "indépendant·e"
        case .admin: "agent·e public·que"
        case .service: "prestataire"
        }
    }
}

/// Text a stranger typed, made inert in a Markdown body: no tag, link, image or emphasis.
enum Markdown {
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "(", ")", "#", "!", "|", "~": out += "\\\(character)"
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }
}
