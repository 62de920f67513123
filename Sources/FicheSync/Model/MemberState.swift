/// Where a member stands on a given day, from their missions (FICHES.md): active when some
/// mission ends on or after that day — a recruit whose first mission starts later already
/// counts, since accounts must be ready on arrival, but is shown as arriving.
public enum MemberState: String, Sendable, Codable, CaseIterable {
    case active, arriving, expired
    /// No mission at all: never active.
    case withoutMission = "without-mission"

    public static func of(firstStart: FicheDate?, end: FicheDate?, on today: FicheDate) -> MemberState {
        guard let end, let firstStart else { return .withoutMission }
        if end < today { return .expired }
        return firstStart > today ? .arriving : .active
    }

    public var isActive: Bool { self == .active || self == .arriving }
}
