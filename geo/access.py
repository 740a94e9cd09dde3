"""Who may do what: sign-in settings, roles from sign-in claims or allow-lists, and whether a
visitor may change the data.

The app has two roles. A *viewer* may see the map, the briefing and the data quality report; an
*importer* may also change the data (and is a viewer too). With sign-in configured (an `[auth]`
section in `.streamlit/secrets.toml`), roles come from the `[access]` section: values of a claim
in the sign-in token (Entra ID app roles arrive in the `roles` claim) or allow-lists of users.
An allow-list trusts an e-mail address only when the provider says it verified it, and compares
plain ASCII only: a look-alike letter (a long s, a Kelvin sign) never matches.
Without sign-in, a visitor on the same computer as a server that listens on this computer only is
an importer (a laptop running `make run`); anyone else may only look.

Pure logic, no Streamlit: the pages hand in the secrets, the claims and what they know about the
connection.
"""

from __future__ import annotations

import ipaddress
import os
import pwd
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from geo.errors import HotspotDataError
from geo.schema import IMPORTER, VIEWER
from geo.words import plural

SECRETS = "secrets.toml"
SETUP_DOC = 'the README, section "Security", "Sign-in and deployment"'
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
"""What `[auth]` must hold for Streamlit's sign-in with one (the default) OpenID provider."""
MIN_COOKIE_SECRET = 32
"""Characters of the secret that signs the sign-in cookie: below this it can be guessed."""
CALLBACK_PATH = "/oauth2callback"
ANY_USER = "*"
ACCESS_DEFAULTS: dict[str, Any] = {
    "roles_claim": "roles",
    "identity_claim": "email",
    "viewer_roles": [VIEWER],
    "importer_roles": [IMPORTER],
    "viewers": [],
    "importers": [],
}
"""The `[access]` settings and their defaults: no one is on an allow-list until named."""
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")
"""Headers a reverse proxy adds: a request carrying one came from another computer."""
DISPLAY_CLAIMS = ("email", "preferred_username", "name", "sub")
EMAIL_CLAIM = "email"
VERIFIED_CLAIM = "email_verified"
"""The OpenID claim saying the provider has checked that the user owns the `email` address."""
SUDO_NAME = re.compile(r"[A-Za-z0-9._-][A-Za-z0-9._@$-]{0,63}")
"""An account name as sudo writes it into SUDO_USER; anything else is shown quoted."""


@dataclass(frozen=True)
class Actor:
    """Who did something, as the audit log records it: a name and how they were known."""

    name: str
    how: str


@dataclass(frozen=True)
class Visitor:
    """Someone using the app: who, how they are known, and their roles."""

    name: str
    how: str
    roles: frozenset[str]
    signed_in: bool

    @property
    def is_viewer(self) -> bool:
        return VIEWER in self.roles or IMPORTER in self.roles

    @property
    def is_importer(self) -> bool:
        return IMPORTER in self.roles

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.how)


@dataclass(frozen=True)
class AccessRules:
    """The `[access]` section: which claim values and which users give each role."""

    roles_claim: str
    identity_claim: str
    viewer_roles: frozenset[str]
    importer_roles: frozenset[str]
    viewers: frozenset[str]
    importers: frozenset[str]

    @classmethod
    def from_secrets(cls, secrets: Mapping[str, Any]) -> AccessRules:
        """Read and check `[access]`; a typo or a wrong type is refused, never ignored."""
        section = secrets.get("access") or {}
        if not isinstance(section, Mapping):
            raise HotspotDataError("[access] must be a section of settings", path=SECRETS)
        unknown = sorted(set(section) - set(ACCESS_DEFAULTS))
        if unknown:
            raise HotspotDataError(
                f"[access] has the unknown setting '{unknown[0]}'; the settings are "
                f"{', '.join(ACCESS_DEFAULTS)}",
                path=SECRETS,
            )
        values = {**ACCESS_DEFAULTS, **section}
        for key in ("roles_claim", "identity_claim"):
            if not isinstance(values[key], str) or not values[key]:
                raise HotspotDataError(f"[access] {key} must be a claim name", path=SECRETS)
        lists = {}
        for key in ("viewer_roles", "importer_roles", "viewers", "importers"):
            value = values[key]
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise HotspotDataError(
                    f'[access] {key} must be a list of names, e.g. {key} = ["..."]',
                    path=SECRETS,
                )
            lists[key] = frozenset(value)
        return cls(
            roles_claim=values["roles_claim"],
            identity_claim=values["identity_claim"],
            viewer_roles=lists["viewer_roles"],
            importer_roles=lists["importer_roles"],
            viewers=frozenset(_entry("viewers", v) for v in lists["viewers"]),
            importers=frozenset(_entry("importers", v) for v in lists["importers"]),
        )


def _entry(key: str, entry: str) -> str:
    """An allow-list entry as users are compared with it (ASCII lower case); one that could only
    match a look-alike or a malformed address is refused, saying which and why."""
    if entry == ANY_USER:
        return entry
    shown = _escaped(entry)
    if not entry.isascii():
        raise HotspotDataError(
            f"[access] {key} has '{shown}', which has a character that is not plain ASCII (shown "
            "as \\u…, often a look-alike letter pasted from a document); allow-lists match plain "
            "ASCII names and addresses only: type the entry again",
            path=SECRETS,
        )
    if not entry.isprintable():
        raise HotspotDataError(
            f"[access] {key} has '{shown}', which has a control character (such as a tab or a "
            "line break, shown as \\t or \\n); remove it",
            path=SECRETS,
        )
    if ANY_USER in entry:
        raise HotspotDataError(
            f"[access] {key} has '{shown}': '*' alone means anyone who signs in; for everyone at "
            "a domain write '@domain', e.g. '@force.police.uk'",
            path=SECRETS,
        )
    if "@" in entry and not (_address(entry) or (entry.startswith("@") and _address("x" + entry))):
        raise HotspotDataError(
            f"[access] {key} has '{shown}', which is neither an address (name@domain) nor a "
            "domain (@domain), without spaces",
            path=SECRETS,
        )
    return entry.lower()


def signin_configured(secrets: Mapping[str, Any]) -> bool:
    """True when `[auth]` sets up sign-in; False without it; an incomplete or weak set-up is
    refused with what to fix (an app that silently fell back to no sign-in would be open)."""
    auth = secrets.get("auth")
    if auth is None:
        return False
    if not isinstance(auth, Mapping):
        raise HotspotDataError("[auth] must be a section of settings", path=SECRETS)
    missing = [key for key in AUTH_KEYS if not auth.get(key)]
    if missing:
        raise HotspotDataError(
            f"sign-in is set up in [auth] but {', '.join(missing)} "
            f"{plural(len(missing), 'is', 'are')} missing; see {SETUP_DOC}",
            path=SECRETS,
        )
    if len(str(auth["cookie_secret"])) < MIN_COOKIE_SECRET:
        raise HotspotDataError(
            f"[auth] cookie_secret is shorter than {MIN_COOKIE_SECRET} characters, so a signed-in "
            "cookie could be forged; make one with "
            '`python -c "import secrets; print(secrets.token_hex(32))"`',
            path=SECRETS,
        )
    redirect = urlparse(str(auth["redirect_uri"]).replace("{port}", "0"))
    if not redirect.path.endswith(CALLBACK_PATH):
        raise HotspotDataError(
            f"[auth] redirect_uri must end with {CALLBACK_PATH} (the app's address followed by "
            f"{CALLBACK_PATH})",
            path=SECRETS,
        )
    if redirect.scheme != "https" and not is_loopback(redirect.hostname):
        raise HotspotDataError(
            "[auth] redirect_uri must start with https:// (plain http would send the sign-in "
            "cookie unencrypted); only an address on this computer may use http",
            path=SECRETS,
        )
    return True


def is_loopback(host: object) -> bool:
    """Whether a host name or address (a server's or a client's) is this computer only."""
    if not isinstance(host, str) or not host:
        return False
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def only_this_computer(
    server_address: object, client_ip: object, header_names: Iterable[str]
) -> bool:
    """Whether the app can only be reached from the computer it runs on: the server listens on a
    loopback address, and this request neither came from elsewhere nor through a proxy."""
    if not is_loopback(server_address):
        return False
    if isinstance(client_ip, str) and client_ip and not is_loopback(client_ip):
        return False
    return not any(name.casefold() in FORWARDING_HEADERS for name in header_names)


def os_user() -> str:
    """The operating-system account running this process, for the audit log of imports made
    without sign-in: from the system's account database, never from USER or LOGNAME, which
    whoever starts the command can set. A sudo caller (SUDO_USER) is noted beside it, not taken
    as the account, since it too is only a variable."""
    uid = os.getuid()
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:
        name = f"uid {uid}"
    sudo = os.environ.get("SUDO_USER")
    if not sudo:
        return name
    return f"{name} (sudo from {sudo if SUDO_NAME.fullmatch(sudo) else ascii(sudo)})"


def visitor_without_signin(local: bool, user: str | None = None) -> Visitor:
    """With no sign-in configured: the person at this computer may import; others only look."""
    if local:
        return Visitor(
            user or os_user(),
            "this computer, no sign-in",
            frozenset({VIEWER, IMPORTER}),
            signed_in=False,
        )
    return Visitor("anyone on the network", "no sign-in", frozenset({VIEWER}), signed_in=False)


def identity(claims: Mapping[str, Any], rules: AccessRules | None = None) -> str:
    """The name that identifies a signed-in user: the configured claim, else the usual ones. In an
    address, a character outside printable ASCII is shown escaped (\\u017f), so a look-alike
    shows as one."""
    names = ((rules.identity_claim,) if rules else ()) + DISPLAY_CLAIMS
    for name in names:
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            value = value.strip()
            return _escaped(value) if _is_email(name, value) else value
    return "unnamed user"


def roles_for(claims: Mapping[str, Any], rules: AccessRules) -> frozenset[str]:
    """The roles a signed-in user has: from the roles claim or the allow-lists."""
    value = claims.get(rules.roles_claim)
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    claimed = {v for v in values if isinstance(v, str)}
    user = _listed_as(claims, rules.identity_claim)
    roles = set()
    if claimed & rules.importer_roles or _listed(user, rules.importers):
        roles |= {IMPORTER, VIEWER}
    if claimed & rules.viewer_roles or _listed(user, rules.viewers):
        roles.add(VIEWER)
    return frozenset(roles)


def _listed_as(claims: Mapping[str, Any], claim: str) -> str | None:
    """The user's name as allow-lists compare it (ASCII lower case), or None when it cannot be
    trusted: not plain ASCII, or an e-mail address that is malformed or not verified (a provider
    may let anyone sign up with any address). An address in a claim other than `email` counts
    only as the verified `email` itself, which is what `email_verified` speaks for."""
    value = claims.get(claim)
    if not isinstance(value, str) or not value or not value.isascii() or not value.isprintable():
        return None
    if not _is_email(claim, value):
        return value.lower()
    if not _address(value) or not _verified(claims):
        return None
    email = claims.get(EMAIL_CLAIM)
    if claim != EMAIL_CLAIM and not (
        isinstance(email, str) and email.isascii() and email.lower() == value.lower()
    ):
        return None
    return value.lower()


def _is_email(claim: str, value: str) -> bool:
    """Whether a claim value is taken as an e-mail address: the `email` claim, or any with an @."""
    return claim == EMAIL_CLAIM or "@" in value


def _address(value: str) -> bool:
    """Exactly one `local@domain`, both parts present, no spaces."""
    local, _, domain = value.partition("@")
    return bool(local and domain) and "@" not in domain and " " not in value


def _verified(claims: Mapping[str, Any]) -> bool:
    """Whether the provider says it verified the `email` address (true, or the text "true")."""
    flag = claims.get(VERIFIED_CLAIM)
    return flag is True or flag == "true"


def _escaped(text: str) -> str:
    """`text` with every character outside printable ASCII written as its escape, e.g. \\u017f
    or \\t, so a look-alike letter or a hidden character shows as what it is."""
    return "".join(c if " " <= c <= "~" else ascii(c)[1:-1] for c in text)


def _listed(user: str | None, allowed: frozenset[str]) -> bool:
    """On an allow-list: `*` (anyone who signs in), the exact name, or `@domain` for a domain."""
    if ANY_USER in allowed:
        return True
    if user is None:
        return False
    domain = "@" + user.partition("@")[2] if "@" in user else None
    return user in allowed or (domain is not None and domain in allowed)


def signed_in_visitor(claims: Mapping[str, Any], rules: AccessRules) -> Visitor:
    """The visitor for a signed-in user's claims: the name shown and logged, and their roles."""
    return Visitor(identity(claims, rules), "signed in", roles_for(claims, rules), signed_in=True)


def view_refusal(visitor: Visitor) -> str | None:
    """Why a signed-in visitor may not see the app, or None when they may."""
    if visitor.is_viewer:
        return None
    return (
        f"You are signed in as {visitor.name}, who has no role in this app. Ask its "
        f"administrator for the {VIEWER} role (or {IMPORTER}, to change the data)."
    )


def commit_refusal(visitor: Visitor, signin: bool) -> str | None:
    """Why this visitor may not change the data, or None when they may."""
    if visitor.is_importer:
        return None
    if signin and not visitor.signed_in:
        return f"Sign in with the {IMPORTER} role to change the data."
    if signin:
        return (
            f"You are signed in as {visitor.name} with the {VIEWER} role; changing the data "
            f"needs the {IMPORTER} role. Ask the app's administrator to give you that role."
        )
    return (
        "Changing the data from the browser is switched off: this app can be reached from other "
        "computers and sign-in is not configured, so anyone could replace the hotspots and the "
        f"patrol log. Configure sign-in with an [auth] section in .streamlit/{SECRETS} and "
        f"importers in its [access] section ({SETUP_DOC}), or run the app for this computer "
        'only (server.address = "localhost"). `python -m geo import` on the server still works.'
    )
