"""Importing sanctions list files the way a post gets them: downloaded files of both formats, and the ways
such a file can be wrong. A bad file changes nothing: the list imported before stays in use."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sanctions_files import (
    AL_QAIDA,
    LUKOIL_EU,
    OS_HEADER,
    OS_ROWS,
    SADDAM,
    EuEntity,
    default_eu,
    default_os,
    eu_xml,
    os_row,
    write_eu,
    write_os,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from postapp.errors import PostAppError
from postapp.sanctions.importer import detect_format, import_list
from postapp.sanctions.models import SanctionsEntry, SanctionsList, SanctionsName
from postapp.sanctions.names import normalise
from postapp.store import Store


def active(session: Session) -> dict[str, SanctionsList]:
    return {lst.source: lst for lst in session.scalars(select(SanctionsList).where(SanctionsList.active))}


def entries_of(session: Session, lst: SanctionsList) -> dict[str, SanctionsEntry]:
    return {e.external_id: e for e in session.scalars(select(SanctionsEntry).where(SanctionsEntry.list_id == lst.id))}


def names_of(session: Session, entry: SanctionsEntry) -> list[str]:
    return list(session.scalars(select(SanctionsName.name).where(SanctionsName.entry_id == entry.id)
                                .order_by(SanctionsName.id)))


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_formats_are_detected_by_content_not_by_name(tmp_path: Path) -> None:
    eu = default_eu(tmp_path / "download")
    os_csv = default_os(tmp_path / "export.xml")
    assert detect_format(eu) == "eu"
    assert detect_format(os_csv) == "opensanctions"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + os_csv.read_bytes())
    assert detect_format(bom) == "opensanctions"


def test_eu_list_with_several_name_aliases(store: Store, tmp_path: Path) -> None:
    path = default_eu(tmp_path / "xmlFullSanctionsList_1_1.xml")
    with store.session() as s:
        imported = import_list(s, path)
        assert (imported.source, imported.published, imported.entry_count) == ("eu", dt.date(2026, 11, 20), 4)
        assert imported.active and imported.file_name == "xmlFullSanctionsList_1_1.xml"
        entries = entries_of(s, imported)
        saddam = entries["13"]
        assert (saddam.name, saddam.schema, saddam.countries, saddam.programme) == (
            "Saddam Hussein Al-Tikriti", "person", "IQ", "IRQ")
        assert names_of(s, saddam) == ["Saddam Hussein Al-Tikriti", "Abu Ali", "Saddam Husayn al-Tikriti",
                                       "صدام حسين التكريتي"]
        lukoil = entries["5001"]
        assert (lukoil.schema, lukoil.countries, lukoil.programme) == ("organisation", "RU", "RUS")
        assert "ПАО «Нефтяная компания «ЛУКОЙЛ»" in names_of(s, lukoil)
        stored = s.execute(select(SanctionsName.name, SanctionsName.normalised)
                           .where(SanctionsName.entry_id == lukoil.id)).all()
        assert all(norm == normalise(name) for name, norm in stored)


def test_opensanctions_list_with_aliases(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        imported = import_list(s, default_os(tmp_path / "targets.simple.csv"))
        # The newest last_change/last_seen in the file dates it.
        assert (imported.source, imported.published, imported.entry_count) == ("opensanctions",
                                                                              dt.date(2026, 11, 19), 4)
        entries = entries_of(s, imported)
        lukoil = entries["NK-lukoil"]
        assert (lukoil.name, lukoil.schema, lukoil.countries, lukoil.programme) == (
            "ЛУКОЙЛ", "organisation", "RU", "EU-RUS;GB-RUS")
        # "Lukoil" and "LUKOIL PJSC" normalise like ЛУКОЙЛ: one name is enough to match all three.
        assert names_of(s, lukoil) == ["ЛУКОЙЛ", "Lukoil Oil Company"]
        bin_laden = entries["Q1317"]
        assert (bin_laden.schema, bin_laden.countries) == ("person", "SA,AF")
        assert names_of(s, bin_laden) == ["Usama bin Laden", "Osama bin Laden", "أسامة بن لادن"]
        assert entries["NK-nguyen-trading"].programme == "Sanctioned by the example programme"
        assert entries["NK-vessel"].schema == "other"


def test_older_export_without_program_ids_is_accepted(store: Store, tmp_path: Path) -> None:
    header = [c for c in OS_HEADER if c != "program_ids"]
    path = write_os(tmp_path / "old.csv", OS_ROWS, header)
    with store.session() as s:
        assert import_list(s, path).entry_count == 4


def test_reimport_replaces_the_list_and_the_old_one_is_gone(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        first = import_list(s, default_eu(tmp_path / "first.xml"))
        other = import_list(s, default_os(tmp_path / "os.csv"))
    newer = write_eu(tmp_path / "second.xml", [SADDAM, EuEntity(42, ["Newly Listed Holding"], "enterprise")],
                     generated="2026-11-25T09:00:00")
    with store.session() as s:
        second = import_list(s, newer)
    with store.session() as s:
        assert {src: lst.id for src, lst in active(s).items()} == {"eu": second.id, "opensanctions": other.id}
        assert s.get(SanctionsList, first.id) is None
        assert s.scalar(select(func.count()).where(SanctionsEntry.list_id == first.id)) == 0
        assert count(s, SanctionsList) == 2
        assert count(s, SanctionsEntry) == 2 + 4
        assert sorted(entries_of(s, second)) == ["13", "42"]
        assert active(s)["eu"].published == dt.date(2026, 11, 25)
        orphans = s.scalar(select(func.count()).select_from(SanctionsName).where(
            SanctionsName.entry_id.not_in(select(SanctionsEntry.id))))
        assert orphans == 0


def truncated(tmp_path: Path) -> Path:
    text = eu_xml([SADDAM, AL_QAIDA, LUKOIL_EU])
    path = tmp_path / "truncated.xml"
    path.write_text(text[: int(len(text) * 0.6)], encoding="utf-8")
    return path


def malformed(tmp_path: Path) -> Path:
    lines = eu_xml([SADDAM, AL_QAIDA]).splitlines()
    assert "<subjectType" in lines[7]
    lines[7] = lines[7].replace("<subjectType", "<subjectType <")  # line 8 of the file
    path = tmp_path / "malformed.xml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_FILES = {
    "malformed XML": (malformed, "line 8"),
    "truncated XML": (truncated, "ends too early"),
    "CSV with other columns": (lambda p: write(p, "sdn.csv", b"uid,first_name,last_name,type\n1,John,Doe,person\n"),
                               "not an OpenSanctions"),
    "CSV missing a needed column": (lambda p: write(p, "t.csv", b"id,schema,name,countries\nx,Person,John Doe,ru\n"),
                                    "aliases"),
    "CSV with a damaged row": (lambda p: write(p, "t.csv", (",".join(OS_HEADER) + "\nx,Person,John Doe,,\n").encode()),
                               "line 2"),
    "CSV cut off inside a quoted field": (
        lambda p: write(p, "t.csv", (",".join(OS_HEADER) + '\nx,Person,"John Doe').encode()), "damaged"),
    "empty file": (lambda p: write(p, "empty.xml", b""), "empty"),
    "blank file": (lambda p: write(p, "blank.csv", b"\n  \r\n"), "empty"),
    "EU list without entries": (lambda p: write(p, "none.xml", eu_xml([]).encode()), "no entries"),
    "CSV with only its header": (lambda p: write_os(p / "none.csv", []), "no entries"),
    "other XML": (lambda p: write(p, "page.xml", b"<?xml version='1.0'?><html><body>Not found</body></html>"),
                  "not the EU consolidated"),
    "binary file": (lambda p: write(p, "list.pdf", b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary"),
                    "neither the EU consolidated"),
    "JSON export": (lambda p: write(p, "entities.ftm.json", b'{"id": "NK-1", "schema": "Person", "caption": "X"}\n'),
                    "neither the EU consolidated"),
    "missing file": (lambda p: p / "missing.xml", "cannot be read"),
    "folder": (lambda p: p, "cannot be read"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_and_the_previous_list_stays(store: Store, tmp_path: Path, case: str) -> None:
    make, expected = BAD_FILES[case]
    with store.session() as s:
        eu = import_list(s, default_eu(tmp_path / "good.xml"))
        opensanctions = import_list(s, default_os(tmp_path / "good.csv"))
    folder = tmp_path / "bad"
    folder.mkdir()
    bad = make(folder)
    with store.session() as s:
        with pytest.raises(PostAppError) as caught:
            import_list(s, bad)
        # The caller's session is still usable after the refusal: the import ran in a savepoint.
        assert {src: lst.id for src, lst in active(s).items()} == {"eu": eu.id, "opensanctions": opensanctions.id}
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert "Nothing was imported" in message and "stay" in message
    with store.session() as s:
        assert {src: lst.id for src, lst in active(s).items()} == {"eu": eu.id, "opensanctions": opensanctions.id}
        assert count(s, SanctionsList) == 2
        assert len(entries_of(s, active(s)["eu"])) == 4
        assert count(s, SanctionsEntry) == 8


def test_bad_file_says_which_list_stays_in_use(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        with pytest.raises(PostAppError) as first:
            import_list(s, truncated(tmp_path))
        assert str(first.value).endswith("Nothing was imported.")
        import_list(s, default_eu(tmp_path / "good.xml"))
        with pytest.raises(PostAppError) as second:
            import_list(s, truncated(tmp_path))
    assert "the list of 20 Nov 2026 stays in use" in str(second.value)


def test_progress_is_bounded_and_ends_at_the_total(store: Store, tmp_path: Path) -> None:
    entities = [EuEntity(i, [f"Person Number{i} Example", f"Alias Number{i}"], citizenship=["SY"])
                for i in range(1, 3001)]
    path = write_eu(tmp_path / "big.xml", entities)
    calls: list[tuple[int, int]] = []
    with store.session() as s:
        imported = import_list(s, path, progress=lambda done, total: calls.append((done, total)))
    assert imported.entry_count == 3000
    size = path.stat().st_size
    assert calls[0] == (0, size) and calls[-1] == (size, size)
    assert 3 <= len(calls) <= 110
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_cancel_keeps_the_previous_list(store: Store, tmp_path: Path) -> None:
    entities = [EuEntity(i, [f"Person Number{i} Example"]) for i in range(1, 2001)]
    with store.session() as s:
        before = import_list(s, default_eu(tmp_path / "good.xml"))
        with pytest.raises(PostAppError) as caught:
            import_list(s, write_eu(tmp_path / "big.xml", entities), cancelled=lambda: True)
        assert "cancelled" in str(caught.value)
        assert active(s)["eu"].id == before.id
    with store.session() as s:
        assert count(s, SanctionsEntry) == 4


def test_a_row_without_a_name_is_skipped(store: Store, tmp_path: Path) -> None:
    rows = [*OS_ROWS, os_row("blank", "Person", "")]
    with store.session() as s:
        assert import_list(s, write_os(tmp_path / "t.csv", rows)).entry_count == 4


# The command line, as a user runs it.

def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POSTAPP_LANG": "en", "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
           "XDG_STATE_HOME": str(tmp_path / "xdg-state"), "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    return subprocess.run([sys.executable, "-m", "postapp", "--db", str(tmp_path / "post.sqlite3"), *args],
                          capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=120)


def test_cli_import_prints_source_date_and_count(tmp_path: Path) -> None:
    result = run("sanctions", "import", str(default_eu(tmp_path / "eu.xml")), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "EU consolidated list of 20 Nov 2026" in result.stdout
    assert "4 entries" in result.stdout
    result = run("sanctions", "import", str(default_os(tmp_path / "targets.simple.csv")), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OpenSanctions list of 19 Nov 2026" in result.stdout


@pytest.mark.parametrize("case", ["truncated XML", "CSV with other columns", "empty file", "missing file"])
def test_cli_import_of_a_bad_file_is_one_line_and_exit_1(tmp_path: Path, case: str) -> None:
    make, expected = BAD_FILES[case]
    result = run("sanctions", "import", str(make(tmp_path)), tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("postapp: ") and expected in lines[0]
    assert result.stdout == ""
