import Providers

extension GitHubClient {
    /// Each pull request with its files (every page), `width` requests at a time: a backlog of
    /// 150 open PRs is 150 file lists, which one at a time would take a minute.
    func filesOfEach(_ pulls: [PullRequest], in repository: RepositoryName, width: Int = 8)
        async throws -> [(pull: PullRequest, files: [PullRequestFile])] {
        try await withThrowingTaskGroup(of: (Int, [PullRequestFile]).self) { group in
            var pending = pulls.enumerated()[...]
            func startNext() {
                guard let (index, pull) = pending.popFirst() else { return }
                group.addTask { (index, try await self.pullRequestFiles(repository, number: pull.number)) }
            }
            for _ in 0..<max(1, width) { startNext() }
            var files = [[PullRequestFile]](repeating: [], count: pulls.count)
            while let (index, found) = try await group.next() {
                files[index] = found
                startNext()
            }
            return zip(pulls, files).map { ($0, $1) }
        }
    }
}
