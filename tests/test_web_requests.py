"""geo.web_requests: the hosts and origins the server answers, and what counts as this computer."""

from __future__ import annotations

import pytest

from geo.web_requests import (
    host_name,
    host_refusal,
    is_loopback,
    origin_refusal,
    own_host_names,
)


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:8501", "localhost"),
        ("LOCALHOST", "localhost"),
        ("[::1]:8501", "::1"),
        ("127.0.0.1", "127.0.0.1"),
        ("patrols.force.example:443", "patrols.force.example"),
        ("", None),
        (None, None),
        ("a@localhost", None),
        ("localhost:port", None),
        ("localhost/x", None),
        ("locаlhost", None),  # a Cyrillic a
    ],
)
def test_the_host_name_is_read_from_the_header_or_refused(header, name):
    assert host_name(header) == name


def test_only_this_computers_names_addresses_and_configured_ones_are_answered():
    names = own_host_names(["https://patrols.force.example/oauth2callback", "intranet-host", None])
    assert {"patrols.force.example", "intranet-host"} <= names
    for host in (
        "localhost:8501",
        "127.0.0.1:8501",
        "[::1]:8501",
        "10.1.2.3",
        "patrols.force.example",
    ):
        assert host_refusal(host, names) is None
    for host in ("rebind.attacker.example:8501", "localhost.attacker.example", None, "x y"):
        assert host_refusal(host, names) is not None


def test_an_origin_must_be_the_apps_own():
    assert origin_refusal(None, "localhost:8501") is None  # not sent by a browser page
    assert origin_refusal("http://localhost:8501", "localhost:8501") is None
    assert origin_refusal("https://patrols.example", "patrols.example") is None
    for origin in ("http://localhost:9999", "http://0.0.0.0:8501", "null", "file://", "ws://x:1"):
        assert origin_refusal(origin, "localhost:8501") is not None


def test_loopback_is_this_computer_only():
    assert is_loopback("localhost") and is_loopback("127.0.0.2") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("localhost.example")
    assert not is_loopback(None) and not is_loopback("")
