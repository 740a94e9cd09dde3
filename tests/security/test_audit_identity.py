"""The audit log names the operating-system account that ran `python -m geo import`, never a name
taken from the environment: `USER=chief.constable python -m geo import …` once wrote
"chief.constable" as the importer."""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import sys

import pytest

from geo.store.folder.audit import AUDIT_FILE
from tests.conftest import ROOT
from tests.helpers import month_rows, small_dataset, write_street_csv

CLAIMED = "chief.constable"
NAME_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")
"""Where getpass.getuser() looks first: anyone starting a command can set them."""


def _import_with(tmp_path, **environment: str) -> dict:
    """Import one month with `python -m geo import` under `environment` (added to this one, with
    every account-name variable claiming someone else); the audit record it wrote."""
    dataset = small_dataset(tmp_path / "data")
    month = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 2))
    env = {k: v for k, v in os.environ.items() if k != "SUDO_USER"}
    env.update(dict.fromkeys(NAME_VARIABLES, CLAIMED), **environment)
    run = subprocess.run(
        [sys.executable, "-m", "geo", "import", "--data", str(dataset), "crimes", str(month)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    (record,) = [json.loads(line) for line in (dataset / AUDIT_FILE).read_text().splitlines()]
    assert (record["how"], record["result"]) == ("command line", "imported")
    return record


@pytest.fixture(scope="module")
def account() -> str:
    name = pwd.getpwuid(os.getuid()).pw_name
    assert name != CLAIMED
    return name


def test_a_name_in_the_environment_is_not_taken_as_the_importer(tmp_path, account):
    assert _import_with(tmp_path)["who"] == account


def test_sudo_is_reported_beside_the_real_account_not_as_the_importer(tmp_path, account):
    assert _import_with(tmp_path, SUDO_USER="pat")["who"] == f"{account} (sudo from pat)"


@pytest.mark.postgres
def test_the_database_import_log_names_the_real_account(pg_url, sample_dir, account):
    import psycopg

    env = {k: v for k, v in os.environ.items() if k != "SUDO_USER"}
    env.update(dict.fromkeys(NAME_VARIABLES, CLAIMED))
    run = subprocess.run(
        [sys.executable, "-m", "geo", "import", "--data", pg_url, "hotspots",
         str(sample_dir / "hotspots.geojson")],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    with psycopg.connect(pg_url) as connection:
        (client,) = connection.execute("SELECT client FROM import_log").fetchone()
    assert client.startswith(f"{account}@")
    assert CLAIMED not in client
