#!/usr/bin/env python3
"""Drives fichesync's fake providers with strict clients: every answer checked against the
provider's published schema.

check.py runs lenient clients (PyGithub, mattermostdriver, ovh), which read the fields they
need and ignore the rest, so a fake can pass them and still answer shapes the real services
never send. Here every answer the fakes give is validated field by field:

- GitHub, with githubkit: its pydantic models are generated from GitHub's OpenAPI description.
  Each answer goes through `.parsed_data` (githubkit's own validation) and again through the
  same model in pydantic's strict mode (exact JSON types: no "1" for 1, no number for a
  date-time), error answers too (`BasicError`, `ValidationError`).
- Mattermost, with mattermost-api-reference-client (generated from Mattermost's OpenAPI
  spec): documented status codes only (`raise_on_unexpected_status`), and the types of every
  field against the generated models' annotations. The spec marks no field of these models
  required, so presence cannot be checked from it.
- OVH: no package ships OVH's API description (`/1.0/email/domain.json`); OVH_MODELS below
  transcribes the models the fake serves from that published description (every property
  of an OVH model is in its answers; `canBeNull` says which may be null). The calls go
  through the official `ovh` client.

Run it like check.py, against `fichesync sandbox` or the fakes a test started:

    python3 scripts/official-clients/strict.py [--only ovh,mattermost,github]

Prints one line per check (`ok` or `FAIL`, with every field that is wrong) and exits 1 when
any check failed.
"""

import os
import re
import sys
import typing
from datetime import datetime
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import RESULTS, check, env, expect, run  # noqa: E402 - shares check.py's reporting


# MARK: GitHub


def github_checks():
    import pydantic
    from githubkit import GitHub, TokenAuthStrategy
    from githubkit.exception import RequestFailed
    from githubkit_schemas.latest import models

    gh = GitHub(TokenAuthStrategy(env("GITHUB_TOKEN")), base_url=env("GITHUB_API_URL"), auto_retry=False, http_cache=False)
    wrong = GitHub(TokenAuthStrategy("wrong-token"), base_url=env("GITHUB_API_URL"), auto_retry=False, http_cache=False)
    org = env("GITHUB_ORGANIZATION_NAME")
    team = os.environ.get("GITHUB_TEAM", "community")
    state = {}

    def exact(model, response):
        """The answer as githubkit reads it, after checking it against `model` in strict mode."""
        try:
            data = response.parsed_data
            pydantic.TypeAdapter(model).validate_json(response.content, strict=True)
        except pydantic.ValidationError as error:
            raise AssertionError(describe(error)) from None
        return data

    def parsed(model, call):
        """Calls the API; a pydantic error (a missing or mistyped field) is the finding."""
        try:
            return exact(model, call())
        except pydantic.ValidationError as error:
            raise AssertionError(describe(error)) from None

    def failure(status, model, call):
        """The call must fail with `status`, its body a `model` as GitHub sends it (githubkit
        does not name an error model for every status, so the body is validated here)."""
        try:
            response = call()
        except RequestFailed as error:
            response = error.response
            expect(response.status_code == status, f"HTTP {response.status_code}, expected {status}: {response.text[:200]}")
            try:
                body = pydantic.TypeAdapter(model).validate_json(response.content)
                pydantic.TypeAdapter(model).validate_json(response.content, strict=True)
            except pydantic.ValidationError as invalid:
                raise AssertionError(describe(invalid)) from None
            expect(body.message and body.documentation_url, f"no message or documentation_url: {response.text[:200]}")
            # GitHub repeats the status as text, in validation errors too (whose model lacks it).
            sent = response.json().get("status")
            expect(sent == str(status), f"status {sent!r}, GitHub sends \"{status}\"")
            return body
        raise AssertionError(f"HTTP {response.status_code}, expected {status}")

    def pages(call, model, **params):
        """Every page of a list, following the `Link: rel="next"` header (100 a page)."""
        items, page, seen = [], 1, 0
        while True:
            response = call(**params, per_page=100, page=page)
            batch = exact(list[model], response)
            items += batch
            seen += 1
            link = response.headers.get("link", "")
            next_page = re.search(r'<([^>]+)>;\s*rel="next"', link)
            if not next_page:
                return items, seen
            expect(len(batch) == 100, f"page {page} has {len(batch)} items and a next link")
            page = int(parse_qs(urlparse(next_page.group(1)).query)["page"][0])

    login = "strict-client"

    def a_member():
        """A member's login, read without validation (the list is checked on its own)."""
        listed = gh.rest.orgs.list_members(org, per_page=1).json()
        expect(listed, "no member in the fake (seed some)")
        return listed[0]["login"]

    @check("github strict: GET /orgs/{org} is an organization-full")
    def organisation():
        full = parsed(models.OrganizationFull, lambda: gh.rest.orgs.get(org))
        expect(full.login.lower() == org.lower() and full.type == "Organization", full.login)

    @check("github strict: GET /orgs/{org} with a wrong token is 401, a basic-error")
    def bad_credentials():
        failure(401, models.BasicError, lambda: wrong.rest.orgs.get(org))

    @check("github strict: GET /orgs/{unknown} is 404, a basic-error")
    def unknown_org():
        failure(404, models.BasicError, lambda: gh.rest.orgs.get("no-such-org-fichesync"))

    @check("github strict: GET /users/{login} is a public-user")
    def user():
        found = parsed(typing.Union[models.PrivateUser, models.PublicUser], lambda: gh.rest.users.get_by_username(login))
        expect(found.login == login and found.id > 0 and found.type == "User", found)

    @check("github strict: GET /user/{account_id} is the same public-user")
    def user_by_id():
        known = gh.rest.users.get_by_username(login).json()["id"]
        found = parsed(typing.Union[models.PrivateUser, models.PublicUser], lambda: gh.rest.users.get_by_id(known))
        expect(found.login == login and found.id == known, found)

    @check("github strict: GET /users/{login} of no account is 404, a basic-error")
    def no_user():
        failure(404, models.BasicError, lambda: gh.rest.users.get_by_username("-not-a-login-"))

    @check("github strict: list members (role=all) page by page past 100, simple-users")
    def members():
        found, seen = pages(gh.rest.orgs.list_members, models.SimpleUser, org=org, role="all")
        expect(len({m.id for m in found}) == len(found), "someone twice")
        expected = os.environ.get("CHECK_GITHUB_MEMBERS")
        if expected:
            expect(len(found) == int(expected), f"{len(found)} members, expected {expected}")
            expect(int(expected) <= 100 or seen > 1, "one page only")

    @check("github strict: list admins (role=admin), simple-users")
    def admins():
        found, _ = pages(gh.rest.orgs.list_members, models.SimpleUser, org=org, role="admin")
        members = {m["login"] for m in gh.rest.orgs.list_members(org, role="all", per_page=100).json()}
        expect({a.login for a in found} <= members, "an admin not among the members")
        expected = os.environ.get("CHECK_GITHUB_ADMINS")
        if expected:
            expect(len(found) == int(expected), f"{len(found)} admins, expected {expected}")

    @check("github strict: is a member? 204 for a member, 404 for anyone else")
    def has_member():
        expect(gh.rest.orgs.check_membership_for_user(org, a_member()).status_code == 204, "member")
        try:
            response = gh.rest.orgs.check_membership_for_user(org, login)
        except RequestFailed as error:
            response = error.response
        expect(response.status_code == 404, f"HTTP {response.status_code} for a non-member")

    @check("github strict: GET a membership: active for a member (org-membership), 404 basic-error for a non-member")
    def get_membership():
        member = a_member()
        found = parsed(models.OrgMembership, lambda: gh.rest.orgs.get_membership_for_user(org, member))
        expect(found.state == "active" and found.user and found.user.login == member, found)
        failure(404, models.BasicError, lambda: gh.rest.orgs.get_membership_for_user(org, login))

    @check("github strict: PUT a membership invites (pending org-membership), again is harmless, then GET is pending")
    def set_membership():
        first = parsed(models.OrgMembership, lambda: gh.rest.orgs.set_membership_for_user(org, login, role="member"))
        expect(first.state == "pending" and first.user and first.user.login == login, first)
        again = parsed(models.OrgMembership, lambda: gh.rest.orgs.set_membership_for_user(org, login, role="member"))
        expect(again.state == "pending", again)
        found = parsed(models.OrgMembership, lambda: gh.rest.orgs.get_membership_for_user(org, login))
        expect(found.state == "pending", found)
        member = a_member()
        active = parsed(models.OrgMembership, lambda: gh.rest.orgs.set_membership_for_user(org, member, role="member"))
        expect(active.state == "active", active)

    @check("github strict: pending invitations past 100, organization-invitations")
    def invitations():
        for n in range(105):  # the answers are checked by set_membership; here only the list is
            gh.rest.orgs.set_membership_for_user(org, f"strict-invitee-{n}", role="member")
        found, seen = pages(gh.rest.orgs.list_pending_invitations, models.OrganizationInvitation, org=org)
        logins = [i.login for i in found]
        expect(len(set(logins)) == len(logins) and login in logins and "strict-invitee-104" in logins, f"{len(logins)} invitations")
        expect(seen >= 2, "one page only")

    @check("github strict: POST an invitation by invitee_id is 201, an organization-invitation")
    def create_invitation():
        invitee = gh.rest.users.get_by_username("strict-invited-by-id").json()
        response = gh.rest.orgs.create_invitation(org, invitee_id=invitee["id"], role="direct_member")
        expect(response.status_code == 201, f"HTTP {response.status_code}")
        state["invitee"] = invitee["id"]
        created = exact(models.OrganizationInvitation, response)
        expect(created.login == invitee["login"] and created.role == "direct_member" and created.inviter.login, created)

    @check("github strict: POST an invitation for someone already invited is 422, a validation-error")
    def invite_again():
        body = failure(422, models.ValidationError,
                       lambda: gh.rest.orgs.create_invitation(org, invitee_id=state["invitee"], role="direct_member"))
        expect(body.errors and body.errors[0].code, body)

    @check("github strict: POST an invitation with neither invitee_id nor email is 422, a validation-error")
    def invite_nobody():
        failure(422, models.ValidationError, lambda: gh.rest.orgs.create_invitation(org, role="direct_member"))

    @check("github strict: failed invitations, organization-invitations with failed_at and failed_reason")
    def failed_invitations():
        found, _ = pages(gh.rest.orgs.list_failed_invitations, models.OrganizationInvitation, org=org)
        expected = int(os.environ.get("CHECK_GITHUB_FAILED_INVITATIONS", "0"))
        expect(len(found) >= expected, f"{len(found)} failed invitations, expected at least {expected}")
        for invitation in found:
            expect(invitation.failed_at and invitation.failed_reason, invitation)
            datetime.fromisoformat(invitation.failed_at.replace("Z", "+00:00"))

    @check("github strict: cancel an invitation (204), cancelling it again is 404, a basic-error")
    def cancel_invitation():
        pending = gh.rest.orgs.list_pending_invitations(org, per_page=100).json()
        expect(pending, "no pending invitation")
        invitation = pending[-1]["id"]
        expect(gh.rest.orgs.cancel_invitation(org, invitation).status_code == 204, "cancel")
        failure(404, models.BasicError, lambda: gh.rest.orgs.cancel_invitation(org, invitation))

    @check("github strict: team members, simple-users; an unknown team is 404, a basic-error")
    def team_members():
        pages(gh.rest.teams.list_members_in_org, models.SimpleUser, org=org, team_slug=team)
        failure(404, models.BasicError, lambda: gh.rest.teams.list_members_in_org(org, "no-such-team-fichesync"))

    @check("github strict: PUT a team membership of a member is a team-membership")
    def team_membership():
        member = a_member()
        found = parsed(models.TeamMembership,
                       lambda: gh.rest.teams.add_or_update_membership_for_user_in_org(org, team, member, role="member"))
        expect(found.state == "active" and found.role == "member", found)
        listed, _ = pages(gh.rest.teams.list_members_in_org, models.SimpleUser, org=org, team_slug=team)
        expect(member in {m.login for m in listed}, "not listed in the team")

    @check("github strict: remove a membership (204), removing it again is 404, a basic-error")
    def remove_membership():
        expect(gh.rest.orgs.remove_membership_for_user(org, login).status_code == 204, "remove")
        failure(404, models.BasicError, lambda: gh.rest.orgs.remove_membership_for_user(org, login))

    for step in (organisation, bad_credentials, unknown_org, user, user_by_id, no_user, members, admins, has_member,
                 get_membership, set_membership, invitations, create_invitation, invite_again, invite_nobody,
                 failed_invitations, cancel_invitation, team_members, team_membership, remove_membership):
        step()
    if os.environ.get("GITHUB_REPOSITORY"):
        hosted_checks(gh, models, exact, parsed, failure, pages)


def hosted_checks(gh, models, exact, parsed, failure, pages):
    """The hosted repositories (`fichesync sandbox` exports GITHUB_REPOSITORY and GITHUB_FORK):
    the PR bot's path through the Git Data API to a pull request, and the maintainer's merge
    (GITHUB_MAINTAINER_TOKEN), every answer in GitHub's published shape."""
    import base64
    import uuid

    from githubkit import GitHub, TokenAuthStrategy

    up_owner, up_repo = env("GITHUB_REPOSITORY").split("/")
    fork_owner, fork_repo = env("GITHUB_FORK").split("/")
    maintainer = GitHub(TokenAuthStrategy(env("GITHUB_MAINTAINER_TOKEN")), base_url=env("GITHUB_API_URL"),
                        auto_retry=False, http_cache=False)
    branch = f"authorstrict.client-{uuid.uuid4().hex[:6]}"
    path = f"content/_authors/strict.client-{branch[-6:]}.md"
    state = {}

    @check("github strict: GET /repos/{owner}/{repo} of the upstream and the fork are full-repositories (parent, source)")
    def repositories():
        up = parsed(models.FullRepository, lambda: gh.rest.repos.get(up_owner, up_repo))
        expect(up.default_branch == "master" and not up.fork, up.full_name)
        fork = parsed(models.FullRepository, lambda: gh.rest.repos.get(fork_owner, fork_repo))
        expect(fork.fork and fork.parent and fork.parent.full_name == up.full_name and fork.source, fork.full_name)
        failure(404, models.BasicError, lambda: gh.rest.repos.get(up_owner, "no-such-repository"))

    @check("github strict: POST /forks is 202, a full-repository (the existing fork)")
    def fork():
        response = gh.rest.repos.create_fork(up_owner, up_repo)
        expect(response.status_code == 202, f"HTTP {response.status_code}")
        found = exact(models.FullRepository, response)
        expect(found.full_name.lower() == f"{fork_owner}/{fork_repo}".lower(), found.full_name)

    @check("github strict: GET git/ref/heads/master is a git-ref; a missing ref is 404")
    def get_ref():
        ref = parsed(models.GitRef, lambda: gh.rest.git.get_ref(up_owner, up_repo, "heads/master"))
        expect(ref.ref == "refs/heads/master" and ref.object_.type == "commit", ref)
        state["base"] = ref.object_.sha
        failure(404, models.BasicError, lambda: gh.rest.git.get_ref(up_owner, up_repo, "heads/no-such-branch"))

    @check("github strict: GET git/commits/{sha} and git/trees/{sha} are a git-commit and a git-tree")
    def read_objects():
        commit = parsed(models.GitCommit, lambda: gh.rest.git.get_commit(up_owner, up_repo, state["base"]))
        state["base_tree"] = commit.tree.sha
        tree = parsed(models.GitTree, lambda: gh.rest.git.get_tree(up_owner, up_repo, commit.tree.sha))
        expect(any(item.path == "content" for item in tree.tree), "no content/ in the tree")

    @check("github strict: GET commits/{ref} (a branch, a sha) is a commit; an unknown ref is 422")
    def repository_commit():
        commit = parsed(models.Commit, lambda: gh.rest.repos.get_commit(up_owner, up_repo, "master"))
        expect(commit.sha == state["base"] and commit.commit.tree.sha == state["base_tree"], commit.sha)
        again = parsed(models.Commit, lambda: gh.rest.repos.get_commit(up_owner, up_repo, state["base"]))
        expect(again.sha == commit.sha, again.sha)
        failure(422, models.BasicError, lambda: gh.rest.repos.get_commit(up_owner, up_repo, "no-such-branch"))

    @check("github strict: POST git/blobs (base64) is 201, a short-blob; GET it back is a blob")
    def blob():
        text = "---\nfullname: Strict Client\n---\n"
        response = gh.rest.git.create_blob(fork_owner, fork_repo, content=base64.b64encode(text.encode()).decode(), encoding="base64")
        expect(response.status_code == 201, f"HTTP {response.status_code}")
        state["blob"] = exact(models.ShortBlob, response).sha
        found = parsed(models.Blob, lambda: gh.rest.git.get_blob(fork_owner, fork_repo, state["blob"]))
        expect(base64.b64decode(found.content).decode() == text, found.content)

    @check("github strict: POST git/trees (base_tree, nested path) is 201, a git-tree; POST git/commits is 201, a git-commit")
    def tree_and_commit():
        response = gh.rest.git.create_tree(fork_owner, fork_repo, base_tree=state["base_tree"],
                                           tree=[{"path": path, "mode": "100644", "type": "blob", "sha": state["blob"]}])
        expect(response.status_code == 201, f"HTTP {response.status_code}")
        tree = exact(models.GitTree, response)
        response = gh.rest.git.create_commit(fork_owner, fork_repo, message=f"Ajout de {path}", tree=tree.sha, parents=[state["base"]])
        expect(response.status_code == 201, f"HTTP {response.status_code}")
        commit = exact(models.GitCommit, response)
        expect(commit.parents[0].sha == state["base"], commit)
        state["commit"] = commit.sha

    @check("github strict: POST git/refs on the fork at its commit is 201, a git-ref; again is 422, a validation-error")
    def create_ref():
        response = gh.rest.git.create_ref(fork_owner, fork_repo, ref=f"refs/heads/{branch}", sha=state["commit"])
        expect(response.status_code == 201, f"HTTP {response.status_code}")
        exact(models.GitRef, response)
        failure(422, models.ValidationError,
                lambda: gh.rest.git.create_ref(fork_owner, fork_repo, ref=f"refs/heads/{branch}", sha=state["commit"]))

    @check("github strict: GET contents/{path}?ref= is a content-file; a missing path is 404")
    def contents():
        found = parsed(models.ContentFile, lambda: gh.rest.repos.get_content(fork_owner, fork_repo, path, ref=branch))
        expect(found.type == "file" and base64.b64decode(found.content).startswith(b"---"), found.path)
        failure(404, models.BasicError, lambda: gh.rest.repos.get_content(up_owner, up_repo, path))

    @check("github strict: POST /pulls from the fork is 201, a pull-request; again is 422, a validation-error")
    def create_pull():
        response = gh.rest.pulls.create(up_owner, up_repo, title="Création de fiche (strict client)", head=f"{fork_owner}:{branch}",
                                        base="master", body="Référent : pas renseigné.", maintainer_can_modify=True)
        expect(response.status_code == 201, f"HTTP {response.status_code}")
        pull = exact(models.PullRequest, response)
        expect(pull.head.sha == state["commit"] and pull.state == "open", pull.head)
        state["pull"] = pull.number
        body = failure(422, models.ValidationError, lambda: gh.rest.pulls.create(
            up_owner, up_repo, title="again", head=f"{fork_owner}:{branch}", base="master"))
        expect(body.errors and "already exists" in (body.errors[0].message or ""), body)

    @check("github strict: POST issues/{n}/comments is 201, an issue-comment; listed page by page; PATCH edits it")
    def comments():
        response = gh.rest.issues.create_comment(up_owner, up_repo, state["pull"], body="<!-- fichesync:merge-preview -->\nCe que la fusion va faire")
        expect(response.status_code == 201, f"HTTP {response.status_code}")
        comment = exact(models.IssueComment, response)
        found, _ = pages(gh.rest.issues.list_comments, models.IssueComment, owner=up_owner, repo=up_repo, issue_number=state["pull"])
        expect([c.id for c in found] == [comment.id], found)
        edited = parsed(models.IssueComment, lambda: gh.rest.issues.update_comment(up_owner, up_repo, comment.id, body="édité"))
        expect(edited.body == "édité" and edited.id == comment.id, edited)

    @check("github strict: check runs as the App (GITHUB_APP_TOKEN): create (201), more annotations by PATCH, get, list; 51 annotations or a personal token refused")
    def check_runs():
        token = os.environ.get("GITHUB_APP_TOKEN")
        expect(token, "GITHUB_APP_TOKEN (an installation token of the sandbox's App) is not set")
        app = GitHub(TokenAuthStrategy(token), base_url=env("GITHUB_API_URL"), auto_retry=False, http_cache=False)
        note = {"path": path, "start_line": 2, "end_line": 2, "start_column": 11, "end_column": 11, "annotation_level": "failure",
                "message": "`role` is missing", "title": "required-key"}
        response = app.rest.checks.create(up_owner, up_repo, name="fichesync", head_sha=state["commit"], status="completed", conclusion="failure",
                                          output={"title": "1 erreur", "summary": "à corriger", "annotations": [note]})
        expect(response.status_code == 201, f"HTTP {response.status_code}")
        run = exact(models.CheckRun, response)
        expect(run.head_sha == state["commit"] and run.conclusion == "failure" and run.output.annotations_count == 1, run)
        more = parsed(models.CheckRun, lambda: app.rest.checks.update(up_owner, up_repo, run.id, output={
            "title": "2 erreurs", "summary": "à corriger", "annotations": [dict(note, start_line=3, end_line=3)]}))
        expect(more.output.annotations_count == 2, more.output)
        parsed(models.CheckRun, lambda: app.rest.checks.get(up_owner, up_repo, run.id))
        notes, _ = pages(app.rest.checks.list_annotations, models.CheckAnnotation, owner=up_owner, repo=up_repo, check_run_id=run.id)
        expect([n.start_line for n in notes] == [2, 3], notes)
        listed = parsed(models.ReposOwnerRepoCommitsRefCheckRunsGetResponse200,
                        lambda: app.rest.checks.list_for_ref(up_owner, up_repo, state["commit"]))
        expect(listed.total_count == 1 and listed.check_runs[0].id == run.id, listed)
        # githubkit refuses 51 annotations itself: sent as a plain request, the fake must too.
        url = f"/repos/{up_owner}/{up_repo}/check-runs"
        failure(422, models.ValidationError, lambda: app.request("POST", url, json={
            "name": "fichesync", "head_sha": state["commit"], "output": {"title": "t", "summary": "s", "annotations": [note] * 51}}))
        failure(403, models.BasicError, lambda: gh.request("POST", url, json={"name": "fichesync", "head_sha": state["commit"]}))

    @check("github strict: POST issues/{n}/labels as the maintainer is a list of labels, shown on the pull request; the bot's token is refused")
    def labels():
        added = parsed(list[models.Label], lambda: maintainer.rest.issues.add_labels(up_owner, up_repo, state["pull"], labels=["confirmé par le·la référent·e"]))
        expect([label.name for label in added] == ["confirmé par le·la référent·e"], added)
        again = parsed(list[models.Label], lambda: maintainer.rest.issues.add_labels(up_owner, up_repo, state["pull"], labels=["confirmé par le·la référent·e"]))
        expect(len(again) == 1, again)
        pull = parsed(models.PullRequest, lambda: gh.rest.pulls.get(up_owner, up_repo, state["pull"]))
        expect([label.name for label in pull.labels] == ["confirmé par le·la référent·e"], pull.labels)
        failure(403, models.BasicError, lambda: gh.rest.issues.add_labels(up_owner, up_repo, state["pull"], labels=["x"]))

    @check("github strict: list pulls page by page, pull-request-simples; GET one is a pull-request, mergeable")
    def list_and_get_pulls():
        found, _ = pages(gh.rest.pulls.list, models.PullRequestSimple, owner=up_owner, repo=up_repo, state="all")
        expect(state["pull"] in {p.number for p in found}, "not listed")
        pull = parsed(models.PullRequest, lambda: gh.rest.pulls.get(up_owner, up_repo, state["pull"]))
        expect(pull.mergeable is True and pull.changed_files == 1 and pull.commits == 1, pull)

    @check("github strict: GET pulls/{n}/files is a list of diff-entries")
    def pull_files():
        files, _ = pages(gh.rest.pulls.list_files, models.DiffEntry, owner=up_owner, repo=up_repo, pull_number=state["pull"])
        expect([f.filename for f in files] == [path] and files[0].status == "added" and files[0].additions == 3, files)

    @check("github strict: PUT pulls/{n}/merge as the maintainer is a pull-request-merge-result; again is 405")
    def merge_pull():
        merged = parsed(models.PullRequestMergeResult,
                        lambda: maintainer.rest.pulls.merge(up_owner, up_repo, state["pull"], merge_method="squash"))
        expect(merged.merged, merged)
        failure(405, models.BasicError, lambda: maintainer.rest.pulls.merge(up_owner, up_repo, state["pull"]))

    @check("github strict: POST merge-upstream on the fork is a merged-upstream (fast-forward, then none)")
    def merge_upstream():
        first = parsed(models.MergedUpstream, lambda: gh.rest.repos.merge_upstream(fork_owner, fork_repo, branch="master"))
        expect(first.merge_type in ("fast-forward", "merge"), first)
        again = parsed(models.MergedUpstream, lambda: gh.rest.repos.merge_upstream(fork_owner, fork_repo, branch="master"))
        expect(again.merge_type == "none", again)

    @check("github strict: PATCH git/refs (force), DELETE git/refs (204), deleting again is 422")
    def update_and_delete_ref():
        ref = parsed(models.GitRef, lambda: gh.rest.git.update_ref(fork_owner, fork_repo, f"heads/{branch}", sha=state["base"], force=True))
        expect(ref.object_.sha == state["base"], ref)
        expect(gh.rest.git.delete_ref(fork_owner, fork_repo, f"heads/{branch}").status_code == 204, "delete")
        failure(422, models.ValidationError, lambda: gh.rest.git.delete_ref(fork_owner, fork_repo, f"heads/{branch}"))

    for step in (repositories, fork, get_ref, read_objects, repository_commit, blob, tree_and_commit, create_ref, contents, create_pull, comments, check_runs, labels,
                 list_and_get_pulls, pull_files, merge_pull, merge_upstream, update_and_delete_ref):
        step()


def describe(error):
    """Every field pydantic refused, `path: problem (got value)`, on one line each."""
    lines = [f"{error.error_count()} validation errors"]
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        got = "" if item["type"] == "missing" else f" (got {item.get('input')!r:.60})"
        lines.append(f"       {where}: {item['msg']}{got}")
    return "\n".join(lines)


# MARK: Mattermost

# Where the spec and the server disagree, the fake follows the server; each exception says
# why. (model, field) → the Python type Mattermost really sends.
MATTERMOST_SERVER_TYPES = {
    # model.StringMap on the server: "true"/"false", as the spec's own description says.
    ("Timezone", "use_automatic_timezone"): str,
}


def mattermost_typed(value, annotation, owner, name, problems, path):
    """Checks `value` against an annotation of the generated model (`str | Unset`…)."""
    from mattermost_api_reference_client import models
    from mattermost_api_reference_client.types import Unset

    if isinstance(value, Unset):
        return
    server = MATTERMOST_SERVER_TYPES.get((owner, name))
    if server:
        if not isinstance(value, server):
            problems.append(f"{path}: {value!r:.40} is not {server.__name__}")
        return
    options = [part.strip() for part in annotation.split("|") if part.strip() != "Unset"]
    for option in options:
        if option == "None" and value is None:
            return
        if option in ("str", "int", "bool", "float"):
            kind = {"str": str, "int": int, "bool": bool, "float": (int, float)}[option]
            if isinstance(value, kind) and not (option in ("int", "float") and isinstance(value, bool)):
                return
        elif option.startswith("list[") and isinstance(value, list):
            inner = option[5:-1]
            for n, item in enumerate(value):
                mattermost_typed(item, inner, owner, name, problems, f"{path}[{n}]")
            return
        elif option.startswith("dict") and isinstance(value, dict):
            return
        elif hasattr(models, option) and isinstance(value, getattr(models, option)):
            mattermost_conforms(value, problems, path)
            return
    problems.append(f"{path}: {value!r:.40} is not {' | '.join(options)}")


def mattermost_conforms(instance, problems, path):
    """Appends to `problems` each field of the generated model `instance` not of its annotated type."""
    import attrs

    cls = type(instance)
    for field in attrs.fields(cls):
        if field.name == "additional_properties":
            continue
        mattermost_typed(getattr(instance, field.name), str(field.type), cls.__name__, field.name, problems, f"{path}.{field.name}")


def mattermost_checks():
    from mattermost_api_reference_client import AuthenticatedClient, models
    from mattermost_api_reference_client.api.teams import add_team_member, invite_users_to_team, remove_team_member
    from mattermost_api_reference_client.api.users import get_user, get_user_by_email, get_users
    from mattermost_api_reference_client.api.channels import create_direct_channel
    from mattermost_api_reference_client.api.posts import create_post

    base = env("MATTERMOST_URL").rstrip("/")
    team, alumni = env("MATTERMOST_TEAM_ID"), env("MATTERMOST_ALUMNI_TEAM_ID")
    domain = env("SECRETARIAT_DOMAIN")

    def client(token):
        return AuthenticatedClient(base_url=base, token=token, raise_on_unexpected_status=True)

    bot = client(env("MATTERMOST_BOT_TOKEN"))
    state = {}

    def answer(module, model, status, *args, **kwargs):
        """Calls `module`: the answer must be `model` with `status`, every field of its type."""
        response = module.sync_detailed(*args, client=bot, **kwargs)
        expect(response.status_code == status, f"HTTP {response.status_code}, expected {status}: {response.content[:200]!r}")
        parsed = response.parsed
        items = parsed if isinstance(parsed, list) else [parsed]
        problems = []
        for n, item in enumerate(items):
            expect(isinstance(item, model), f"answer {n} is {type(item).__name__}, not {model.__name__}")
            mattermost_conforms(item, problems, model.__name__ + (f"[{n}]" if isinstance(parsed, list) else ""))
        expect(not problems, "\n       ".join([f"{len(problems)} fields of the wrong type"] + problems[:20]))
        return parsed

    def app_error(module, status, *args, using=None, **kwargs):
        """The call must fail with `status` and Mattermost's error body (AppError)."""
        response = module.sync_detailed(*args, client=using or bot, **kwargs)
        expect(response.status_code == status, f"HTTP {response.status_code}, expected {status}")
        error = response.parsed
        expect(isinstance(error, models.AppError), f"{type(error).__name__}, not AppError")
        problems = []
        mattermost_conforms(error, problems, "AppError")
        expect(not problems, "; ".join(problems))
        expect(error.status_code == status and error.id and error.message and error.request_id, error)
        return error

    @check("mattermost strict: GET /users/me is a User")
    def me():
        user = answer(get_user, models.User, 200, "me")
        expect(len(user.id) == 26 and user.username, user)

    @check("mattermost strict: a wrong token is 401, an AppError")
    def wrong_token():
        app_error(get_user, 401, "me", using=client("wrong"))

    @check("mattermost strict: GET /users page by page (and in_team), Users")
    def users():
        found, page = [], 0
        while True:
            batch = answer(get_users, models.User, 200, page=page, per_page=200)
            found += batch
            if len(batch) < 200:
                break
            page += 1
        expected = os.environ.get("CHECK_MATTERMOST_USERS")
        if expected:
            expect(len(found) == int(expected), f"{len(found)} users, expected {expected}")
        expect(len({u.id for u in found}) == len(found), "someone twice")
        members = answer(get_users, models.User, 200, page=0, per_page=200, in_team=team)
        state["users"], state["members"] = found, {u.id for u in members}

    @check("mattermost strict: GET /users/{id} and /users/email/{email} are Users; unknown ones 404 AppErrors")
    def user():
        expect(state.get("users"), "no user in the fake (seed some)")
        first = state["users"][0]
        expect(answer(get_user, models.User, 200, first.id).email == first.email, "by id")
        expect(answer(get_user_by_email, models.User, 200, first.email).id == first.id, "by email")
        app_error(get_user, 404, "nobody0000000000000000000")
        app_error(get_user_by_email, 404, f"nobody@{domain}")

    @check("mattermost strict: invite by email is a StatusOK, twice too; nobody to invite is 400, an AppError")
    def invite():
        emails = [f"strict.client@{domain}"]
        expect(answer(invite_users_to_team, models.StatusOK, 200, team, body=emails).status == "OK", "status")
        expect(answer(invite_users_to_team, models.StatusOK, 200, team, body=emails).status == "OK", "again")
        app_error(invite_users_to_team, 400, team, body=[])

    @check("mattermost strict: add a team member (201 TeamMember, again too), remove (StatusOK), again 404; mismatched team 400")
    def team_members():
        outside = [u for u in state.get("users", []) if u.id not in state.get("members", set())]
        expect(outside, "no user outside the team (seed some)")
        user_id = outside[0].id
        body = models.AddTeamMemberBody(team_id=team, user_id=user_id)
        member = answer(add_team_member, models.TeamMember, 201, team, body=body)
        expect(member.team_id == team and member.user_id == user_id, member)
        answer(add_team_member, models.TeamMember, 201, team, body=body)
        expect(answer(remove_team_member, models.StatusOK, 200, team, user_id).status == "OK", "remove")
        app_error(remove_team_member, 404, team, user_id)
        app_error(add_team_member, 400, alumni, body=body)

    @check("mattermost strict: a direct channel with a user (201 Channel, the same one again); an unknown user 400, an AppError")
    def direct_channel():
        expect(state.get("users"), "no user in the fake (seed some)")
        me = answer(get_user, models.User, 200, "me")
        other = state["users"][0].id
        channel = answer(create_direct_channel, models.Channel, 201, body=[me.id, other])
        expect(channel.type_ == "D" and channel.name == "__".join(sorted([me.id, other])), channel)
        expect(answer(create_direct_channel, models.Channel, 201, body=[other, me.id]).id == channel.id, "not the same channel")
        app_error(create_direct_channel, 400, body=[me.id, "nobody0000000000000000000"])
        state["channel"] = channel.id

    @check("mattermost strict: a post in the direct channel is a 201 Post; in a channel the bot cannot post to, 403 AppError")
    def post():
        expect(state.get("channel"), "no direct channel")
        sent = answer(create_post, models.Post, 201, body=models.CreatePostBody(channel_id=state["channel"], message="**Bonjour** é ✔"))
        expect(sent.channel_id == state["channel"] and sent.message == "**Bonjour** é ✔", sent)
        app_error(create_post, 403, body=models.CreatePostBody(channel_id="nochannel0000000000000000a", message="x"))

    # A status the spec does not document for a call raises errors.UnexpectedStatus: a finding.
    for step in (me, wrong_token, users, user, invite, team_members, direct_channel, post):
        step()


# MARK: OVH

# The models of OVH's published API description (/1.0/email/domain.json) that the fake
# serves: property → (type, canBeNull). OVH answers carry every property of a model.
OVH_ENUMS = {
    "domain.DomainPopActionEnum": {"addAccount", "changeAccount", "changePassword", "deleteAccount", "internalMigration",
                                   "migration", "temporaryTask", "unknown"},
    "domain.DomainSpecialAccountActionEnum": {"add", "change", "delete"},
    "domain.DomainSpecialAccountTypeEnum": {"25g", "alias", "delete", "filter", "forward", "responder"},
    "domain.DomainMlLanguageEnum": {"de", "en", "es", "fr", "it", "nl", "pl", "pt"},
}
OVH_MODELS = {
    "email.domain.Account": {"accountName": ("string", False), "description": ("string", False), "domain": ("string", False),
                             "email": ("string", False), "isBlocked": ("boolean", False), "size": ("long", False)},
    "email.domain.TaskPop": {"action": ("domain.DomainPopActionEnum", False), "date": ("datetime", False),
                             "domain": ("string", False), "id": ("long", False), "name": ("string", False)},
    "email.domain.TaskMl": {"account": ("string", False), "action": ("string", False), "date": ("datetime", False),
                            "domain": ("string", False), "id": ("long", False),
                            "language": ("domain.DomainMlLanguageEnum", False)},
    "email.domain.TaskSpecialAccount": {"account": ("string", False), "action": ("domain.DomainSpecialAccountActionEnum", False),
                                        "date": ("datetime", False), "domain": ("string", False), "id": ("string", False),
                                        "type": ("domain.DomainSpecialAccountTypeEnum", False)},
    "email.domain.RedirectionGlobal": {"from": ("string", False), "id": ("string", False), "to": ("string", False)},
    "email.domain.MailingList": {"id": ("long", False), "language": ("domain.DomainMlLanguageEnum", True), "name": ("string", False),
                                 "nbSubscribers": ("long", True), "nbSubscribersUpdateDate": ("datetime", True),
                                 "options": ("domain.DomainMlOptionsStruct", False), "ownerEmail": ("string", False),
                                 "replyTo": ("string", False)},
    "domain.DomainMlOptionsStruct": {"moderatorMessage": ("boolean", False), "subscribeByModerator": ("boolean", False),
                                     "usersPostOnly": ("boolean", False)},
    "email.domain.Subscriber": {"domain": ("string", False), "email": ("string", False), "mailinglist": ("string", False)},
}


def ovh_conforms(value, kind, path="answer"):
    """The problems of `value` as an OVH `kind` (a model, an enum, a basic type, `T[]`)."""
    if kind.endswith("[]"):
        if not isinstance(value, list):
            return [f"{path}: {value!r:.40} is not {kind}"]
        return [p for n, item in enumerate(value) for p in ovh_conforms(item, kind[:-2], f"{path}[{n}]")]
    if kind in OVH_MODELS:
        if not isinstance(value, dict):
            return [f"{path}: {value!r:.40} is not {kind}"]
        problems = []
        for name, (inner, nullable) in OVH_MODELS[kind].items():
            if name not in value:
                problems.append(f"{path}.{name}: missing")
            elif value[name] is None:
                if not nullable:
                    problems.append(f"{path}.{name}: null, but it cannot be null")
            else:
                problems += ovh_conforms(value[name], inner, f"{path}.{name}")
        return problems
    if kind in OVH_ENUMS:
        return [] if value in OVH_ENUMS[kind] else [f"{path}: {value!r} is not one of {kind}"]
    if kind == "string":
        return [] if isinstance(value, str) else [f"{path}: {value!r:.40} is not a string"]
    if kind == "long":
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{path}: {value!r:.40} is not a long"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: {value!r:.40} is not a boolean"]
    if kind == "datetime":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            return []
        except (AttributeError, ValueError):
            return [f"{path}: {value!r:.40} is not an ISO 8601 datetime"]
    raise ValueError(f"unknown OVH type {kind}")


def ovh_checks():
    import ovh

    endpoint, domain = env("OVH_ENDPOINT"), env("SECRETARIAT_DOMAIN")
    region = "fichesync-sandbox-strict"
    ovh.client.ENDPOINTS[region] = endpoint
    client = ovh.Client(endpoint=region, application_key=env("OVH_APP_KEY"), application_secret=env("OVH_APP_SECRET"),
                        consumer_key=env("OVH_CONSUMER_KEY"))
    base = f"/email/domain/{domain}"
    name, other = "strict.client", "strict.elsewhere@example.org"

    def model(kind, value):
        problems = ovh_conforms(value, kind)
        expect(not problems, "\n       ".join([f"{len(problems)} properties wrong for {kind}"] + problems))
        return value

    @check("ovh strict: GET /auth/time is a long")
    def server_time():
        model("long", client.get("/auth/time", _need_auth=False))

    @check("ovh strict: accounts: list (string[]), create (TaskPop), get (Account), change password (TaskPop), delete (TaskPop)")
    def accounts():
        model("string[]", client.get(f"{base}/account"))
        model("email.domain.TaskPop", client.post(f"{base}/account", accountName=name, password="Strict-Passw0rd-1", description="strict"))
        account = model("email.domain.Account", client.get(f"{base}/account/{name}"))
        expect(account["accountName"] == name and account["email"] == f"{name}@{domain}", account)
        expect(client.put(f"{base}/account/{name}", description="strict, changed") is None, "PUT answers void")
        model("email.domain.TaskPop", client.post(f"{base}/account/{name}/changePassword", password="Other-Passw0rd-2"))
        model("email.domain.TaskPop", client.delete(f"{base}/account/{name}"))

    @check("ovh strict: redirections: create (TaskSpecialAccount), list (string[]), get (RedirectionGlobal), delete")
    def redirections():
        source = f"{name}@{domain}"
        model("email.domain.TaskSpecialAccount", client.post(f"{base}/redirection", _from=source, to=other, localCopy=False))
        ids = model("string[]", client.get(f"{base}/redirection", _from=source))
        expect(len(ids) == 1, ids)
        found = model("email.domain.RedirectionGlobal", client.get(f"{base}/redirection/{ids[0]}"))
        expect(found["id"] == ids[0] and found["from"] == source and found["to"] == other, found)
        model("email.domain.TaskSpecialAccount", client.delete(f"{base}/redirection/{ids[0]}"))

    @check("ovh strict: mailing lists: create (TaskMl), get (MailingList), subscribers (string[], Subscriber, TaskMl), delete")
    def mailing_lists():
        options = {"moderatorMessage": False, "subscribeByModerator": True, "usersPostOnly": False}
        listed = "strict-list"
        model("email.domain.TaskMl", client.post(f"{base}/mailingList", language="fr", name=listed, options=options,
                                                 ownerEmail=f"secretariat@{domain}"))
        model("string[]", client.get(f"{base}/mailingList"))
        model("email.domain.MailingList", client.get(f"{base}/mailingList/{listed}"))
        member = f"{name}@{domain}"
        model("email.domain.TaskMl", client.post(f"{base}/mailingList/{listed}/subscriber", email=member))
        model("string[]", client.get(f"{base}/mailingList/{listed}/subscriber"))
        model("email.domain.Subscriber", client.get(f"{base}/mailingList/{listed}/subscriber/{member}"))
        model("email.domain.TaskMl", client.delete(f"{base}/mailingList/{listed}/subscriber/{member}"))
        model("email.domain.TaskMl", client.delete(f"{base}/mailingList/{listed}"))

    @check("ovh strict: an unknown account is 404 (ResourceNotFoundError) with OVH's error body")
    def not_found():
        try:
            client.get(f"{base}/account/nobody.strict")
        except ovh.exceptions.ResourceNotFoundError as error:
            expect(error.response.json().get("message") and error.query_id, error.response.text)
            return
        raise AssertionError("no error")

    for step in (server_time, accounts, redirections, mailing_lists, not_found):
        step()


def main():
    return run({"ovh": ovh_checks, "mattermost": mattermost_checks, "github": github_checks}, "strict.py")


if __name__ == "__main__":
    sys.exit(main())
