/// One reason a submission is refused: the field to correct (as the JSON names it,
/// `missions[0].end`) and what to do, in French — a person reads it on the form.
public struct SubmissionProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field) : \(message)" }
}

/// A submission refused, with every problem found (not only the first), in field order.
public struct SubmissionRefused: Error, Sendable, Equatable {
    public var problems: [SubmissionProblem]

    public init(_ problems: [SubmissionProblem]) {
        self.problems = problems
    }
}
