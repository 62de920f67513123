import ArgumentParser
import FicheSync
import Foundation

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the configuration in effect: each setting, its value and where it came from (secrets redacted)."
    )

    @Option(help: "Output: text or json.")
    var format: ReconcileFormat = .text

    func run() throws {
        let report = Environment.settings.report
        if format == .json {
            struct Entry: Encodable { var variable, value, source, summary: String; var secret: Bool }
            let entries = report.map { Entry(variable: $0.setting.variable, value: $0.shown, source: $0.source.rawValue,
                                             summary: $0.setting.summary, secret: $0.setting.isSecret) }
            print(try jsonString(entries))
            return
        }
        let width = report.map(\.setting.variable.count).max() ?? 0
        let valueWidth = min(40, report.map(\.shown.count).max() ?? 0)
        for (setting, shown, source) in report {
            let value = source == .unset ? "-" : shown
            let origin = source == .environment ? "from the environment" : source == .default ? "default" : "unset"
            print(setting.variable.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                  + value.padding(toLength: max(valueWidth, value.count), withPad: " ", startingAt: 0) + "  " + origin + " — " + setting.summary)
        }
    }
}
