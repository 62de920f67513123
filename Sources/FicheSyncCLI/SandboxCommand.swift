import ArgumentParser
import FicheSync
import Foundation
import Sandbox

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve fichesync's fake OVH, GitHub and Mattermost APIs on one loopback port.",
        discussion: """
        OVH is under /ovh/1.0, GitHub's REST API under /github, Mattermost under /mattermost/api/v4. \
        The first lines printed are the `export NAME=value` lines a client needs; run \
        `eval "$(fichesync sandbox | head -n 12)"` in another shell, or copy them. State is in memory; \
        Ctrl-C stops the server.
        """
    )

    @Option(help: "Port on 127.0.0.1 (default: a free one).")
    var port = 0

    /// NIO takes the port as 16 bits: 70000 would silently listen on 4464.
    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port \(port) is not a TCP port: give 1 to 65535, or 0 for a free one")
        }
    }

    func run() async throws {
        let domain = Environment.settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr"
        let sandbox: FakeSandbox
        do {
            sandbox = try await FakeSandbox.start(port: port, domain: domain)
        } catch {
            fail("cannot listen on 127.0.0.1:\(port): \(error)")
        }
        let base = sandbox.base
        let exports = sandbox.exports
        var text = exports.map { "export \($0.name)=\($0.value)" }.joined(separator: "\n") + "\n"
        text += "# sandbox: fake providers listening on \(base) (Ctrl-C to stop)\n"
        FileHandle.standardOutput.write(Data(text.utf8))
        // Serve until interrupted.
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
