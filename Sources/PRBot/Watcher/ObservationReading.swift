import Foundation
import Providers

/// A pull request as GitHub describes it (a list item, `GET /pulls/{n}`, or a webhook's
/// `pull_request`: the same shape) made into an observation, every identifier checked first:
/// they come from outside and end up in SQL parameters, URLs and messages.
public struct ObservationProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable { case number, sha, ref, repository, time }
    public var code: Code
    public var description: String
}

extension PullRequestObservation {
    public init(_ pull: GitHubClient.PullRequest, members: [String]?, observedAt: Date) throws(ObservationProblem) {
        guard pull.number > 0 else { throw ObservationProblem(code: .number, description: "pull request number \(pull.number)") }
        guard (try? GitHubClient.sha(pull.head.sha)) != nil, pull.head.sha.count >= 40 else {
            throw ObservationProblem(code: .sha, description: "pull request #\(pull.number): head \"\(pull.head.sha.prefix(80))\" is not a git sha")
        }
        for ref in [pull.head.ref, pull.base.ref] where (try? GitHubClient.refPath(ref)) == nil {
            throw ObservationProblem(code: .ref, description: "pull request #\(pull.number): \"\(ref.prefix(80))\" is not a branch name")
        }
        let headRepository = pull.head.repo?.fullName
        if let headRepository, RepositoryName(headRepository) == nil {
            throw ObservationProblem(code: .repository, description: "pull request #\(pull.number): \"\(headRepository.prefix(80))\" is not owner/name")
        }
        func time(_ text: String?) throws(ObservationProblem) -> Date? {
            guard let text else { return nil }
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw ObservationProblem(code: .time, description: "pull request #\(pull.number): \"\(text.prefix(40))\" is not an ISO 8601 time")
            }
            return date
        }
        let mergedAt = try time(pull.mergedAt), closedAt = try time(pull.closedAt)
        let status: Status
        if pull.state == "open" {
            status = .open
        } else if pull.merged == true || mergedAt != nil {
            status = .merged(at: mergedAt ?? closedAt ?? observedAt)
        } else {
            status = .closed(at: closedAt ?? observedAt)
        }
        self.init(number: pull.number, htmlURL: pull.htmlURL, apiURL: pull.url ?? pull.htmlURL, headRepository: headRepository,
                  headBranch: pull.head.ref, headSHA: pull.head.sha, baseBranch: pull.base.ref, status: status,
                  draft: pull.draft ?? false, openedAt: try time(pull.createdAt) ?? observedAt, members: members, observedAt: observedAt)
    }
}
