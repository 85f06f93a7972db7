"""Screening names against imported lists: transliterated, reordered and differently incorporated names are
found, obvious non-matches are not, and a list's age is told."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sanctions_files import EuEntity, default_eu, default_os, os_row, write_eu, write_os
from sqlalchemy import update

from postapp.domain.base import utcnow
from postapp.sanctions.importer import import_list
from postapp.sanctions.models import SanctionsList, SanctionsName
from postapp.sanctions.screening import (
    DEFAULT_CUTOFF,
    Hit,
    ListStatus,
    Screener,
    is_stale,
    list_status,
    normalise,
)
from postapp.store import Store


@pytest.mark.parametrize(("name", "normalised"), [
    ("Nguyen Van A Trading Co., Ltd", "a nguien trading van"),
    ("Nguyễn Văn A Trading", "a nguien trading van"),
    ("Công ty TNHH Nguyễn Văn A Trading", "a nguien trading van"),
    ("ЛУКОЙЛ", "lukoil"),
    ("PJSC «Lukoil»", "lukoil"),
    ("ООО «Ромашка»", "romashka"),
    ("Romashka LLC", "romashka"),
    ("Delta Textiles B.V.", "delta tekstiles"),
    ("S.A.R.L. Dupont", "dupont"),
    ("Dupont Holding", "dupont"),
    ("Holding Bank Dupont", "bank dupont holding"),
    ("Al-Qa'ida", "al kaida"),
    ("Kim Jong-un", "jong kim un"),
    ("深圳华为科技有限公司", "shenzhenhuaveikeji"),
    ("王伟", "vangvei"),
    ("Company Ltd", "compani ltd"),  # nothing but legal forms: kept rather than matching everything
    # Dutch, German and French transliterations fold to the English one; Arabic particles to one spelling.
    ("Sergej Sjojgoe", "sergei shoigu"),
    ("Joeri Kovaltsjoek", "juri kovalchuk"),
    ("Abramowitsch", "abramovich"),
    ("Zjoekov", "zhukov"),
    ("Joukov", "zhukov"),
    ("Dmitrij Dostojevski", "dmitri dostoievski"),
    ("Novoje", "novu"),
    ("Novoye", "novu"),
    ("Moammar al-Qadhafi", "al kadafi muamar"),
    ("Muhammad ibn Salman", "bin muhamad salman"),
    ("Mohammed El Ben Ali", "al ali bin muhamed"),
    ("Hezbollah", "hezbalah"),
    ("", ""),
    ("  ...  ", ""),
])
def test_normalise(name: str, normalised: str) -> None:
    assert normalise(name) == normalised


@pytest.fixture
def screener(store: Store, tmp_path: Path) -> Screener:
    extra = [
        os_row("NK-lukoil-ru", "Company", "ЛУКОЙЛ", [], ["ru"], program_ids="EU-RUS"),
        os_row("NK-wagner", "Organization", "Группа Вагнер", ["ЧВК Вагнер"], ["ru"], program_ids="EU-RUS"),
        os_row("NK-textile", "Company", "Hanoi Textile Garment Joint Stock Company", [], ["vn"]),
        os_row("NK-ali", "Person", "Ali", [], ["iq"]),
        os_row("NK-wang", "Person", "Wang Wei", [], ["cn"]),
        os_row("NK-hassan", "Person", "Hassan Nasrallah", ["Hassan"], ["lb"]),
    ]
    with store.session() as s:
        import_list(s, default_eu(tmp_path / "eu.xml"))
        import_list(s, write_os(tmp_path / "os.csv", [*read_default_os_rows(tmp_path), *extra]))
        return Screener.load(s)


def read_default_os_rows(tmp_path: Path) -> list[dict[str, str]]:
    import csv

    with default_os(tmp_path / "default.csv").open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["id"] != "NK-lukoil"]


def top(screener: Screener, name: str) -> Hit:
    hits = screener.screen(name)
    assert hits, f"nothing found for {name!r}"
    return hits[0]


@pytest.mark.parametrize(("query", "expected"), [
    # Transliterated: Cyrillic both ways, Vietnamese diacritics, Arabic script and Arabic names in Latin.
    ("Lukoil Oil Company", "ЛУКОЙЛ"),
    ("ЛУКОЙЛ", "Public Joint Stock Company Lukoil Oil Company"),
    ("Nguyen Van A Trading Co., Ltd", "Nguyễn Văn A Trading"),
    ("CONG TY TNHH NGUYEN VAN A", "Nguyễn Văn A Trading"),
    ("صدام حسين التكريتي", "Saddam Hussein Al-Tikriti"),
    ("القاعدة", "Al-Qaida"),
    ("Osama bin Ladin", "Usama bin Laden"),
    ("Al Qa'eda", "Al-Qaida"),
    ("Wagner Group", "Группа Вагнер"),
    ("Evgeny Prigozhin", "Yevgeniy Viktorovich Prigozhin"),
    ("Евгений Пригожин", "Yevgeniy Viktorovich Prigozhin"),
    ("王伟", "Wang Wei"),
    # Reordered, and differently incorporated.
    ("Al-Tikriti, Saddam Hussein", "Saddam Hussein Al-Tikriti"),
    ("Laden, Usama bin", "Usama bin Laden"),
    ("WEI, Wang", "Wang Wei"),
    ("Hanoi Textile Garment JSC", "Hanoi Textile Garment Joint Stock Company"),
    ("Công ty Cổ phần Dệt May Hanoi Textile Garment", "Hanoi Textile Garment Joint Stock Company"),
])
def test_true_matches_are_found(screener: Screener, query: str, expected: str) -> None:
    hits = {h.primary_name: h for h in screener.screen(query)}
    assert expected in hits, f"{query!r} found only {list(hits)}"
    assert hits[expected].score >= DEFAULT_CUTOFF


@pytest.mark.parametrize("query", [
    "Acme Textiles",
    "Acme Textiles B.V.",
    "Delta Trading Co., Ltd",
    "Holland Food Vietnam Co., Ltd.",
    "Nguyễn Thị Hoa",
    "Muhammad Ali Trading",  # an alias of one short word is no reason to flag every name holding it
    "Hassan Rouhani",  # nor is a person's one-word alias: a given name thousands share
    "Oil Company",
    "Ocean Spray",
    "Hanoi Plastic Company",
    "Jan de Vries",
    "Nguyen Van B",  # shares all but one word with "Nguyễn Văn A", and that word differs entirely
    "Hanoi Plastic Garment JSC",
])
def test_obvious_non_matches_are_not_flagged(screener: Screener, query: str) -> None:
    assert screener.screen(query) == []


# One name as Dutch, English, French and Arabic-in-Latin transliterations write it.
VARIANTS = [
    ("Sergej Sjojgoe", "Sergei Shoigu"),
    ("Roman Abramovitsj", "Roman Abramovich"),
    ("Igor Setsjin", "Igor Sechin"),
    ("Joeri Kovaltsjoek", "Yuri Kovalchuk"),
    ("Hezbollah", "Hizballah"),
    ("Muammar Gaddafi", "Moammar Qadhafi"),
    ("Mohammed bin Salman", "Muhammad ibn Salman"),
    ("Tsentr", "Centr"),
    ("Zhukov", "Joukov"),
    ("Jusuf", "Yusuf"),
]
# Different names the folds above bring closer together: they must stay apart.
LOOKALIKES = [
    ("Sergej Sjojgoe", "Sergei Sobyanin"),
    ("Roman Abramovitsj", "Roman Romanov"),
    ("Igor Setsjin", "Igor Sergeyev"),
    ("Joeri Kovaltsjoek", "Yuri Kovalenko"),
    ("Mohammed bin Salman", "Mohammed bin Rashid"),  # "bin" and "ibn" are one word now, but not the father
    ("Muammar Gaddafi", "Saif al-Islam Gaddafi"),
    ("Hezbollah", "Hizb ut-Tahrir"),
    ("Tsentr", "Tsentrobank"),
    ("Jusuf", "Josef"),
    ("Mojtaba Khamenei", "Mustafa Khamenei"),  # mo- is mu- only before a vowel or h
    ("Zhang Wei", "Jiang Wei"),  # pinyin zh and j stay apart
]
ORGANISATIONS = {"Hezbollah", "Hizballah", "Hizb ut-Tahrir", "Tsentr", "Centr", "Tsentrobank"}


@pytest.fixture
def variants(store: Store, tmp_path: Path) -> Screener:
    """A list holding every name of ``VARIANTS`` and ``LOOKALIKES``, each as an entry of its own."""
    names = sorted({name for pair in [*VARIANTS, *LOOKALIKES] for name in pair})
    rows = [os_row(f"NK-{i}", "Organization" if name in ORGANISATIONS else "Person", name)
            for i, name in enumerate(names)]
    with store.session() as s:
        import_list(s, write_os(tmp_path / "variants.csv", rows))
        return Screener.load(s)


@pytest.mark.parametrize(("one", "other"), VARIANTS)
def test_transliteration_variants_are_found_both_ways(variants: Screener, one: str, other: str) -> None:
    for query, listed in ((one, other), (other, one)):
        hits = {h.primary_name: h.score for h in variants.screen(query)}
        assert hits.get(listed, 0) >= DEFAULT_CUTOFF, f"{query!r} found only {hits}"


@pytest.mark.parametrize(("query", "listed"), LOOKALIKES)
def test_transliteration_folds_keep_different_names_apart(variants: Screener, query: str, listed: str) -> None:
    hits = {h.primary_name: h.score for h in variants.screen(query)}
    assert listed not in hits, f"{query!r} flagged {listed!r} ({hits})"
    assert query in hits  # the name itself is found: the list and the screening agree


def test_a_persons_single_name_is_no_part_match_but_an_organisations_is(screener: Screener) -> None:
    assert [h.external_id for h in screener.screen("Nasrallah")] == []
    assert [h.external_id for h in screener.screen("Hassan")] == ["NK-hassan"]  # the alias itself
    assert "NK-lukoil-ru" in [h.external_id for h in screener.screen("Lukoil Trading House")]


def test_exact_names_rank_above_partial_ones(screener: Screener) -> None:
    assert top(screener, "Usama bin Laden").score == 100.0
    hits = screener.screen("Lukoil")
    assert [(h.primary_name, h.score == 100) for h in hits] == [
        ("ЛУКОЙЛ", True), ("Public Joint Stock Company Lukoil Oil Company", False)]
    assert 90 <= hits[1].score < 100


def test_one_hit_per_entry_with_its_best_name_best_first(screener: Screener) -> None:
    hits = screener.screen("Saddam Husayn al-Tikriti")
    assert [h.primary_name for h in hits] == ["Saddam Hussein Al-Tikriti"]
    assert hits[0].matched_name == "Saddam Husayn al-Tikriti"
    assert hits[0].score == 100.0
    hits = screener.screen("Lukoil")
    assert [h.source for h in hits] == ["opensanctions", "eu"]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.entry_id for h in hits}) == len(hits)


def test_hit_carries_what_a_check_records(screener: Screener) -> None:
    hit = top(screener, "Saddam Hussein Al-Tikriti")
    assert (hit.source, hit.external_id, hit.schema, hit.countries, hit.programme, hit.list_published) == (
        "eu", "13", "person", "IQ", "IRQ", dt.date(2026, 11, 20))


def test_limit_and_cutoff(screener: Screener) -> None:
    assert len(screener.screen("Lukoil", limit=1)) == 1
    assert screener.screen("Lukoil", limit=0) == []
    assert screener.screen("Tikriti Saddam", cutoff=100) == []
    assert screener.screen("  --  ") == []


def test_no_list_imported(store: Store) -> None:
    with store.session() as s:
        screener = Screener.load(s)
        assert list_status(s) == []
    assert not screener.available
    assert screener.screen("Lukoil") == []


def test_screening_follows_a_reimport(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        import_list(s, default_eu(tmp_path / "eu.xml"))
        assert Screener.load(s).screen("Saddam Hussein Al-Tikriti")
        import_list(s, write_eu(tmp_path / "new.xml", [EuEntity(1, ["Someone Else Entirely"])]))
        screener = Screener.load(s)
    assert screener.screen("Saddam Hussein Al-Tikriti") == []
    assert top(screener, "Someone Else Entirely").external_id == "1"


def test_names_stored_by_an_older_normaliser_are_normalised_again(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        import_list(s, default_eu(tmp_path / "eu.xml"))
        s.execute(update(SanctionsName).values(normalised="outdated"))
        s.execute(update(SanctionsList).values(normalised_with=0))
        screener = Screener.load(s)
    assert top(screener, "Saddam Hussein Al-Tikriti").score == 100.0


def test_list_status_and_staleness(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        import_list(s, default_eu(tmp_path / "eu.xml"))
        import_list(s, default_os(tmp_path / "os.csv"))
        status = {st.source: st for st in list_status(s)}
    assert (status["eu"].published, status["eu"].entry_count) == (dt.date(2026, 11, 20), 4)
    assert (status["opensanctions"].published, status["opensanctions"].entry_count) == (dt.date(2026, 11, 19), 4)
    eu = status["eu"]
    assert not is_stale(eu, 30, dt.date(2026, 12, 20))
    assert is_stale(eu, 30, dt.date(2026, 12, 21))
    assert not is_stale(eu, 0, dt.date(2026, 11, 20))
    # A list without a date is judged on when it was imported.
    undated = ListStatus("eu", None, dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), 1)
    assert is_stale(undated, 30, dt.date(2026, 2, 1))
    assert not is_stale(undated, 30, dt.date(2026, 1, 31))
    assert not is_stale(ListStatus("eu", None, utcnow(), 1), 30, dt.date.today())


# The command line, as a user runs it.

def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POSTAPP_LANG": "en", "XDG_DATA_HOME": str(db.parent / "xdg-data"),
           "XDG_STATE_HOME": str(db.parent / "xdg-state"), "XDG_CACHE_HOME": str(db.parent / "xdg-cache")}
    return subprocess.run([sys.executable, "-m", "postapp", "--db", str(db), "sanctions", *args],
                          capture_output=True, text=True, encoding="utf-8", env=env, cwd=db.parent, timeout=120)


def test_cli_screen_before_any_import_is_one_clear_line(tmp_path: Path) -> None:
    result = run(tmp_path / "post.sqlite3", "screen", "Lukoil")
    assert result.returncode == 1
    assert result.stderr.strip() == ("postapp: No sanctions list has been imported yet; import one first with: "
                                     "postapp sanctions import FILE")


def test_cli_screen_prints_hits_best_first(tmp_path: Path) -> None:
    db = tmp_path / "post.sqlite3"
    assert run(db, "import", str(default_eu(tmp_path / "eu.xml"))).returncode == 0
    assert run(db, "import", str(default_os(tmp_path / "os.csv"))).returncode == 0
    result = run(db, "screen", "ЛУКОЙЛ")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "EU consolidated list of 20 Nov 2026, 4 entries" in out
    assert "OpenSanctions list of 19 Nov 2026, 4 entries" in out
    assert "Public Joint Stock Company Lukoil Oil Company" in out
    assert "organisation | RU | RUS | EU consolidated list of 20 Nov 2026" in out
    scores = [float(line.split()[0]) for line in out.splitlines() if line[:6].strip().replace(".", "").isdigit()]
    assert len(scores) == 2 and scores == sorted(scores, reverse=True)

    limited = run(db, "screen", "ЛУКОЙЛ", "--limit", "1")
    assert limited.returncode == 0
    assert sum(1 for line in limited.stdout.splitlines() if line[:6].strip().replace(".", "").isdigit()) == 1

    none = run(db, "screen", "Acme Textiles")
    assert none.returncode == 0
    assert 'No candidate matches for "Acme Textiles" (score 85 or more).' in none.stdout


@pytest.mark.parametrize("args", [("screen", "x", "--limit", "0"), ("screen",), ()])
def test_cli_usage_errors_are_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run(tmp_path / "post.sqlite3", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
