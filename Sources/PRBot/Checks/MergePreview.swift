import FicheSync

/// One account change merging would make, as the reconcile planner says it (PRBot does not
/// depend on Accounts: the wiring layer turns its plan into these).
public struct PreviewOperation: Sendable, Equatable {
    /// `ovh`, `mattermost`, `github`.
    public var provider: String
    /// The planner's action (`create`, `invite`, `add-to-team`, `suspend`…).
    public var action: String
    public var target: String
    public var group: String?
    public var member: String?

    public init(provider: String, action: String, target: String, group: String? = nil, member: String? = nil) {
        self.provider = provider
        self.action = action
        self.target = target
        self.group = group
        self.member = member
    }

    var isDestructive: Bool { ["suspend", "remove", "delete-redirection", "delete", "remove-from-team", "unsubscribe"].contains(action) }

    /// In French, as the community writes.
    var words: String {
        let login = target.hasPrefix("github:") ? String(target.dropFirst("github:".count)) : target
        let group = self.group.map { "« \($0) »" } ?? ""
        switch (provider, action) {
        case ("ovh", "create"): return "crée l'adresse \(target)"
        case ("ovh", "reactivate"): return "réactive l'adresse \(target)"
        case ("ovh", "create-redirection"): return "crée la redirection \(target)"
        case ("ovh", "suspend"): return "suspend l'adresse \(target)"
        case ("ovh", "delete"): return "supprime l'adresse \(target)"
        case ("ovh", "delete-redirection"): return "supprime la redirection \(target)"
        case ("ovh", "subscribe"): return "inscrit \(target) à la liste \(group)"
        case ("ovh", "unsubscribe"): return "désinscrit \(target) de la liste \(group)"
        case ("ovh", "create-list"): return "crée la liste \(target)"
        case ("mattermost", "create"), ("mattermost", "invite"): return "invite \(target) sur Mattermost"
        case ("mattermost", "reactivate"): return "réactive le compte Mattermost \(target)"
        case ("mattermost", "add-to-team"): return "ajoute \(target) à l'équipe Mattermost \(group)"
        case ("mattermost", "remove-from-team"): return "retire \(target) de l'équipe Mattermost \(group)"
        case ("github", "invite"): return "invite @\(login) dans l'organisation GitHub"
        case ("github", "add-to-team"): return "ajoute @\(login) à l'équipe GitHub \(group)"
        case ("github", "remove"): return "retire @\(login) de l'organisation GitHub"
        case ("github", "cancel-invitation"): return "annule l'invitation de @\(login) sur GitHub"
        default: return "\(provider) : \(action) \(target)"
        }
    }
}

/// The bot's one comment on a fiche pull request: what merging will do, computed on the pull
/// request's head against today's accounts, and what would be refused. Edited in place at
/// every new head; found again by its marker.
public struct MergePreview: Sendable, Equatable {
    public static let marker = "<!-- fichesync:merge-preview -->"

    public var headSHA: String
    /// Fiche changes in words ("prolonge la mission de … jusqu'au …").
    public var changes: [String]
    public var operations: [PreviewOperation]
    /// Errors that keep the pull request from being merged.
    public var refused: [Diagnostic]
    /// Said when the bot rebuilt its branch on a new base.
    public var rebuilt: String?

    public init(headSHA: String, changes: [String], operations: [PreviewOperation], refused: [Diagnostic], rebuilt: String? = nil) {
        self.headSHA = headSHA
        self.changes = changes
        self.operations = operations
        self.refused = refused
        self.rebuilt = rebuilt
    }

    public var markdown: String {
        var lines = [Self.marker, "### Ce que la fusion va faire", ""]
        if let rebuilt { lines += ["🔁 \(rebuilt)", ""] }
        for change in changes { lines.append("- \(Markdown.escape(change))") }
        if operations.isEmpty {
            lines.append("- aucun compte ne change")
        } else {
            for operation in operations { lines.append("- \(Markdown.escape(operation.words))") }
        }
        lines.append("")
        lines.append(operations.contains(where: \.isDestructive) ? "⚠️ Des accès seront retirés : vérifie que c'est voulu." : "Rien ne sera supprimé.")
        if !refused.isEmpty {
            lines += ["", "**Refusé en l'état** (\(refused.count) erreur\(refused.count > 1 ? "s" : "")) : la fusion ne changera aucun compte tant que ce n'est pas corrigé."]
            for diagnostic in refused.prefix(20) {
                lines.append("- `\(diagnostic.path):\(diagnostic.line)` : \(Markdown.escape(diagnostic.message))")
            }
            if refused.count > 20 { lines.append("- … et \(refused.count - 20) autres, sur leurs lignes dans « Files changed »") }
        }
        lines += ["", "<sub>Calculé par fichesync sur \(headSHA.prefix(7)), mis à jour à chaque nouveau commit.</sub>"]
        return lines.joined(separator: "\n")
    }
}
