"""Translations and locale formatting: every user-facing string has a Dutch and an English
translation, the catalogs compile, the template matches the code, and numbers, dates and money
follow the chosen language."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from postapp import i18n
from postapp.coretasks import CoreTask

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
PLACEHOLDER = re.compile(r"\{\w+\}")


def catalog(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=language)


def code_messages() -> set[str]:
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "postapp"), method_map=[("**.py", "python")], keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_no_literal_is_translated_inside_an_f_string() -> None:
    """Babel's extractor cannot see ``_("...")`` inside an f-string: such text would stay English."""
    pattern = re.compile(r"""\bf(["']).*\{[^}]*\b_\(\s*["']""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "postapp").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders


def test_template_holds_every_string_in_the_code() -> None:
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(fh) if m.id}
    missing = code_messages() - template
    assert not missing, f"run `make update` and translate: {sorted(missing)[:5]}"


@pytest.mark.parametrize("language", ["nl", "en", "fr", "es"])
def test_every_string_is_translated_with_the_same_placeholders(language: str) -> None:
    cat = catalog(language)
    needed = code_messages()
    translated = {}
    for message in cat:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            translated[ids[0]] = (ids, strings)
    missing = sorted(needed - set(translated))
    assert not missing, f"{language}: untranslated {missing[:5]}"
    for ids, strings in translated.values():
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, (ids[0], string)
            assert ("&" in ids[0]) == ("&" in string), (ids[0], string)


@pytest.mark.parametrize("language", ["nl", "en", "fr", "es"])
def test_catalog_compiles(language: str) -> None:
    cat = catalog(language)
    problems = [(m.id, errs) for m, errs in cat.check()]
    assert not problems
    buf = io.BytesIO()
    write_mo(buf, cat)
    assert buf.getvalue()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")


def test_dutch_is_used_once_chosen() -> None:
    i18n.set_language("nl")
    try:
        assert i18n._(CoreTask.EXPERTISE.label) == "Expertise opbouwen"
        assert i18n.ngettext("{n} person", "{n} persons", 2).format(n=2) == "2 personen"
    finally:
        i18n.set_language("en")
    assert i18n._(CoreTask.EXPERTISE.label) == "Build expertise"


def test_dates_numbers_and_money_follow_the_language() -> None:
    day = dt.date(2026, 11, 24)
    i18n.set_language("nl")
    try:
        assert i18n.format_date(day, "long") == "24 november 2026"
        assert i18n.format_money(Decimal(40_000_000)) == "€\xa040.000.000"
        assert i18n.format_money(Decimal("1234.5")) == "€\xa01.234,50"
        assert i18n.format_number(1234567) == "1.234.567"
        assert i18n.parse_decimal("40.000.000") == Decimal(40_000_000)
        assert i18n.parse_date("24-11-2026") == day
    finally:
        i18n.set_language("en")
    assert i18n.format_date(day, "long") == "24 November 2026"
    assert i18n.format_money(Decimal(40_000_000)) == "€40,000,000"
    assert i18n.parse_date("2026-11-24") == day


@pytest.mark.parametrize("text", ["1/2/3", "31/31/2026", "tomorrow", "24-11-26", "0001-01-01", "9999-12-31"])
def test_unlikely_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        i18n.parse_date(text)


def test_missing_compiled_catalog_falls_back_to_the_po_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "nl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes((TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po").read_bytes())
    monkeypatch.setattr(i18n, "translations_dir", lambda: tmp_path)
    i18n.set_language("nl")
    try:
        assert i18n._("Contacts") == "Contacten"
    finally:
        monkeypatch.undo()
        i18n.set_language("en")


def test_a_thread_language_leaves_other_threads_alone() -> None:
    import threading

    seen: dict[str, str] = {}
    inside = threading.Event()
    release = threading.Event()

    def build_in_dutch() -> None:
        with i18n.thread_language("nl"):
            seen["worker"] = i18n._(CoreTask.EXPERTISE.label)
            inside.set()
            release.wait(10)
        seen["worker after"] = i18n._(CoreTask.EXPERTISE.label)

    i18n.set_language("en")
    worker = threading.Thread(target=build_in_dutch)
    worker.start()
    assert inside.wait(10)
    seen["main"] = i18n._(CoreTask.EXPERTISE.label)
    release.set()
    worker.join(10)
    assert seen == {"worker": "Expertise opbouwen", "main": "Build expertise", "worker after": "Build expertise"}
