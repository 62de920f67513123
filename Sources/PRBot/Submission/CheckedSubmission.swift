import FicheSync

/// A submission that passed every check: the fiche to write, and what the bot needs beside it.
public struct CheckedSubmission: Sendable, Equatable {
    public var fiche: NewAuthorFiche
    /// The active member who vouches for the recruit.
    public var referent: String
    /// The recruit's own address, for reminders (never in the fiche).
    public var email: String

    public var id: String { fiche.id }
    /// Every startup the missions name, in order, once each.
    public var startups: [String] {
        var seen = Set<String>()
        return fiche.missions.flatMap(\.startups).filter { seen.insert($0).inserted }
    }
}
