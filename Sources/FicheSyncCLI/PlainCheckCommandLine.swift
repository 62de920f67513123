import FicheSync

/// `fichesync check [SOURCE] [--format FORMAT]`, the form CI and the benchmark run, read
/// without ArgumentParser.
///
/// ArgumentParser builds the whole command tree — twenty commands, their options found by
/// reflection — before it reads the first argument: a cost every `check` paid at start-up,
/// as much as its validation of the whole repository. This form needs none of it. Anything
/// else (`--rev`, `--help`, an unknown or repeated option, an argument starting with `-`,
/// the word `help`) returns `nil` and goes to ArgumentParser, so its parsing, messages and
/// exit codes stay the only ones.
struct PlainCheckCommandLine: Equatable {
    var source: String
    var format: CheckReport.Format

    /// `arguments` without the program's name.
    init?(_ arguments: [String]) {
        guard arguments.first == "check" else { return nil }
        var source: String?
        var format: CheckReport.Format?
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            if argument == "--format" {
                guard format == nil, let value = rest.popFirst(), let parsed = CheckReport.Format(rawValue: value) else { return nil }
                format = parsed
            } else if argument.hasPrefix("--format=") {
                guard format == nil, let parsed = CheckReport.Format(rawValue: String(argument.dropFirst("--format=".count))) else { return nil }
                format = parsed
            } else if argument.hasPrefix("-") || argument == "help" || source != nil {
                return nil
            } else {
                source = argument
            }
        }
        self.source = source ?? "."
        self.format = format ?? .text
    }
}
