/// A unified diff (`diff -u`, three lines of context) of one file: what `fichesync propose
/// --print` shows, and what a reviewer will see in the pull request.
public enum UnifiedDiff {
    public static func of(_ old: [UInt8], _ new: [UInt8], path: String, context: Int = 3) -> String {
        let (oldLines, oldEndsWithBreak) = lines(old), (newLines, newEndsWithBreak) = lines(new)
        let difference = newLines.difference(from: oldLines)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // The edit script: (mark, old line number, new line number, text), 0-based.
        var script: [(mark: Character, old: Int, new: Int, text: String)] = []
        var i = 0, j = 0
        while i < oldLines.count || j < newLines.count {
            if i < oldLines.count, removed.contains(i) {
                script.append(("-", i, j, oldLines[i])); i += 1
            } else if j < newLines.count, inserted.contains(j) {
                script.append(("+", i, j, newLines[j])); j += 1
            } else {
                script.append((" ", i, j, oldLines[i])); i += 1; j += 1
            }
        }
        let changed = script.indices.filter { script[$0].mark != " " }
        guard let first = changed.first else { return "" }
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        var hunkStart = max(first - context, 0), hunkEnd = min(first + context, script.count - 1)
        func flush() {
            let hunk = script[hunkStart...hunkEnd]
            let oldCount = hunk.count { $0.mark != "+" }, newCount = hunk.count { $0.mark != "-" }
            let oldStart = (hunk.first?.old ?? 0) + (oldCount > 0 ? 1 : 0), newStart = (hunk.first?.new ?? 0) + (newCount > 0 ? 1 : 0)
            out += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
            for line in hunk {
                out += "\(line.mark)\(line.text)\n"
                let lastOld = line.mark != "+" && line.old == oldLines.count - 1 && !oldEndsWithBreak
                let lastNew = line.mark != "-" && line.new == newLines.count - 1 && !newEndsWithBreak
                if lastOld || lastNew { out += "\\ No newline at end of file\n" }
            }
        }
        for index in changed.dropFirst() {
            if index - context <= hunkEnd + 1 {
                hunkEnd = min(index + context, script.count - 1)
            } else {
                flush()
                hunkStart = index - context
                hunkEnd = min(index + context, script.count - 1)
            }
        }
        flush()
        return out
    }

    /// Lines split at `\n` (a CR stays on its line, as `diff` shows it), and whether the last ends with a break.
    private static func lines(_ bytes: [UInt8]) -> ([String], Bool) {
        var parts = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let endsWithBreak = bytes.last == 0x0A || bytes.isEmpty
        if endsWithBreak { parts.removeLast() }
        return (parts, endsWithBreak)
    }
}
