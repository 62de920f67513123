import FicheSync

extension FicheDate {
    /// `31/03/2026`: how French pages write a date.
    public var frenchText: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(day))/\(two(month))/\(year)"
    }
}
