import ArgumentParser
import FicheSync
import FicheSyncServer
import Foundation
import Sandbox

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve fichesync's fake OVH, GitHub and Mattermost APIs on one loopback port, and an SMTP receiver.",
        discussion: """
        OVH is under /ovh/1.0, GitHub's REST API under /github, Mattermost under /mattermost/api/v4. \
        The first lines printed are the `export NAME=value` lines a client needs; run \
        `eval "$(fichesync sandbox | head -n 18)"` in another shell, or copy them. \
        GitHub also hosts betagouv/beta.gouv.fr (GITHUB_REPOSITORY; master seeded from --seed the first \
        time) and its fork fichesync-bot/beta.gouv.fr (GITHUB_FORK) as real bare git repositories in \
        $FICHESYNC_HOME/sandbox/github, kept between runs with their pull requests; FICHES_REPOSITORY is \
        the upstream's path, for `fichesync sync`. MAIL_HOST/MAIL_PORT are an SMTP receiver (plain SMTP: \
        MAIL_IGNORE_TLS=true) that keeps what it gets; read it with `curl <base>/mail` (JSON: decoded subject \
        and text), `/mail/<id>` (with the HTML), `/mail/<id>/raw`. GITHUB_TOKEN is the bot's (writes to the fork, opens \
        pull requests); the maintainer's token, printed after the exports, merges them. The rest of the \
        state is in memory; Ctrl-C stops the server.
        """
    )

    @Option(help: "Port on 127.0.0.1 (default: a free one).")
    var port = 0

    @Option(help: "Folder whose fiches seed the hosted repository the first time (default: fixtures/beta.gouv.fr).")
    var seed: String?

    /// NIO takes the port as 16 bits: 70000 would silently listen on 4464.
    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port \(port) is not a TCP port: give 1 to 65535, or 0 for a free one")
        }
    }

    /// Where the hosted repositories live: kept between runs, beside the embedded database.
    static var repositories: String { SandboxLayout.repositories(home: Environment.home) }

    /// The seed folder: `--seed`, else the fixtures of the working directory's checkout, else
    /// those of the checkout fichesync was built from.
    static func seedFolder(_ seed: String?) throws -> String { try SandboxLayout.seedFolder(seed) }

    func run() async throws {
        let domain = Environment.settings.value("SECRETARIAT_DOMAIN") ?? "beta.gouv.fr"
        let sandbox: FakeSandbox
        do {
            let seed = self.seed
            // Stat calls: file I/O stays off the concurrency pool.
            let folder = try await BlockingWork.run { try Self.seedFolder(seed) }
            sandbox = try await FakeSandbox.start(port: port, domain: domain, repositories: Self.repositories, seed: folder)
        } catch let problem as ContentSource.Problem {
            fail(problem.description)
        } catch {
            fail("cannot start the sandbox on 127.0.0.1:\(port) with its repositories in \(Self.repositories): \(error)")
        }
        let base = sandbox.base
        let exports = sandbox.exports
        var text = exports.map { "export \($0.name)=\($0.value)" }.joined(separator: "\n") + "\n"
        text += "# sandbox: fake providers listening on \(base) (Ctrl-C to stop)\n"
        text += "# sandbox: SMTP receiver on 127.0.0.1:\(sandbox.smtp.port); read what it received: curl \(base)/mail\n"
        text += "# sandbox: merge pull request 1 of \(FakeSandbox.upstream) as its maintainer (any GitHub client, this token):\n"
        text += "#   \(sandbox.mergeCommand())\n"
        FileHandle.standardOutput.write(Data(text.utf8))
        // Serve until interrupted.
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
