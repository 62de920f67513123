import FicheSync
import Foundation
import Logging
import Synchronization
import Testing

/// The JSON lines log: one parseable object a line, whatever the message and metadata hold.
@Suite struct JSONLogHandlerTests {
    static let time = Date(timeIntervalSince1970: 1_796_190_000.25)

    @Test func aLineIsOneObjectWithItsFieldsAndEscapes() throws {
        let line = JSONLogHandler.line(time: Self.time, level: .warning, label: "fichesync",
                                       message: "il a dit \"non\"\nà 5 h — ✅ \\ fin\u{1}",
                                       metadata: ["member": "léa.martin", "count": .stringConvertible(3),
                                                  "list": ["a\"b", "c"], "nested": ["k": "v\tw"]])
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false, "one event, one line")
        #expect(line == """
            {"time":"2026-12-02T05:40:00.250Z","level":"warning","label":"fichesync","message":"il a dit \\"non\\"\\nà 5 h — ✅ \\\\ fin\\u0001",\
            "metadata":{"count":"3","list":["a\\"b","c"],"member":"léa.martin","nested":{"k":"v\\tw"}}}

            """)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "il a dit \"non\"\nà 5 h — ✅ \\ fin\u{1}")
        #expect((object["metadata"] as? [String: Any])?["member"] as? String == "léa.martin")
    }

    @Test func withoutMetadataTheKeyIsLeftOut() {
        let line = JSONLogHandler.line(time: Self.time, level: .info, label: "x", message: "ok", metadata: [:])
        #expect(line == "{\"time\":\"2026-12-02T05:40:00.250Z\",\"level\":\"info\",\"label\":\"x\",\"message\":\"ok\"}\n")
    }

    @Test func aLoggerWritesTheHandlersAndTheCallsMetadata() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "test") { label in
            var handler = JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } }
            handler.logLevel = .info
            return handler
        }
        logger[metadataKey: "instance"] = "a"
        logger.debug("not written")
        logger.notice("job ran", metadata: ["job": "prs-tick"])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let first = try #require(written.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "notice")
        #expect(object["label"] as? String == "test")
        #expect(object["metadata"] as? [String: String] == ["instance": "a", "job": "prs-tick"])
    }
}
