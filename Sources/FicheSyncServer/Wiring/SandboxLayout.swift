import FicheSync
import Foundation

/// Where the sandbox keeps its hosted repositories and what it seeds them with: one answer
/// for `fichesync sandbox`, the commands that fall back on the sandbox, and `serve`.
public enum SandboxLayout {
    /// `$FICHESYNC_HOME/sandbox/github`: kept between runs, beside the embedded database.
    public static func repositories(home: String) -> String {
        ((home as NSString).appendingPathComponent("sandbox") as NSString).appendingPathComponent("github")
    }

    /// The seed folder: `seed`, else the fixtures of the working directory's checkout, else
    /// those of the checkout fichesync was built from. Stats the disk: call it off the
    /// concurrency pool (``BlockingWork``).
    public static func seedFolder(_ seed: String?) throws -> String {
        if let seed {
            guard FileManager.default.fileExists(atPath: (seed as NSString).appendingPathComponent("content")) else {
                throw ContentSource.Problem("--seed \(seed) holds no content/ folder")
            }
            return seed
        }
        let candidates = ["fixtures/beta.gouv.fr",
                          URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                              .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/beta.gouv.fr").path]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("content")) })
        else { throw ContentSource.Problem("no fixtures/beta.gouv.fr here: give --seed FOLDER (a folder holding content/)") }
        return found
    }
}
