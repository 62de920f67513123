/// Check runs (a GitHub App's installation token only), tied to a head sha: a push to a fork
/// branch does not fill a run's `pull_requests`, the sha is what links them.
extension GitHubClient {
    public struct CheckAnnotation: Codable, Sendable, Equatable {
        public var path: String
        public var startLine: Int
        public var endLine: Int
        public var startColumn: Int?
        public var endColumn: Int?
        /// `notice`, `warning` or `failure`.
        public var annotationLevel: String
        public var message: String
        public var title: String?

        public init(path: String, line: Int, column: Int?, level: String, message: String, title: String?) {
            self.path = path
            startLine = line
            endLine = line
            startColumn = column
            endColumn = column
            annotationLevel = level
            self.message = message
            self.title = title
        }

        enum CodingKeys: String, CodingKey {
            case path, startLine = "start_line", endLine = "end_line", startColumn = "start_column", endColumn = "end_column",
                 annotationLevel = "annotation_level", message, title
        }
    }

    public struct CheckRun: Decodable, Sendable, Equatable {
        public struct Output: Decodable, Sendable, Equatable {
            public var title: String?
            public var annotationsCount: Int
            enum CodingKeys: String, CodingKey { case title, annotationsCount = "annotations_count" }
        }
        public var id: Int
        public var headSHA: String
        public var name: String
        public var status: String
        public var conclusion: String?
        public var output: Output
        enum CodingKeys: String, CodingKey { case id, headSHA = "head_sha", name, status, conclusion, output }
    }

    struct CheckRunBody: Encodable {
        struct Output: Encodable {
            var title: String
            var summary: String
            var annotations: [CheckAnnotation]
        }
        var name: String?
        var head_sha: String?
        var status: String?
        var conclusion: String?
        var output: Output
    }

    /// GitHub takes at most this many annotations per request.
    public static let annotationsPerRequest = 50

    /// A completed check run on `headSHA` with every annotation: the first 50 with the run,
    /// the rest 50 at a time in `PATCH`es (GitHub appends them).
    public func createCheckRun(_ repository: RepositoryName, name: String, headSHA: String, conclusion: String, title: String,
                               summary: String, annotations: [CheckAnnotation]) async throws -> CheckRun {
        let batches = stride(from: 0, to: max(annotations.count, 1), by: Self.annotationsPerRequest).map {
            Array(annotations[$0..<min($0 + Self.annotationsPerRequest, annotations.count)])
        }
        // A second run for the same sha is a second run, not harm: a new push gets a new one anyway.
        let created = try await transport.send(
            ProviderRoute(.POST, "\(repository.path)/check-runs").repeatable(),
            body: CheckRunBody(name: name, head_sha: try Self.sha(headSHA), status: "completed", conclusion: conclusion,
                               output: .init(title: title, summary: summary, annotations: batches.first ?? [])),
            as: CheckRun.self).value
        var run = created
        for batch in batches.dropFirst() {
            // Appending annotations is not idempotent: sent once.
            run = try await transport.send(
                ProviderRoute(.PATCH, "\(repository.path)/check-runs/\(created.id)"),
                body: CheckRunBody(output: .init(title: title, summary: summary, annotations: batch)), as: CheckRun.self).value
        }
        return run
    }

    public func checkRuns(_ repository: RepositoryName, sha: String) async throws -> [CheckRun] {
        struct List: Decodable, Sendable { var check_runs: [CheckRun] }
        return try await transport.send(ProviderRoute(.GET, "\(repository.path)/commits/\(try Self.sha(sha))/check-runs"), as: List.self).value.check_runs
    }

    public func checkRunAnnotations(_ repository: RepositoryName, id: Int) async throws -> [CheckAnnotation] {
        try await paginate("\(repository.path)/check-runs/\(id)/annotations?per_page=100")
    }
}
