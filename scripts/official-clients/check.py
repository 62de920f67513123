#!/usr/bin/env python3
"""Drives fichesync's fake providers with the providers' official (or most used) clients.

The fakes are only worth something if what passes against them passes against the real
APIs. This script runs the `ovh` client, `mattermostdriver` and PyGithub against the sandbox
(`fichesync sandbox` prints the environment it needs), each configured exactly as for the
real service except for its base URL, and checks what they get back.

    eval "$(swift run fichesync sandbox | head -n 12)"   # in one shell, keep it running
    python3 scripts/official-clients/check.py            # in another, with the same exports

Options: `--only ovh,mattermost,github` (default: all three). Optional environment:
`CHECK_MATTERMOST_USERS` / `CHECK_GITHUB_MEMBERS`, the number of users/members the caller put
in the fakes, to check that pagination returns every one of them.

Prints one line per check (`ok` or `FAIL`) and exits 1 when any check failed.
"""

import argparse
import os
import sys
import traceback
from urllib.parse import urlparse

RESULTS = []


def check(name):
    """Runs one check, recording its outcome without stopping the others."""

    def wrap(function):
        def run(*args, **kwargs):
            try:
                value = function(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - every failure is a finding to report
                RESULTS.append((False, name, f"{type(error).__name__}: {error}"))
                if os.environ.get("CHECK_VERBOSE"):
                    traceback.print_exc()
                return None
            RESULTS.append((True, name, ""))
            return value

        return run

    return wrap


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_raises(exception, call):
    try:
        call()
    except exception as error:
        return error
    raise AssertionError(f"expected {exception.__name__}")


def env(name):
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"check.py: {name} is not set (run `fichesync sandbox` and export its lines)")
    return value


# MARK: OVH


def ovh_checks():
    import ovh

    endpoint = env("OVH_ENDPOINT")
    domain = env("SECRETARIAT_DOMAIN")
    keys = dict(application_key=env("OVH_APP_KEY"), application_secret=env("OVH_APP_SECRET"),
                consumer_key=env("OVH_CONSUMER_KEY"))
    # The client takes a region name from its ENDPOINTS table; the base URL goes there, which
    # is all that changes from a real configuration.
    region = endpoint
    try:
        ovh.Client(endpoint=region, **keys)
    except ovh.exceptions.InvalidRegion:
        region = "fichesync-sandbox"
        ovh.client.ENDPOINTS[region] = endpoint

    def make(**overrides):
        return ovh.Client(endpoint=region, **{**keys, **overrides})

    client = make()
    base = f"/email/domain/{domain}"
    name = "check.official"

    @check("ovh: GET /auth/time (unsigned) gives the server time; the client derives its clock drift")
    def server_time():
        expect(isinstance(client.get("/auth/time", _need_auth=False), int), "not an integer")
        expect(abs(client.time_delta) < 5, f"drift {client.time_delta}")

    @check("ovh: list accounts (signed GET)")
    def list_accounts():
        accounts = client.get(f"{base}/account")
        expect(isinstance(accounts, list) and name not in accounts, f"unexpected {accounts!r}")

    @check("ovh: create an account answers a TaskPop")
    def create_account():
        task = client.post(f"{base}/account", accountName=name, password="Check-Passw0rd-1",
                           description="official client check")
        expect(task.get("action") == "addAccount" and task.get("name") == name and isinstance(task.get("id"), int), task)

    @check("ovh: creating it again is a conflict (ResourceConflictError, HTTP 409)")
    def create_again():
        expect_raises(ovh.exceptions.ResourceConflictError, lambda: client.post(
            f"{base}/account", accountName=name, password="Check-Passw0rd-1"))

    @check("ovh: get the account (email.domain.Account)")
    def get_account():
        account = client.get(f"{base}/account/{name}")
        expect(account.get("accountName") == name and account.get("email") == f"{name}@{domain}"
               and account.get("isBlocked") is False, account)

    @check("ovh: list accounts filtered with a % pattern (query string is signed too)")
    def filter_accounts():
        expect(client.get(f"{base}/account", accountName="check.%") == [name], "filter")

    @check("ovh: change the password answers a TaskPop")
    def change_password():
        task = client.post(f"{base}/account/{name}/changePassword", password="Other-Passw0rd-2")
        expect(task.get("action") == "changePassword", task)

    @check("ovh: a too short password is refused (BadParametersError)")
    def short_password():
        expect_raises(ovh.exceptions.BadParametersError,
                      lambda: client.post(f"{base}/account/{name}/changePassword", password="short"))

    @check("ovh: a wrong application secret is refused (INVALID_SIGNATURE, HTTP 400)")
    def wrong_secret():
        bad = make(application_secret="wrong")
        error = expect_raises(ovh.exceptions.BadParametersError, lambda: bad.get(f"{base}/account"))
        expect("Invalid signature" in str(error), str(error))
        expect(error.query_id, "no X-Ovh-Queryid header")

    @check("ovh: a wrong consumer key is refused (InvalidCredential, HTTP 403)")
    def wrong_consumer():
        bad = make(consumer_key="wrong")
        expect_raises(ovh.exceptions.InvalidCredential, lambda: bad.get(f"{base}/account"))

    @check("ovh: create, find, read and delete a redirection")
    def redirection():
        source, target = f"{name}@{domain}", "check.elsewhere@example.org"
        task = client.post(f"{base}/redirection", _from=source, to=target, localCopy=False)
        # email.domain.TaskSpecialAccount: OVH's schema types this task id as a string.
        expect(task.get("action") == "add" and isinstance(task.get("id"), str), task)
        ids = client.get(f"{base}/redirection", _from=source, to=target)
        expect(isinstance(ids, list) and len(ids) == 1, ids)
        found = client.get(f"{base}/redirection/{ids[0]}")
        expect(found.get("from") == source and found.get("to") == target and str(found.get("id")) == str(ids[0]), found)
        expect_raises(ovh.exceptions.ResourceConflictError, lambda: client.post(
            f"{base}/redirection", _from=source, to=target, localCopy=False))
        expect(client.delete(f"{base}/redirection/{ids[0]}").get("action") == "delete", "delete")
        expect(client.get(f"{base}/redirection", _from=source) == [], "still listed")

    @check("ovh: create a mailing list, subscribe, unsubscribe, delete it")
    def mailing_list():
        options = {"moderatorMessage": False, "subscribeByModerator": True, "usersPostOnly": False}
        task = client.post(f"{base}/mailingList", language="fr", name="check-list", options=options,
                           ownerEmail=f"secretariat@{domain}")
        expect(task.get("account") == "check-list" and isinstance(task.get("id"), int), task)
        expect("check-list" in client.get(f"{base}/mailingList"), "not listed")
        details = client.get(f"{base}/mailingList/check-list")
        expect(details.get("name") == "check-list" and details.get("options") == options
               and details.get("ownerEmail") == f"secretariat@{domain}", details)
        expect_raises(ovh.exceptions.ResourceConflictError, lambda: client.post(
            f"{base}/mailingList", language="fr", name="check-list", options=options, ownerEmail=f"secretariat@{domain}"))
        member = f"{name}@{domain}"
        client.post(f"{base}/mailingList/check-list/subscriber", email=member)
        expect(client.get(f"{base}/mailingList/check-list/subscriber") == [member], "subscriber list")
        expect(client.get(f"{base}/mailingList/check-list/subscriber/{member}").get("email") == member, "subscriber")
        client.delete(f"{base}/mailingList/check-list/subscriber/{member}")
        expect(client.get(f"{base}/mailingList/check-list/subscriber") == [], "still subscribed")
        client.delete(f"{base}/mailingList/check-list")
        expect("check-list" not in client.get(f"{base}/mailingList"), "still listed")

    @check("ovh: delete the account; then it is not found (ResourceNotFoundError, HTTP 404)")
    def delete_account():
        expect(client.delete(f"{base}/account/{name}").get("action") == "deleteAccount", "task")
        expect_raises(ovh.exceptions.ResourceNotFoundError, lambda: client.get(f"{base}/account/{name}"))

    for step in (server_time, list_accounts, create_account, create_again, get_account, filter_accounts, change_password,
                 short_password, wrong_secret, wrong_consumer, redirection, mailing_list, delete_account):
        step()


# MARK: Mattermost


def mattermost_checks():
    from mattermostdriver import Driver
    from mattermostdriver.exceptions import InvalidOrMissingParameters, NoAccessTokenProvided, ResourceNotFound

    url = urlparse(env("MATTERMOST_URL"))
    team, alumni = env("MATTERMOST_TEAM_ID"), env("MATTERMOST_ALUMNI_TEAM_ID")
    domain = env("SECRETARIAT_DOMAIN")

    def driver(token):
        return Driver({"url": url.hostname, "port": url.port or (443 if url.scheme == "https" else 80), "scheme": url.scheme,
                       "basepath": url.path.rstrip("/") + "/api/v4", "token": token, "verify": True})

    client = driver(env("MATTERMOST_BOT_TOKEN"))
    state = {}

    @check("mattermost: login with the token (GET /users/me)")
    def login():
        me = client.login()
        expect(isinstance(me, dict) and len(me.get("id", "")) == 26 and me.get("username"), me)

    @check("mattermost: a wrong token is refused (NoAccessTokenProvided, HTTP 401)")
    def wrong_token():
        expect_raises(NoAccessTokenProvided, lambda: driver("wrong").login())

    def all_users(per_page, **params):
        users, page = [], 0
        while True:
            batch = client.users.get_users(params={"page": page, "per_page": per_page, **params})
            users += batch
            if len(batch) < per_page:
                return users
            page += 1

    @check("mattermost: list users page by page (per_page 200 and 60 agree, no one twice)")
    def list_users():
        users = all_users(200)
        again = all_users(60)
        ids = [user["id"] for user in users]
        expect(len(set(ids)) == len(ids), "duplicates across pages")
        expect(sorted(ids) == sorted(user["id"] for user in again), "page sizes disagree")
        expected = os.environ.get("CHECK_MATTERMOST_USERS")
        if expected:
            expect(len(users) == int(expected), f"{len(users)} users, expected {expected}")
        for user in users[:3]:
            expect({"id", "username", "email", "delete_at", "roles"} <= set(user), user)
        state["users"] = users
        in_team = all_users(200, in_team=team)
        expect({user["id"] for user in in_team} <= set(ids), "team members outside the users")
        state["members"] = in_team

    @check("mattermost: get a user by id and by email")
    def get_user():
        users = state.get("users") or []
        expect(users, "no user in the fake to look at (seed some)")
        user = users[0]
        expect(client.users.get_user(user["id"])["email"] == user["email"], "by id")
        expect(client.users.get_user_by_email(user["email"])["id"] == user["id"], "by email")
        expect_raises(ResourceNotFound, lambda: client.users.get_user("nobody0000000000000000000"))

    @check("mattermost: invite by email (POST /teams/{id}/invite/email), twice is no error")
    def invite():
        emails = [f"check.official@{domain}"]
        expect(client.teams.invite_users_to_team_by_mail(team, emails) == {"status": "OK"}, "answer")
        expect(client.teams.invite_users_to_team_by_mail(team, emails) == {"status": "OK"}, "second answer")
        expect_raises(InvalidOrMissingParameters, lambda: client.teams.invite_users_to_team_by_mail(team, []))

    @check("mattermost: add a user to a team (twice is no error), remove them, removing again is 404")
    def team_members():
        users = state.get("users") or []
        members = {user["id"] for user in state.get("members") or []}
        outside = [user for user in users if user["id"] not in members]
        expect(outside, "no user outside the team in the fake (seed some)")
        user = outside[0]["id"]
        member = client.teams.add_user_to_team(team, options={"team_id": team, "user_id": user})
        expect(member.get("team_id") == team and member.get("user_id") == user and "roles" in member, member)
        expect(client.teams.add_user_to_team(team, options={"team_id": team, "user_id": user}).get("user_id") == user, "again")
        expect(user in {u["id"] for u in all_users(200, in_team=team)}, "not listed in the team")
        expect(client.teams.remove_user_from_team(team, user) == {"status": "OK"}, "remove")
        expect(user not in {u["id"] for u in all_users(200, in_team=team)}, "still listed in the team")
        expect_raises(ResourceNotFound, lambda: client.teams.remove_user_from_team(team, user))
        expect_raises(InvalidOrMissingParameters,
                      lambda: client.teams.add_user_to_team(alumni, options={"team_id": team, "user_id": user}))

    for step in (login, wrong_token, list_users, get_user, invite, team_members):
        step()


# MARK: GitHub


def github_checks():
    from github import Auth, Github

    # Lazy: objects are fetched when read, so one missing endpoint does not hide the others.
    g = Github(base_url=env("GITHUB_API_URL"), auth=Auth.Token(env("GITHUB_TOKEN")), per_page=100, retry=None, lazy=True)
    org_name = env("GITHUB_ORGANIZATION_NAME")
    org = g.get_organization(org_name)
    login = "check-official"
    state = {}

    @check("github: GET /orgs/{org} (the organisation itself), with PyGithub's `Authorization: token …`")
    def organisation():
        complete = Github(base_url=env("GITHUB_API_URL"), auth=Auth.Token(env("GITHUB_TOKEN")), retry=None)
        expect(complete.get_organization(org_name).login.lower() == org_name.lower(), "login")

    @check("github: list org members with role=all, following Link pages past 100")
    def members():
        found = [member.login for member in org.get_members(role="all")]
        expect(len(set(found)) == len(found), "someone twice")
        state["members"] = found
        expected = os.environ.get("CHECK_GITHUB_MEMBERS")
        if expected:
            expect(len(found) == int(expected), f"{len(found)} members, expected {expected}")

    @check("github: list admins (role=admin)")
    def admins():
        list(org.get_members(role="admin"))

    @check("github: list pending invitations")
    def invitations():
        for invitation in org.invitations():
            expect(invitation.id and (invitation.login or invitation.email), invitation)

    @check("github: GET /users/{login}")
    def user():
        expect(g.get_user(login, lazy=False).id > 0, "no id")

    @check("github: invite a user (POST /orgs/{org}/invitations with invitee_id)")
    def invite():
        org.invite_user(user=g.get_user(login, lazy=False), role="direct_member")
        expect(login in [invitation.login for invitation in org.invitations()], "not pending")

    @check("github: set a membership (PUT /orgs/{org}/memberships/{login})")
    def membership():
        org.add_to_members(g.get_user(login, lazy=True), role="member")

    @check("github: is a member? (GET /orgs/{org}/members/{login}: 204 for a member, 404 for an invitee)")
    def has_member():
        expect(not org.has_in_members(g.get_user(login, lazy=True)), "an invitee counted as a member")
        expect(state.get("members"), "no member in the fake to look at (seed some)")
        expect(org.has_in_members(g.get_user(state["members"][0], lazy=True)), "a member not found")

    @check("github: remove the membership (DELETE /orgs/{org}/memberships/{login})")
    def remove():
        org.remove_from_membership(g.get_user(login, lazy=True))

    for step in (organisation, members, admins, invitations, user, invite, membership, has_member, remove):
        step()


def run(checks, program):
    """Parses `--only`, runs those providers' checks, prints one line a check and the
    'N passed, N failed' summary; returns the exit status (strict.py shares it)."""
    parser = argparse.ArgumentParser(description=sys.modules["__main__"].__doc__.splitlines()[0])
    parser.add_argument("--only", default="ovh,mattermost,github", help="comma-separated: ovh, mattermost, github")
    for provider in parser.parse_args().only.split(","):
        if provider not in checks:
            raise SystemExit(f"{program}: unknown provider {provider!r}")
        checks[provider]()
    failed = [result for result in RESULTS if not result[0]]
    for ok, name, detail in RESULTS:
        print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f"\n     {detail}" if detail else ""))
    print(f"{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def main():
    return run({"ovh": ovh_checks, "mattermost": mattermost_checks, "github": github_checks}, "check.py")


if __name__ == "__main__":
    sys.exit(main())
