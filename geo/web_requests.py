"""Which requests the app's server answers, and which come from this computer's own browser.

A web page on another site can point its own host name at 127.0.0.1 (DNS rebinding) and so reach
a server that listens on this computer only; its requests then carry that foreign name in `Host`
and `Origin`. A name the attacker controls is never one of this computer's own, so the server
answers only requests whose `Host` is one of them (or an address, which no rebinding can give),
and whose `Origin`, when a browser sends one, is the app's own.

Pure logic on header values, no web framework: the server and the pages hand them in.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

PROXY_HEADERS = frozenset(
    {
        "forwarded",
        "via",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-forwarded-port",
        "x-forwarded-server",
        "x-original-forwarded-for",
        "x-real-ip",
        "x-client-ip",
        "x-cluster-client-ip",
        "true-client-ip",
        "cf-connecting-ip",
        "fastly-client-ip",
    }
)
"""Headers a proxy or a load balancer adds: a request carrying one came through another program,
perhaps from another computer."""
LOOPBACK_NAME = "localhost"
WEB_SCHEMES = ("http", "https")


def is_loopback(host: object) -> bool:
    """Whether a host name or address (a server's or a client's) is this computer only."""
    if not isinstance(host, str) or not host:
        return False
    if host.lower() == LOOPBACK_NAME:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(host_header: object) -> str | None:
    """The name in a `Host` header ("name", "name:port", "[::1]:port"), lower case; None when
    the header is missing or is not a plain ASCII host."""
    if not isinstance(host_header, str) or not host_header.isascii():
        return None
    try:
        parts = urlsplit(f"//{host_header.strip()}")
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return None
    if parts.username is not None or parts.path or parts.query or parts.fragment:
        return None
    return parts.hostname or None


def is_address(name: str) -> bool:
    """Whether `name` is an IP address rather than a name that DNS could answer for."""
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def own_host_names(configured: Iterable[object] = ()) -> frozenset[str]:
    """This computer's names (its host name and full name) and the configured public ones
    (URLs or names, e.g. the sign-in redirect address), lower case."""
    names = {socket.gethostname(), socket.getfqdn()}
    for value in configured:
        if isinstance(value, str) and value.strip():
            text = value.strip()
            names.add(urlsplit(text if "//" in text else f"//{text}").hostname or "")
    return frozenset(n.lower() for n in names if n and n.isascii())


def host_refusal(host_header: object, names: frozenset[str]) -> str | None:
    """Why a request's `Host` is not answered, or None: it must be an address, `localhost` or
    one of `names`."""
    name = host_name(host_header)
    if name is None:
        return "the request names no valid host"
    if is_address(name) or name == LOOPBACK_NAME or name in names:
        return None
    return f"this server does not answer to the host name {name!r}"


def origin_refusal(origin: object, host_header: object) -> str | None:
    """Why a request's `Origin` is refused, or None: absent (not sent by a browser page) or the
    same host and port as the request's `Host`, over http or https."""
    if origin is None:
        return None
    if not isinstance(origin, str) or not isinstance(host_header, str):
        return "the request's origin cannot be read"
    try:
        parts = urlsplit(origin.strip())
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "the request's origin cannot be read"
    if parts.scheme not in WEB_SCHEMES or parts.netloc.lower() != host_header.strip().lower():
        return "the request comes from a page of another site"
    return None


def only_this_computer(
    server_address: object, client_ip: object, headers: Mapping[str, str]
) -> bool:
    """Whether this request can only have come from a browser on the computer the app runs on:
    the server listens on a loopback address, the client is on it, no proxy passed the request
    on, its `Host` is a loopback name or address and its `Origin` (if any) is the app's own.
    (Headers missing altogether, as in an in-process test run, are judged by the server.)"""
    if not is_loopback(server_address):
        return False
    if isinstance(client_ip, str) and client_ip and not is_loopback(client_ip):
        return False
    lower = {name.lower(): value for name, value in headers.items()}
    if PROXY_HEADERS & lower.keys():
        return False
    if "host" in lower and not is_loopback(host_name(lower["host"])):
        return False
    return origin_refusal(lower.get("origin"), lower.get("host")) is None
