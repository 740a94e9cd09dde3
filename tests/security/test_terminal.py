"""Item: control characters from file names and ids reaching the terminal in CLI messages."""

from __future__ import annotations

from geo.cli import main
from tests.helpers import small_dataset, write_patrols

ESCAPE = "\x1b]0;owned\x07\x1b[2J"


def _one_plain_line(err: str) -> None:
    assert "\x1b" not in err and "\x07" not in err
    assert len(err.rstrip("\n").splitlines()) == 1


def test_a_file_name_with_escape_sequences_and_new_lines_is_shown_escaped(tmp_path, capsys):
    data = small_dataset(tmp_path / "data")
    path = tmp_path / f"crimes{ESCAPE}\nerror: all good.csv"
    path.write_text("not,a,police,file\n1,2,3,4\n")
    assert main(["import", "--data", str(data), "crimes", str(path)]) == 2
    err = capsys.readouterr().err
    _one_plain_line(err)
    assert "\\x1b]0;owned\\x07" in err and "\\nerror: all good" in err


def test_an_id_from_a_file_is_shown_escaped(tmp_path, capsys):
    data = small_dataset(tmp_path / "data")
    log = write_patrols(
        tmp_path / "patrols.csv", [(f"A{ESCAPE}", "2024-01-02T10:00", "2024-01-02T11:00", 2, 1, 7)]
    )
    assert main(["import", "--data", str(data), "patrols", str(log)]) == 2
    err = capsys.readouterr().err
    _one_plain_line(err)
    assert "A\\x1b]0;owned" in err


def test_letters_outside_ascii_stay_as_they_are():
    from geo.cli import for_terminal

    assert for_terminal("Café Ölçek \u202e") == "Café Ölçek \\u202e"
