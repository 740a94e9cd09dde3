"""geo.store.location_text: every password a libpq connection string can carry is hidden, in a
location shown on its own and in any message that quotes one."""

from __future__ import annotations

import pytest

from geo.errors import HotspotDataError
from geo.store.location_text import HIDDEN, shown_location, without_passwords
from geo.store.postgres.connection import redacted
from geo.store.postgres.store import PostgresStore

HIDDEN_FORMS = [
    ("postgresql://hotspot:Sesame42@db.example/hotspots",
     f"postgresql://hotspot:{HIDDEN}@db.example/hotspots"),
    ("postgres://hotspot:Sesame42@db.example:5433/hotspots",
     f"postgres://hotspot:{HIDDEN}@db.example:5433/hotspots"),
    ("postgresql://:Sesame42@db.example/hotspots", f"postgresql://:{HIDDEN}@db.example/hotspots"),
    ("postgresql://hotspot:Ses%40ame42@db.example/hotspots",
     f"postgresql://hotspot:{HIDDEN}@db.example/hotspots"),
    ("postgresql://hotspot:Ses@ame42@db.example/hotspots",
     f"postgresql://hotspot:{HIDDEN}@db.example/hotspots"),
    ("postgresql://hotspot:Ses?a#me42@db.example/hotspots",
     f"postgresql://hotspot:{HIDDEN}@db.example/hotspots"),
    ("postgresql://hotspot:Sesame42@h1:5432,h2:5433/hotspots?sslmode=require",
     f"postgresql://hotspot:{HIDDEN}@h1:5432,h2:5433/hotspots?sslmode=require"),
    ("postgresql://hotspot@db.example/hotspots?password=Sesame42",
     f"postgresql://hotspot@db.example/hotspots?password={HIDDEN}"),
    ("postgresql://hotspot@db.example/hotspots?sslmode=require&password=Sesame42",
     f"postgresql://hotspot@db.example/hotspots?sslmode=require&password={HIDDEN}"),
    ("postgresql://hotspot@db.example/hotspots?PassWord=Open%20Sesame42&sslmode=require",
     f"postgresql://hotspot@db.example/hotspots?PassWord={HIDDEN}&sslmode=require"),
    ("postgresql://hotspot@db.example/hotspots?PASSWORD=Sesame42",
     f"postgresql://hotspot@db.example/hotspots?PASSWORD={HIDDEN}"),
    ("postgresql://hotspot@db.example/hotspots?pass%77ord=Sesame42",
     f"postgresql://hotspot@db.example/hotspots?pass%77ord={HIDDEN}"),
    ("postgresql://hotspot@db.example/hotspots?sslpassword=Sesame42",
     f"postgresql://hotspot@db.example/hotspots?sslpassword={HIDDEN}"),
    ("postgresql://hotspot:Sesame42@db.example/hotspots?password=Sesame43",
     f"postgresql://hotspot:{HIDDEN}@db.example/hotspots?password={HIDDEN}"),
    ("host=db.example password=Sesame42 dbname=hotspots",
     f"host=db.example password={HIDDEN} dbname=hotspots"),
    ("password=Sesame42 host=db.example", f"password={HIDDEN} host=db.example"),
    ("host=db.example password = Sesame42 dbname=hotspots",
     f"host=db.example password = {HIDDEN} dbname=hotspots"),
    ("host=db.example password='Open Sesame42' dbname=hotspots",
     f"host=db.example password={HIDDEN} dbname=hotspots"),
    (r"host=db.example password='it\'s Sesame42' dbname=hotspots",
     f"host=db.example password={HIDDEN} dbname=hotspots"),
    ("host=db.example password='Open Sesame42", f"host=db.example password={HIDDEN}"),
    ("host=db.example PASSWORD=Sesame42", f"host=db.example PASSWORD={HIDDEN}"),
    ("host=db.example sslpassword=Sesame42", f"host=db.example sslpassword={HIDDEN}"),
    ("/srv/app/host=db password=Sesame42", f"/srv/app/host=db password={HIDDEN}"),
]  # fmt: skip
FORM_IDS = [location for location, _ in HIDDEN_FORMS]


@pytest.mark.parametrize(("location", "hidden"), HIDDEN_FORMS, ids=FORM_IDS)
def test_every_form_of_password_is_hidden(location, hidden):
    assert without_passwords(location) == hidden
    assert shown_location(location) == hidden
    assert "Sesame4" not in hidden


@pytest.mark.parametrize(("location", "hidden"), HIDDEN_FORMS, ids=FORM_IDS)
def test_hiding_twice_changes_nothing_more(location, hidden):
    assert without_passwords(without_passwords(location)) == hidden


@pytest.mark.parametrize(
    "kept",
    [
        "postgresql://hotspot@db.example:5432/hotspots?sslmode=require",
        "postgresql://db.example:5432/hotspots",
        "postgresql://[::1]:5432/hotspots",
        "postgresql://hotspot@[::1]:5432/hotspots",
        "postgresql://hotspot@db.example/hotspots?passfile=/home/hotspot/.pgpass",
        "host=db.example passfile=/home/hotspot/.pgpass dbname=hotspots",
        "host=db.example newpassword=x",
        "/srv/data/derbyshire",
        'password authentication failed for user "hotspot"',
    ],
)
def test_text_without_a_password_is_left_as_it_is(kept):
    assert without_passwords(kept) == kept
    assert shown_location(kept) == kept


def test_a_location_in_a_message_is_hidden_and_the_message_kept():
    message = (
        "postgresql://hotspot:Sesame42@db.example/hotspots: cannot connect to the database "
        "(Is the server running on that host and accepting TCP/IP connections?)"
    )
    assert without_passwords(message) == message.replace("Sesame42", HIDDEN)
    query = "postgresql://hotspot@h/db?password=Sesame42: cannot connect to the database (x)"
    assert without_passwords(query) == query.replace("Sesame42", HIDDEN)
    conninfo = "host=h password=Sesame42 dbname=d: dataset folder not found"
    assert without_passwords(conninfo) == conninfo.replace("Sesame42", HIDDEN)


@pytest.mark.parametrize(
    ("location", "message"),
    [  # what libpq and psycopg say about a location they cannot use
        ("postgresql://hotspot:Open Sesame42@127.0.0.1:9/hotspots",
         'unexpected spaces found in "Open Sesame42", use percent-encoded spaces (%20) instead'),
        ("postgresql://hotspot:Sesame42%zz@127.0.0.1:9/hotspots",
         'invalid percent-encoded token: "Sesame42%zz"'),
        ("postgresql://hotspot@127.0.0.1:9/hotspots?password=Sesame42%zz",
         'invalid percent-encoded token: "Sesame42%zz"'),
        ("postgresql://hotspot:Ses@ame42@127.0.0.1:9/hotspots",
         "failed to resolve host 'ame42@127.0.0.1': [Errno -2] Name or service not known"),
        ("host=127.0.0.1 password=Sesame42 Sesame43 dbname=hotspots",
         'missing "=" after "Sesame43" in connection info string'),
        ("postgresql://hotspot@127.0.0.1:9/hotspots?password=Open%20Sesame42",
         "the password Open Sesame42 was refused"),
    ],
)  # fmt: skip
def test_a_message_quoting_part_of_the_location_hides_it(location, message):
    assert "ame4" not in without_passwords(message, location)
    assert "ame4" not in shown_location(location)


def test_a_password_is_hidden_only_where_it_stands_as_a_word_of_its_own():
    location = "postgresql://hotspot:on@127.0.0.1:9/hotspots"
    message = "Connection refused. Is the server running on that host?"
    assert without_passwords(message, location) == message.replace(" on ", f" {HIDDEN} ")


def test_the_postgres_store_shows_its_url_through_the_same_function():
    url = "postgresql://hotspot@db.example/hotspots?password=Sesame42"
    assert redacted(url) == PostgresStore(url).shown == shown_location(url)
    assert "Sesame42" not in redacted(url)


@pytest.mark.parametrize(("location", "hidden"), HIDDEN_FORMS, ids=FORM_IDS)
def test_an_error_never_shows_the_password_of_its_location(location, hidden):
    error = HotspotDataError("cannot connect to the database", path=location)
    assert error.path == hidden and "Sesame4" not in str(error)
    quoting = HotspotDataError(f"{location} cannot be read")
    assert "Sesame4" not in str(quoting) and "Sesame4" not in quoting.problem
