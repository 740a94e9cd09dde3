"""Dataset locations as they may be shown: every password a libpq connection string can carry
replaced by `***`, so no message, page or log gives one away.

libpq takes a password from the user part of a `postgresql://` (or `postgres://`) URL, from a
`password` parameter of its query (any case of the key here, percent-encoded or not) and from a
`password` key of a key=value string (`host=h password='a b'`). `sslpassword`, the client key's
passphrase, is hidden the same way; `passfile` names a file and is shown as it is.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

HIDDEN = "***"
_SECRET_KEYS = frozenset({"password", "sslpassword"})
_SCHEME = re.compile(r"postgres(?:ql)?://", re.IGNORECASE)
_URL_USER_PASSWORD = re.compile(
    r"(?P<keep>\bpostgres(?:ql)?://[^\s:/@]*:)[^/\r\n]*(?=@)", re.IGNORECASE
)
"""The user part's password: from the first `:` to the last `@` before the path, as either of
libpq's reading (up to the first `@`) and an RFC reading (up to the last) may take it."""
_QUERY_PARAMETER = re.compile(r"(?P<keep>[?&](?P<key>[^=&\s?]*)=)[^&\s]*?(?=:?(?:[\s&]|$))")
"""A query parameter; the value ends at `&` or a space, a `:` just before a space (a message's
own, after the location) kept outside it."""
_KEY_VALUE_PASSWORD = re.compile(
    r"(?P<keep>(?<![\w?&.%-])(?:ssl)?password[ \t]*=[ \t]*)"
    r"(?:'(?:\\.|[^'\\])*'?|\S*?(?=:?(?:\s|$)))",
    re.IGNORECASE,
)
"""A key=value password: quoted (to its closing quote, or the end when there is none) or up to
the next space."""
_KEY_VALUE_LOCATION = re.compile(
    r"(?<![\w?&.%-])(?:ssl)?password\s*=\s*"
    r"(?P<value>'(?:\\.|[^'\\])*'?|.*?)(?=\s+[\w.-]+\s*=|\s*$)",
    re.IGNORECASE,
)
"""A key=value password in a location on its own: an unquoted one runs to the next key, so the
words of a mistyped `password=two words` are all found."""


def without_passwords(text: object, location: object = None) -> str:
    """`text` with every password of a connection string in it replaced by `***`.

    `location`, when given, is the connection string the text may quote parts of (libpq and
    psycopg name a value they cannot use, such as `unexpected spaces found in "a b"`): its
    passwords, as written and percent-decoded, and their words, are hidden wherever they stand
    as words of their own.
    """
    shown = str(text)
    if location is not None:
        for secret in sorted(_carried(str(location)), key=len, reverse=True):
            shown = _hide_word(shown, secret)
    shown = _URL_USER_PASSWORD.sub(rf"\g<keep>{HIDDEN}", shown)
    shown = _QUERY_PARAMETER.sub(_hidden_parameter, shown)
    return _KEY_VALUE_PASSWORD.sub(rf"\g<keep>{HIDDEN}", shown)


def shown_location(location: object) -> str:
    """A dataset location (folder, URL or key=value string) as messages and pages show it."""
    return without_passwords(location, location)


def _hidden_parameter(match: re.Match) -> str:
    if unquote(match.group("key")).lower() in _SECRET_KEYS:
        return match.group("keep") + HIDDEN
    return match.group(0)


def _carried(location: str) -> set[str]:
    """The passwords `location` carries, as written and percent-decoded, and their parts split
    at `@` and spaces (psycopg reads `u:a@b@h` as host `b@h`; libpq quotes one word of
    `password=a b`)."""
    values = []
    scheme = _SCHEME.match(location)
    if scheme:
        rest = location[scheme.end() :]
        authority = rest.split("/", 1)[0]
        user, at, _ = authority.rpartition("@")
        if at and ":" in user:
            values.append(user.split(":", 1)[1])
        _, question, query = rest[len(user) + len(at) :].partition("?")
        for pair in query.split("&") if question else []:
            key, equals, value = pair.partition("=")
            if equals and unquote(key).lower() in _SECRET_KEYS:
                values.append(value)
    else:
        for match in _KEY_VALUE_LOCATION.finditer(location):
            value = match.group("value")
            if value.startswith("'"):
                inner = value[1:-1] if len(value) > 1 and value.endswith("'") else value[1:]
                values.extend([inner, re.sub(r"\\(.)", r"\1", inner)])
            else:
                values.append(value)
    found = set()
    for value in values:
        for form in (value, unquote(value)):
            found.add(form)
            found.update(re.split(r"[@\s]+", form))
    return {secret for secret in found if secret and secret != HIDDEN}


def _hide_word(text: str, secret: str) -> str:
    """`text` with `secret` hidden where it is not part of a longer word."""
    before = r"(?<!\w)" if re.match(r"\w", secret[0]) else ""
    after = r"(?!\w)" if re.match(r"\w", secret[-1]) else ""
    return re.sub(before + re.escape(secret) + after, HIDDEN, text)
