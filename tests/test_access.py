"""Who may do what (geo.access): roles, sign-in settings, and the default without sign-in."""

from __future__ import annotations

import os
import pwd

import pytest

from geo import access
from geo.access import (
    IMPORTER,
    MIN_COOKIE_SECRET,
    VIEWER,
    AccessRules,
    commit_refusal,
    identity,
    is_loopback,
    only_this_computer,
    os_user,
    signed_in_visitor,
    signin_configured,
    view_refusal,
    visitor_without_signin,
)
from geo.errors import HotspotDataError

AUTH = {
    "redirect_uri": "https://patrols.example.org/oauth2callback",
    "cookie_secret": "c" * MIN_COOKIE_SECRET,
    "client_id": "app",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}


def rules(**access) -> AccessRules:
    return AccessRules.from_secrets({"auth": AUTH, "access": access})


# roles


def test_roles_come_from_the_roles_claim_and_importer_includes_viewer():
    r = rules()
    assert signed_in_visitor({"email": "a@x.org", "roles": ["importer"]}, r).roles == {
        IMPORTER,
        VIEWER,
    }
    assert signed_in_visitor({"email": "a@x.org", "roles": ["viewer"]}, r).roles == {VIEWER}
    assert signed_in_visitor({"email": "a@x.org", "roles": ["admin"]}, r).roles == set()
    assert signed_in_visitor({"email": "a@x.org"}, r).roles == set()


def test_entra_app_roles_are_matched_exactly_from_a_configured_claim():
    r = rules(
        roles_claim="app_roles", importer_roles=["Hotspot.Import"], viewer_roles=["Hotspot.View"]
    )
    assert signed_in_visitor({"app_roles": "Hotspot.Import"}, r).is_importer
    assert signed_in_visitor({"app_roles": ["Hotspot.View"]}, r).roles == {VIEWER}
    assert not signed_in_visitor({"app_roles": ["hotspot.import"]}, r).is_viewer
    assert not signed_in_visitor({"roles": ["Hotspot.Import"]}, r).is_viewer  # other claim


def verified(address: str) -> dict:
    """Claims of a user whose provider has verified the e-mail address `address`."""
    return {"email": address, "email_verified": True}


def test_allow_lists_match_names_domains_and_anyone():
    r = rules(importers=["Alice@Force.police.uk"], viewers=["@force.police.uk"])
    alice = signed_in_visitor(verified("alice@force.police.uk"), r)
    assert alice.is_importer and alice.name == "alice@force.police.uk"
    assert signed_in_visitor(verified("ALICE@force.POLICE.uk"), r).is_importer
    assert signed_in_visitor(verified("bob@force.police.uk"), r).roles == {VIEWER}
    for outsider in ("bob@force.police.uk.evil.example", "bob@sub.force.police.uk", ""):
        assert not signed_in_visitor(verified(outsider), r).is_viewer
    assert signed_in_visitor(verified("x@y.z"), rules(viewers=["*"])).roles == {VIEWER}


def test_the_allow_list_matches_only_the_configured_identity_claim():
    r = rules(importers=["alice@force.police.uk"], identity_claim="preferred_username")
    assert not signed_in_visitor(verified("alice@force.police.uk"), r).is_importer
    alice = {**verified("alice@force.police.uk"), "preferred_username": "alice@force.police.uk"}
    assert signed_in_visitor(alice, r).is_importer


def test_an_address_in_another_claim_counts_only_as_the_verified_email():
    """`email_verified` speaks for the `email` claim: an address in another claim is trusted
    only when it is that verified address."""
    r = rules(importers=["alice@force.police.uk"], identity_claim="preferred_username")
    name = {"preferred_username": "alice@force.police.uk"}
    assert not signed_in_visitor(name, r).is_viewer
    assert not signed_in_visitor({**name, "email_verified": True}, r).is_viewer
    assert not signed_in_visitor({**name, **verified("mallory@evil.example")}, r).is_viewer


def test_a_user_name_without_an_at_sign_needs_no_verified_email():
    r = rules(importers=["Alice"], identity_claim="preferred_username")
    assert signed_in_visitor({"preferred_username": "alice"}, r).is_importer
    assert not signed_in_visitor({"preferred_username": "alicia"}, r).is_viewer


@pytest.mark.parametrize("flag", [False, "false", "True", "yes", 1, None, ["true"]])
def test_an_unverified_email_gets_no_role_from_the_allow_lists(flag):
    r = rules(importers=["alice@force.police.uk"], viewers=["@force.police.uk"])
    claims = {"email": "alice@force.police.uk", "email_verified": flag}
    assert signed_in_visitor(claims, r).roles == set()
    assert signed_in_visitor({"email": "alice@force.police.uk"}, r).roles == set()


def test_a_verified_email_is_true_or_the_string_true():
    r = rules(importers=["alice@force.police.uk"])
    for flag in (True, "true"):
        claims = {"email": "alice@force.police.uk", "email_verified": flag}
        assert signed_in_visitor(claims, r).is_importer


def test_role_claims_and_anyone_need_no_verified_email():
    r = rules(viewers=["*"])
    for claims in ({"email": "x@y.z", "email_verified": False}, {"sub": "42"}, {"email": "\u017f"}):
        assert signed_in_visitor(claims, r).roles == {VIEWER}
    unverified = {"email": "x@y.z", "email_verified": False, "roles": ["importer"]}
    assert signed_in_visitor(unverified, rules()).is_importer


@pytest.mark.parametrize(
    "address",
    [
        "a.analy\u017ft@force.police.uk",  # long s: casefold() makes it "s"
        "a.analyst@force.police.u\u212a",  # Kelvin sign: casefold() makes it "k"
        "a.analyst@force.police.\uff55\uff4b",  # full-width "uk"
        "a.analyst\uff20force.police.uk",  # full-width at sign
        "\u0430.analyst@force.police.uk",  # Cyrillic a
        "a.analyst@force.police.uk\u200b",  # zero-width space
    ],
)
def test_a_look_alike_address_never_matches_an_allow_list(address):
    r = rules(importers=["a.analyst@force.police.uk"], viewers=["@force.police.uk"])
    assert signed_in_visitor(verified(address), r).roles == set()


def test_a_name_with_a_look_alike_letter_never_matches_either():
    r = rules(importers=["sam"], identity_claim="preferred_username")
    assert not signed_in_visitor({"preferred_username": "\u017fam"}, r).is_viewer


@pytest.mark.parametrize(
    "address",
    [
        "evil@attacker.example@force.police.uk",
        "@force.police.uk",
        "a.analyst@",
        "a.analyst",
        "evil @force.police.uk",
        "evil\n@force.police.uk",
        " a.analyst@force.police.uk",
    ],
)
def test_anything_but_one_plain_local_at_domain_address_is_refused(address):
    r = rules(importers=["a.analyst@force.police.uk", "a.analyst"], viewers=["@force.police.uk"])
    assert signed_in_visitor(verified(address), r).roles == set()


def test_the_name_shown_makes_a_look_alike_visible():
    assert identity(verified("a.analy\u017ft@force.police.uk")) == (
        "a.analy\\u017ft@force.police.uk"
    )
    assert identity(verified("evil\t@force.police.uk")) == "evil\\t@force.police.uk"
    assert identity({"name": "Zo\u00eb Smith"}) == "Zo\u00eb Smith"
    assert identity(verified("Alice@force.police.uk")) == "Alice@force.police.uk"


@pytest.mark.parametrize(
    "entry, message",
    [
        ("a.analy\u017ft@force.police.uk", r"a\.analy\\u017ft@force\.police\.uk.*plain ASCII"),
        ("@force.police.u\u212a", r"plain ASCII"),
        ("evil@attacker.example@force.police.uk", r"name@domain.*@domain"),
        ("alice@", r"name@domain.*@domain"),
        ("@", r"name@domain.*@domain"),
        ("alice @force.police.uk", r"name@domain.*@domain"),
        ("*@force.police.uk", r"'\*' alone"),
        ("alice\t", r"control character"),
    ],
)
def test_an_allow_list_entry_that_could_never_match_safely_is_refused(entry, message):
    with pytest.raises(HotspotDataError, match=message) as raised:
        rules(importers=[entry])
    assert "[access] importers" in str(raised.value)


def test_claims_of_unexpected_types_give_no_role_and_no_crash():
    r = rules()
    for claims in (
        {"roles": 5},
        {"roles": [1, None, {"a": 1}]},
        {"email": ["viewer"], "roles": None},
        {"roles": {"importer": True}},
    ):
        visitor = signed_in_visitor(claims, r)
        assert visitor.roles == set()
        assert visitor.name == "unnamed user"
    assert signed_in_visitor({"roles": [1, "viewer"]}, r).roles == {VIEWER}


@pytest.mark.parametrize(
    "access, message",
    [
        ({"importer": ["a@x.org"]}, "unknown setting 'importer'"),
        ({"importers": "a@x.org"}, "importers must be a list of names"),
        ({"viewers": [""]}, "viewers must be a list of names"),
        ({"roles_claim": ""}, "roles_claim must be a claim name"),
    ],
)
def test_a_mistake_in_the_access_settings_is_refused_not_ignored(access, message):
    with pytest.raises(HotspotDataError, match=message):
        rules(**access)


def test_no_role_means_no_view_and_the_reason_names_the_user():
    visitor = signed_in_visitor({"email": "eve@x.org"}, rules())
    assert "eve@x.org" in view_refusal(visitor)
    assert view_refusal(signed_in_visitor({"roles": ["viewer"]}, rules())) is None


# sign-in settings


def test_sign_in_is_off_without_an_auth_section_and_on_with_a_complete_one():
    assert signin_configured({}) is False
    assert signin_configured({"access": {}}) is False
    assert signin_configured({"auth": AUTH}) is True
    local = {**AUTH, "redirect_uri": "http://127.0.0.1:{port}/oauth2callback"}
    assert signin_configured({"auth": local}) is True


@pytest.mark.parametrize(
    "change, message",
    [
        ({"client_secret": ""}, "client_secret is missing"),
        ({"cookie_secret": "short"}, f"shorter than {MIN_COOKIE_SECRET}"),
        ({"redirect_uri": "https://patrols.example.org/"}, "must end with /oauth2callback"),
        ({"redirect_uri": "http://patrols.example.org/oauth2callback"}, "must start with https"),
    ],
)
def test_an_incomplete_or_weak_sign_in_set_up_is_refused(change, message):
    with pytest.raises(HotspotDataError, match=message):
        signin_configured({"auth": {**AUTH, **change}})


# the secure default without sign-in


def test_loopback_addresses():
    assert all(is_loopback(a) for a in ("localhost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"))
    assert not any(is_loopback(a) for a in ("0.0.0.0", "::", "", None, "10.0.0.5", "myhost", 5))


def test_only_this_computer_needs_a_loopback_server_a_local_client_and_no_proxy():
    assert only_this_computer("localhost", None, ["Host", "User-Agent"])
    assert only_this_computer("127.0.0.1", "127.0.0.1", [])
    assert not only_this_computer(None, None, [])  # Streamlit's default: every interface
    assert not only_this_computer("0.0.0.0", None, [])
    assert not only_this_computer("localhost", "192.0.2.7", [])
    assert not only_this_computer("localhost", None, ["X-Forwarded-For"])
    assert not only_this_computer("localhost", None, ["forwarded"])


def test_without_sign_in_only_this_computer_may_change_the_data():
    assert commit_refusal(visitor_without_signin(local=True, user="pat"), signin=False) is None
    remote = visitor_without_signin(local=False)
    assert remote.is_viewer and not remote.is_importer
    message = commit_refusal(remote, signin=False)
    assert "sign-in is not configured" in message
    assert "[auth]" in message and 'server.address = "localhost"' in message


def test_a_signed_in_viewer_may_not_change_the_data():
    viewer = signed_in_visitor({"email": "v@x.org", "roles": ["viewer"]}, rules())
    message = commit_refusal(viewer, signin=True)
    assert "v@x.org" in message and "importer role" in message
    importer = signed_in_visitor({"email": "i@x.org", "roles": ["importer"]}, rules())
    assert commit_refusal(importer, signin=True) is None


# the operating-system account for the command line


@pytest.fixture
def claimed_names(monkeypatch):
    """Every variable getpass would read names someone else; no sudo."""
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "chief.constable")
    monkeypatch.delenv("SUDO_USER", raising=False)


def test_the_account_comes_from_the_system_not_the_environment(claimed_names):
    assert os_user() == pwd.getpwuid(os.getuid()).pw_name != "chief.constable"
    assert visitor_without_signin(local=True).name == os_user()


def test_an_account_without_a_name_is_its_uid(claimed_names, monkeypatch):
    def unknown(uid):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(access.pwd, "getpwuid", unknown)
    assert os_user() == f"uid {os.getuid()}"


def test_sudo_is_noted_beside_the_account_not_taken_as_it(claimed_names, monkeypatch):
    account = pwd.getpwuid(os.getuid()).pw_name
    monkeypatch.setenv("SUDO_USER", "pat")
    assert os_user() == f"{account} (sudo from pat)"
    monkeypatch.setenv("SUDO_USER", "pat) (sudo from x\n")
    assert os_user() == f"{account} (sudo from 'pat) (sudo from x\\n')"
    monkeypatch.setenv("SUDO_USER", "")
    assert os_user() == account
