"""The command line, run as a user runs it: a separate process, exit codes, one-line errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from postapp.i18n import format_number


def run(*args: str, tmp_path: Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POSTAPP_LANG": lang, "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
           "XDG_STATE_HOME": str(tmp_path / "xdg-state"), "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
           "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "postapp", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=tmp_path, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("postapp: ")
    return lines[0]


def test_demo_then_again_then_if_empty(tmp_path):
    db = tmp_path / "demo.sqlite3"
    first = run("--db", str(db), "demo", "--persons", "300", tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert "60 organisations" in first.stdout
    assert "300 persons" in first.stdout
    assert "150 activities" in first.stdout
    assert str(db) in first.stdout
    assert db.exists()

    second = run("--db", str(db), "demo", "--persons", "300", tmp_path=tmp_path)
    line = assert_one_line_error(second)
    assert "already holds contacts" in line
    assert second.stdout == ""

    third = run("--db", str(db), "demo", "--persons", "300", "--if-empty", tmp_path=tmp_path)
    assert third.returncode == 0, third.stderr
    assert "already holds data" in third.stdout

    import sqlite3

    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT count(*) FROM person").fetchone() == (300,)
    finally:
        con.close()


def test_help_lists_the_demo_command(tmp_path):
    result = run("--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "demo" in result.stdout
    assert "--db" in result.stdout
    demo_help = run("demo", "--help", tmp_path=tmp_path)
    assert demo_help.returncode == 0
    assert "--persons" in demo_help.stdout and "--if-empty" in demo_help.stdout


def test_a_file_that_is_not_sqlite_is_one_line_and_untouched(tmp_path):
    path = tmp_path / "not_sqlite_file"
    content = b"this is a shopping list, not a database\n" * 20
    path.write_bytes(content)
    result = run("--db", str(path), "demo", "--persons", "10", tmp_path=tmp_path)
    line = assert_one_line_error(result)
    assert "not a PostApp data file" in line
    assert path.read_bytes() == content


@pytest.mark.parametrize("persons", ["-1", "100001"])
def test_out_of_range_sizes_are_one_line(tmp_path, persons):
    result = run("--db", str(tmp_path / "x.sqlite3"), "demo", "--persons", persons, tmp_path=tmp_path)
    assert result.returncode == 2  # a usage error, as argparse has it
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("postapp"), result.stderr
    assert format_number(100_000) in lines[0]
    assert not (tmp_path / "x.sqlite3").exists()  # refused before anything was created


def test_dutch_help(tmp_path):
    result = run("--lang", "nl", "--help", tmp_path=tmp_path, lang="en")
    assert result.returncode == 0, result.stderr
    assert "demo" in result.stdout
    assert "opdrachten:" in result.stdout  # "commands"
    assert "realistische" in result.stdout and "demopost" in result.stdout  # the demo command's help
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [("--lang", "de"), ("--lang", "pt", "demo"), ("--lang=de", "--help")])
def test_an_unknown_language_is_a_one_line_usage_error(tmp_path, args):
    result = run(*args, tmp_path=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("postapp: ") and "--lang" in lines[0]
    assert "__main__" not in lines[0]
