import Foundation

/// The objects GitHub's REST API shares between endpoints (`simple-user`, `organization-simple`,
/// `basic-error`…), built in one place so that every endpoint of the fake emits the same
/// complete shape: each carries every field GitHub's OpenAPI description requires, typed as it
/// says (null where it allows null, date-times as ISO 8601 text, `type: "User"`). Strict
/// clients such as githubkit refuse an answer that lacks one (strict.py checks them all).
///
/// Properties are named as GitHub spells the JSON keys, so that a shape reads like the schema
/// it follows; they are `Encodable` values rather than dictionaries because member lists of
/// thousands are the reconcile benchmark's bulk and `JSONSerialization` costs ten times more.
struct GitHubObjects: Sendable {
    /// The API's base URL as the client reached it (`http://127.0.0.1:<port>/github`): the
    /// objects' `url` fields point back into the fake.
    let api: String
    let organization: String
    let organizationID = 1
    /// Accounts and organisations share GitHub's id space; the token's own user is below the
    /// fake's user ids (which start at 1,000).
    let bot = (login: "fichesync-bot", id: 500)
    /// Users' and the organisation's creation times: fixed, so answers repeat.
    static let createdAt = "2020-01-15T09:30:00Z"

    // MARK: Users

    /// `simple-user`: a user wherever another object names one (members, inviters…).
    struct SimpleUser: Encodable, Sendable {
        var login: String
        var id: Int
        var node_id: String
        var avatar_url: String
        var gravatar_id: String
        var url, html_url, followers_url, following_url, gists_url, starred_url, subscriptions_url: String
        var organizations_url, repos_url, events_url, received_events_url: String
        var type = "User"
        var site_admin = false
        var user_view_type = "public"
    }

    func simpleUser(login: String, id: Int) -> SimpleUser {
        let url = "\(api)/users/\(login)"
        return SimpleUser(login: login, id: id, node_id: Self.nodeID("U", id), avatar_url: "https://avatars.githubusercontent.com/u/\(id)?v=4",
                          gravatar_id: "", url: url, html_url: "https://github.com/\(login)", followers_url: "\(url)/followers",
                          following_url: "\(url)/following{/other_user}", gists_url: "\(url)/gists{/gist_id}",
                          starred_url: "\(url)/starred{/owner}{/repo}", subscriptions_url: "\(url)/subscriptions",
                          organizations_url: "\(url)/orgs", repos_url: "\(url)/repos", events_url: "\(url)/events{/privacy}",
                          received_events_url: "\(url)/received_events")
    }

    /// `public-user`: `GET /users/{username}` and `GET /user/{account_id}`, a `simple-user`
    /// and its profile (null where the person filled nothing in).
    struct PublicUser: Encodable, Sendable {
        var simple: SimpleUser
        var profile = Profile()

        struct Profile: Encodable, Sendable {
            @Nullable var name: String? = nil
            @Nullable var company: String? = nil
            @Nullable var blog: String? = ""
            @Nullable var location: String? = nil
            @Nullable var email: String? = nil
            @Nullable var hireable: Bool? = nil
            @Nullable var bio: String? = nil
            @Nullable var twitter_username: String? = nil
            var public_repos = 0, public_gists = 0, followers = 0, following = 0
            var created_at = GitHubObjects.createdAt, updated_at = GitHubObjects.createdAt
        }

        /// One JSON object: the simple user's keys and the profile's side by side.
        func encode(to encoder: any Encoder) throws {
            try simple.encode(to: encoder)
            try profile.encode(to: encoder)
        }
    }

    func publicUser(login: String, id: Int) -> PublicUser { PublicUser(simple: simpleUser(login: login, id: id)) }

    var inviter: SimpleUser { simpleUser(login: bot.login, id: bot.id) }

    // MARK: The organisation

    /// `organization-simple`: the organisation wherever another object names it (memberships).
    struct OrganizationSimple: Encodable, Sendable {
        var login: String
        var id: Int
        var node_id: String
        var url, repos_url, events_url, hooks_url, issues_url, members_url, public_members_url, avatar_url: String
        @Nullable var description: String?
    }

    var organizationSimple: OrganizationSimple {
        let url = "\(api)/orgs/\(organization)"
        return OrganizationSimple(login: organization, id: organizationID, node_id: Self.nodeID("O", organizationID), url: url,
                                  repos_url: "\(url)/repos", events_url: "\(url)/events", hooks_url: "\(url)/hooks",
                                  issues_url: "\(url)/issues", members_url: "\(url)/members{/member}",
                                  public_members_url: "\(url)/public_members{/member}",
                                  avatar_url: "https://avatars.githubusercontent.com/u/\(organizationID)?v=4", description: nil)
    }

    /// `organization-full`: `GET /orgs/{org}` as an owner's token sees it (with the plan and
    /// the members' permissions, which only owners get).
    struct OrganizationFull: Encodable, Sendable {
        var simple: OrganizationSimple
        var details: Details

        struct Details: Encodable, Sendable {
            var name: String
            @Nullable var company: String? = nil
            @Nullable var blog: String? = nil
            @Nullable var location: String? = nil
            @Nullable var email: String? = nil
            @Nullable var twitter_username: String? = nil
            var is_verified = false
            var has_organization_projects = true, has_repository_projects = true
            var public_repos = 0, public_gists = 0, followers = 0, following = 0
            var html_url: String
            var type = "Organization"
            var total_private_repos = 0, owned_private_repos = 0, private_gists = 0, disk_usage = 0, collaborators = 0
            @Nullable var billing_email: String? = nil
            var plan = Plan()
            var default_repository_permission = "read"
            var members_can_create_repositories = false
            var two_factor_requirement_enabled = true
            var created_at = GitHubObjects.createdAt, updated_at = GitHubObjects.createdAt
            @Nullable var archived_at: String? = nil
        }

        struct Plan: Encodable, Sendable {
            var name = "free", space = 976_562_499, private_repos = 10_000, filled_seats = 0, seats = 0
        }

        func encode(to encoder: any Encoder) throws {
            try simple.encode(to: encoder)
            try details.encode(to: encoder)
        }
    }

    var organizationFull: OrganizationFull {
        OrganizationFull(simple: organizationSimple, details: OrganizationFull.Details(name: organization,
                                                                                       html_url: "https://github.com/\(organization)"))
    }

    // MARK: Memberships and invitations

    /// `org-membership`: `GET` and `PUT /orgs/{org}/memberships/{username}`.
    struct OrgMembership: Encodable, Sendable {
        var url: String
        var state: String
        var role: String
        var organization_url: String
        var organization: OrganizationSimple
        var user: SimpleUser
    }

    /// `state` is `active` or `pending` (an invitation not accepted yet); `role` is `admin` or `member`.
    func orgMembership(login: String, id: Int, state: String, role: String) -> OrgMembership {
        OrgMembership(url: "\(api)/orgs/\(organization)/memberships/\(login)", state: state, role: role,
                      organization_url: "\(api)/orgs/\(organization)", organization: organizationSimple,
                      user: simpleUser(login: login, id: id))
    }

    /// `organization-invitation`: pending (`GET`/`POST /orgs/{org}/invitations`) or failed
    /// (`failed_invitations`, with when and why).
    struct OrganizationInvitation: Encodable, Sendable {
        var id: Int
        var node_id: String
        @Nullable var login: String?
        @Nullable var email: String?
        var role: String
        var created_at: String
        @Nullable var failed_at: String?
        @Nullable var failed_reason: String?
        var inviter: SimpleUser
        var team_count = 0
        var invitation_teams_url: String
        var invitation_source = "member"
    }

    func invitation(id: Int, login: String, role: String = "direct_member", created: String, failedAt: String? = nil,
                    reason: String? = nil) -> OrganizationInvitation {
        OrganizationInvitation(id: id, node_id: Self.nodeID("OI", id), login: login, email: nil, role: role, created_at: created,
                               failed_at: failedAt, failed_reason: reason, inviter: inviter,
                               invitation_teams_url: "\(api)/organizations/\(organizationID)/invitations/\(id)/teams")
    }

    /// `team-membership`: `PUT /orgs/{org}/teams/{team_slug}/memberships/{username}`.
    struct TeamMembership: Encodable, Sendable {
        var url: String
        var role: String
        var state: String
    }

    func teamMembership(team: String, login: String) -> TeamMembership {
        TeamMembership(url: "\(api)/orgs/\(organization)/teams/\(team)/memberships/\(login)", role: "member", state: "active")
    }

    // MARK: Errors

    /// `basic-error`: what GitHub answers a 4xx with. `status` repeats the status code as
    /// text, and `documentation_url` is the page of the endpoint called.
    struct BasicError: Encodable, Sendable {
        var message: String
        var documentation_url: String
        var status: String
    }

    /// `validation-error`: a 422, with what was wrong in `errors`.
    struct ValidationError: Encodable, Sendable {
        var message = "Validation Failed"
        var errors: [Item]
        var documentation_url: String
        var status = "422"

        struct Item: Encodable, Sendable {
            var resource: String
            var code: String
            /// Absent for a `custom` error ("A pull request already exists for …").
            var field: String?
            var message: String?
        }
    }

    /// GitHub's global node ids (`U_…`, `O_…`): opaque text derived from the type and id.
    static func nodeID(_ prefix: String, _ id: Int) -> String { "\(prefix)_kgDO\(String(id, radix: 36))" }
}

/// A value that is `null` in the JSON when absent, rather than left out as `Encodable`
/// leaves out optionals: GitHub's schemas require many fields that may be null.
@propertyWrapper
struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
