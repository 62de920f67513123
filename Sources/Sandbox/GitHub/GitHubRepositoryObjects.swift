import Foundation

/// The repository shapes of GitHub's schema: `repository` (a pull request's `head.repo` and
/// `base.repo`, a fork's `parent` and `source`) and `full-repository` (`GET /repos/{owner}/{repo}`,
/// `POST /forks`), every required field present; and the contents API's `content-file`.
extension GitHubObjects {
    /// `repository`, with the fields `full-repository` requires as well (GitHub sends them
    /// in both places).
    struct Repository: Encodable, Sendable {
        var id: Int
        var node_id: String
        var name, full_name: String
        var owner: SimpleUser
        var `private` = false
        var html_url: String
        @Nullable var description: String? = nil
        var fork: Bool
        var url: String
        var archive_url, assignees_url, blobs_url, branches_url, collaborators_url, comments_url, commits_url: String
        var compare_url, contents_url, contributors_url, deployments_url, downloads_url, events_url, forks_url: String
        var git_commits_url, git_refs_url, git_tags_url, git_url, issue_comment_url, issue_events_url, issues_url: String
        var keys_url, labels_url, languages_url, merges_url, milestones_url, notifications_url, pulls_url: String
        var releases_url, ssh_url, stargazers_url, statuses_url, subscribers_url, subscription_url, tags_url: String
        var teams_url, trees_url, clone_url: String
        @Nullable var mirror_url: String? = nil
        var hooks_url, svn_url: String
        @Nullable var homepage: String? = nil
        @Nullable var language: String? = "Markdown"
        var forks_count = 0, stargazers_count = 0, watchers_count = 0, size = 0
        var default_branch: String
        var open_issues_count = 0
        var is_template = false
        var topics: [String] = []
        var has_issues = true, has_projects = false, has_wiki = false, has_pages = false, has_downloads = true
        var has_discussions = false
        var archived = false, disabled = false
        var visibility = "public"
        @Nullable var pushed_at: String?
        @Nullable var created_at: String?
        @Nullable var updated_at: String?
        var permissions: Permissions
        var allow_rebase_merge = false, allow_squash_merge = true, allow_merge_commit = true, allow_auto_merge = false
        var delete_branch_on_merge = false, allow_update_branch = false, allow_forking = true
        var web_commit_signoff_required = false
        @Nullable var license: String? = nil
        var forks = 0, open_issues = 0, watchers = 0

        struct Permissions: Encodable, Sendable {
            var admin: Bool, maintain: Bool, push: Bool, triage: Bool, pull = true
        }
    }

    /// `full-repository`: a `repository` and its counts, its organisation, and for a fork the
    /// repository it was forked from (`parent`) and the root of its network (`source`).
    struct FullRepository: Encodable, Sendable {
        var repository: Repository
        var details: Details

        struct Details: Encodable, Sendable {
            var subscribers_count = 0
            var network_count: Int
            var organization: SimpleUser?
            var parent: Repository?
            var source: Repository?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(subscribers_count, forKey: .subscribers_count)
                try container.encode(network_count, forKey: .network_count)
                // Absent rather than null: GitHub leaves them out when they do not apply.
                try container.encodeIfPresent(organization, forKey: .organization)
                try container.encodeIfPresent(parent, forKey: .parent)
                try container.encodeIfPresent(source, forKey: .source)
            }

            enum CodingKeys: String, CodingKey { case subscribers_count, network_count, organization, parent, source }
        }

        func encode(to encoder: any Encoder) throws {
            try repository.encode(to: encoder)
            try details.encode(to: encoder)
        }
    }

    /// A user or an organisation as `simple-user` (a repository's owner).
    func account(login: String, id: Int, type: String) -> SimpleUser {
        var user = simpleUser(login: login, id: id)
        user.type = type
        return user
    }

    /// The `repository` shape of a hosted repository, as `viewer` sees it (their permissions).
    func repository(_ hosted: HostedRepository, cloneURL: String, forks: Int, viewer: GitHubAccount) -> Repository {
        let full = hosted.fullName
        let url = "\(api)/repos/\(full)"
        let writes = viewer.isMaintainer || hosted.owner.lowercased() == viewer.login
        return Repository(
            id: hosted.id, node_id: Self.nodeID("R", hosted.id), name: hosted.name, full_name: full,
            owner: account(login: hosted.owner, id: hosted.ownerID, type: hosted.ownerType),
            html_url: "https://github.com/\(full)", fork: hosted.parent != nil, url: url,
            archive_url: "\(url)/{archive_format}{/ref}", assignees_url: "\(url)/assignees{/user}",
            blobs_url: "\(url)/git/blobs{/sha}", branches_url: "\(url)/branches{/branch}",
            collaborators_url: "\(url)/collaborators{/collaborator}", comments_url: "\(url)/comments{/number}",
            commits_url: "\(url)/commits{/sha}", compare_url: "\(url)/compare/{base}...{head}", contents_url: "\(url)/contents/{+path}",
            contributors_url: "\(url)/contributors", deployments_url: "\(url)/deployments", downloads_url: "\(url)/downloads",
            events_url: "\(url)/events", forks_url: "\(url)/forks", git_commits_url: "\(url)/git/commits{/sha}",
            git_refs_url: "\(url)/git/refs{/sha}", git_tags_url: "\(url)/git/tags{/sha}", git_url: "git://github.com/\(full).git",
            issue_comment_url: "\(url)/issues/comments{/number}", issue_events_url: "\(url)/issues/events{/number}",
            issues_url: "\(url)/issues{/number}", keys_url: "\(url)/keys{/key_id}", labels_url: "\(url)/labels{/name}",
            languages_url: "\(url)/languages", merges_url: "\(url)/merges", milestones_url: "\(url)/milestones{/number}",
            notifications_url: "\(url)/notifications{?since,all,participating}", pulls_url: "\(url)/pulls{/number}",
            releases_url: "\(url)/releases{/id}", ssh_url: "git@github.com:\(full).git", stargazers_url: "\(url)/stargazers",
            statuses_url: "\(url)/statuses/{sha}", subscribers_url: "\(url)/subscribers", subscription_url: "\(url)/subscription",
            tags_url: "\(url)/tags", teams_url: "\(url)/teams", trees_url: "\(url)/git/trees{/sha}", clone_url: cloneURL,
            hooks_url: "\(url)/hooks", svn_url: "https://github.com/\(full)", forks_count: forks, default_branch: hosted.defaultBranch,
            pushed_at: hosted.pushedAt, created_at: hosted.createdAt, updated_at: hosted.pushedAt,
            permissions: .init(admin: viewer.isMaintainer, maintain: writes, push: writes, triage: writes), forks: forks)
    }

    /// `content-file`: `GET /repos/{owner}/{repo}/contents/{path}` of a file.
    struct ContentFile: Encodable, Sendable {
        var type = "file"
        var encoding = "base64"
        var size: Int
        var name, path, content, sha, url, git_url, html_url, download_url: String
        var _links: Links

        struct Links: Encodable, Sendable {
            var git, html, `self`: String
        }
    }

    func contentFile(repository: String, ref: String, path: String, blob: String, bytes: [UInt8]) -> ContentFile {
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        let url = "\(api)/repos/\(repository)/contents/\(escaped)?ref=\(ref)"
        let git = "\(api)/repos/\(repository)/git/blobs/\(blob)"
        let html = "https://github.com/\(repository)/blob/\(ref)/\(escaped)"
        return ContentFile(size: bytes.count, name: (path as NSString).lastPathComponent, path: path, content: Self.base64(bytes),
                           sha: blob, url: url, git_url: git, html_url: html,
                           download_url: "https://raw.githubusercontent.com/\(repository)/\(ref)/\(escaped)",
                           _links: .init(git: git, html: html, self: url))
    }

    /// `merged-upstream`: `POST /repos/{owner}/{repo}/merge-upstream`.
    struct MergedUpstream: Encodable, Sendable {
        var message: String
        var merge_type: String
        var base_branch: String
    }

    /// Base64 as GitHub sends file contents: lines of 60 characters, each ended by `\n`.
    static func base64(_ bytes: [UInt8]) -> String {
        let text = Data(bytes).base64EncodedString()
        var lines: [Substring] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end = text.index(start, offsetBy: 60, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(text[start..<end])
            start = end
        }
        return lines.map { $0 + "\n" }.joined()
    }
}
