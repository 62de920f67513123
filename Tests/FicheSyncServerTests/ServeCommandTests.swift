import AsyncHTTPClient
import FicheSync
import Foundation
import NIOCore
import TestKit
import Testing

/// `fichesync serve` as a person runs it: no environment at all (embedded Postgres, in-process
/// sandbox), real HTTP on 127.0.0.1, then SIGTERM while a request is under way.
@Suite struct ServeCommandTests {
    /// Every setting removed but the home and the log level: the zero-config case.
    static var environment: [String: String?] {
        var environment: [String: String?] = [:]
        for setting in FicheSyncSettings.known { environment[setting.variable] = .some(nil) }
        environment["FICHESYNC_LOG_LEVEL"] = "notice"
        return environment
    }

    /// The port the server logged once listening. Its stderr is a pipe, not a terminal, so
    /// the log is JSON lines: this reads them as a collector would.
    static func port(of child: ChildProcess) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            for line in child.stderr.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      object["message"] as? String == "fichesync serve listening",
                      let port = ((object["metadata"] as? [String: Any])?["port"] as? String).flatMap(Int.init) else { continue }
                return port
            }
            if child.status != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("serve did not start: \(child.stderr)")
        throw CancellationError()
    }

    @Test(.timeLimit(.minutes(5))) func zeroConfigServesTheSandboxAndDrainsARequestUnderWayOnSIGTERM() async throws {
        let home = try TemporaryDirectory()
        let child = try await ChildProcess(["serve", "--port", "0"], home: home, environment: Self.environment)
        let port = try await Self.port(of: child)
        #expect(child.stderr.contains("sandbox: no GITHUB_TOKEN"), "the log says the sandbox is in use")
        #expect(child.stderr.contains("\"mode\":\"sandbox\""))

        let base = "http://127.0.0.1:\(port)"
        let health = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(base)/healthz"), timeout: .seconds(30))
        #expect(health.status == .ok)
        let page = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(base)/"), timeout: .seconds(30))
        let html = String(buffer: try await page.body.collect(upTo: 1 << 20))
        #expect(html.contains("Mode sandbox"), "the pages say so")

        // A submission whose body arrives in two halves, SIGTERM in between: the server must
        // finish it (201 from the sandbox's GitHub) before it stops.
        let body = Array(ServerHarness.submission.utf8)
        let (chunks, writer) = AsyncStream<ByteBuffer>.makeStream()
        var request = HTTPClientRequest(url: "\(base)/api/submissions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .stream(chunks, length: .known(Int64(body.count)))
        let half = body.count / 2
        writer.yield(ByteBuffer(bytes: body[..<half]))
        let answer = Task { try await HTTPClient.shared.execute(request, timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(500))
        kill(child.pid, SIGTERM)
        try await Task.sleep(for: .milliseconds(500))
        writer.yield(ByteBuffer(bytes: body[half...]))
        writer.finish()
        let response = try await answer.value
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(response.status == .created, "\(text)")
        #expect(text.contains("\"sandbox\":true"))

        #expect(try await child.wait(timeout: .seconds(60)) == 0, "\(child.stderr)")
        #expect(child.stderr.contains("requests under way were finished"))
        #expect(!FileManager.default.fileExists(atPath: home.sub("postgres/postmaster.pid")), "the embedded cluster stopped with it")
    }
}
