/// Why a submission did not become a pull request, with a code a caller can switch on (the
/// CLI's exit status, the service's HTTP status) and, when refused, every problem per field.
public struct OnboardingProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The submission itself: see ``refused``.
        case refused
        /// Nothing was synced yet: no referent or startup can be checked.
        case notSynced = "not-synced"
        /// The checked fiche could not be written (a renderer failure, not the person's mistake).
        case render
    }

    public var code: Code
    public var refused: SubmissionRefused
    public var detail: String

    public init(code: Code, refused: SubmissionRefused = SubmissionRefused([]), detail: String = "") {
        self.code = code
        self.refused = refused
        self.detail = detail
    }

    public var description: String {
        switch code {
        case .refused: refused.problems.map(\.description).joined(separator: "; ")
        case .notSynced: "nothing was synced yet: run `fichesync sync` first, the submission is checked against the synced fiches"
        case .render: "cannot write the fiche: \(detail)"
        }
    }
}
