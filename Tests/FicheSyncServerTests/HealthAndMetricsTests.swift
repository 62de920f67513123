import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestKit
import Testing
@testable import FicheSyncServer

@Suite struct HealthAndMetricsTests {
    @Test func healthzAnswersOKWhileTheDatabaseAnswers() async throws {
        try await ServerHarness.with { _, client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok\n")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func healthzAnswers503OnceTheDatabaseIsGone() async throws {
        try await ServerHarness.with { harness, client in
            await harness.database.close()
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("injoignable"))
            }
        }
    }

    @Test func metricsAreValidPrometheusTextWithRequestsByRouteAndStatus() async throws {
        try await ServerHarness.with { _, client in
            _ = try await client.execute(uri: "/healthz", method: .get)
            _ = try await client.execute(uri: "/nowhere", method: .get)
            let text = try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                return String(buffer: response.body)
            }
            let samples = try PrometheusText.parse(text)
            #expect(samples.contains { $0.name == "fichesync_http_requests_total" && $0.labels["route"] == "/healthz"
                && $0.labels["status"] == "200" && $0.labels["method"] == "GET" && $0.value == 1 }, "\(text)")
            #expect(samples.contains { $0.name == "fichesync_http_requests_total" && $0.labels["status"] == "404" }, "\(text)")
            #expect(samples.contains { $0.name == "fichesync_pull_requests" && $0.labels["state"] == "open" && $0.value == 0 })
            #expect(samples.contains { $0.name == "fichesync_outbox_pending" && $0.value == 0 })
        }
    }

    @Test func statusGivesTheSyncedCommitAndMigrationsAsJSONAndHTML() async throws {
        try await ServerHarness.with { _, client in
            var headers = HTTPFields()
            headers[.accept] = "application/json"
            let json = try await client.execute(uri: "/status", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                return try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            }
            let synced = try #require(json?["synced"] as? [String: Any])
            #expect((synced["commit"] as? String)?.count == 40)
            #expect(((json?["migrations"] as? [String])?.count ?? 0) >= 8)
            #expect(json?["sandbox"] as? Bool == false)
            try await client.execute(uri: "/status", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(html.contains("<html lang=\"fr\">"))
                #expect(html.contains(synced["commit"] as? String ?? "-"))
            }
        }
    }
}

/// The Prometheus text exposition format, parsed strictly enough that a malformed line fails.
enum PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var description: String { "not Prometheus text: \(line)" }
    }

    static func parse(_ text: String) throws -> [Sample] {
        var samples: [Sample] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") {
                guard line.wholeMatch(of: #/# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*/#) != nil else { throw Malformed(line: String(line)) }
                continue
            }
            guard let match = line.wholeMatch(of: #/([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([-+0-9.eE]+|NaN|\+Inf|-Inf)/#),
                  let value = Double(match.output.4) else { throw Malformed(line: String(line)) }
            var labels: [String: String] = [:]
            if let body = match.output.3 {
                for pair in body.matches(of: #/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/#) {
                    labels[String(pair.output.1)] = String(pair.output.2)
                }
            }
            samples.append(Sample(name: String(match.output.1), labels: labels, value: value))
        }
        return samples
    }
}
