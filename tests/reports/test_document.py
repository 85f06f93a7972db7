"""The document machinery: embedded fonts, safe text, and never a half-written file."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from pypdf import PdfReader

from postapp.errors import PostAppError
from postapp.i18n import language, set_language
from postapp.reports import fonts
from postapp.reports.country import build_country
from postapp.reports.document import write_pdf
from postapp.reports.options import ReportOptions
from postapp.reports.packs import make_pack
from tests.reports.conftest import pages_text

OPTIONS = ReportOptions(language="en", date_from=dt.date.today() - dt.timedelta(days=364), date_to=dt.date.today())


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".postapp-"))


def test_every_font_is_embedded_dejavu(demo_store, tmp_path):
    out = tmp_path / "pack.pdf"
    with demo_store.read() as session:
        make_pack("country", session, OPTIONS, out)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not a private temporary
    reader = PdfReader(str(out))
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"])
            seen.add(name.split("+")[-1])
            assert "DejaVuSans" in name, name  # no Helvetica or other base-14 font sneaks in
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), name  # the TrueType program is embedded
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= seen
    assert reader.metadata is not None and reader.metadata.title == "Country briefing: Viet Nam"


def test_safe_text_keeps_what_the_font_has_and_marks_the_rest():
    fonts.register_fonts()
    assert fonts.safe("Nguyễn Thị Hằng") == "Nguyễn Thị Hằng"
    assert fonts.safe("شركة") == "شركة"
    assert fonts.safe("A \U0001F99C B") == f"A {fonts.PLACEHOLDER} B"
    assert fonts.safe("👍🏽") == fonts.PLACEHOLDER * 2  # emoji and skin-tone modifier, neither in the font
    assert fonts.safe("a\u200db\ufe0fc") == "abc"  # joiner and variation selector dropped
    assert fonts.safe("a\x00b\x07c") == "a b c"
    assert fonts.safe("Nguye\u0302\u0303n") == "Nguyễn"  # decomposed input is composed first
    assert fonts.markup("A&B <b>x</b>\nnext") == "A&amp;B &lt;b&gt;x&lt;/b&gt;<br/>next"


def test_a_missing_font_is_a_clear_error_and_writes_nothing(demo_store, tmp_path, monkeypatch):
    with demo_store.read() as session:
        content = build_country(session, OPTIONS)
    monkeypatch.setattr(fonts, "fonts_dir", lambda: tmp_path / "no-fonts")
    set_language("en")
    out = tmp_path / "pack.pdf"
    with pytest.raises(PostAppError, match=r"font file DejaVuSans\.ttf is missing"):
        write_pdf(content, OPTIONS, out)
    with demo_store.read() as session, pytest.raises(PostAppError, match="DejaVuSans"):
        make_pack("country", session, OPTIONS, out)
    assert not out.exists()
    assert leftovers(tmp_path) == []
    assert language() == "en"


def test_an_interrupted_build_leaves_the_old_file_and_no_temporary(demo_store, tmp_path):
    out = tmp_path / "pack.pdf"
    out.write_bytes(b"the previous pack")

    def power_cut(page: int) -> bool:
        if page >= 3:
            raise RuntimeError("power cut")
        return True

    with demo_store.read() as session:
        content = build_country(session, OPTIONS)
    with pytest.raises(RuntimeError, match="power cut"):
        write_pdf(content, OPTIONS, out, progress=power_cut)
    assert out.read_bytes() == b"the previous pack"
    assert leftovers(tmp_path) == []

    fresh = tmp_path / "fresh.pdf"
    with pytest.raises(PostAppError, match="cancelled"):
        write_pdf(content, OPTIONS, fresh, progress=lambda page: page < 2)
    assert not fresh.exists()
    assert leftovers(tmp_path) == []


def test_unwritable_targets_are_clear_errors(demo_store, tmp_path):
    with demo_store.read() as session:
        content = build_country(session, OPTIONS)
    with pytest.raises(PostAppError, match="does not exist"):
        write_pdf(content, OPTIONS, tmp_path / "no-such-folder" / "pack.pdf")
    folder_named_like_a_pdf = tmp_path / "pack.pdf"
    folder_named_like_a_pdf.mkdir()
    with pytest.raises(PostAppError, match="Could not write"):
        write_pdf(content, OPTIONS, folder_named_like_a_pdf)
    with pytest.raises(PostAppError, match=r"\.pdf"):
        write_pdf(content, OPTIONS, tmp_path / "pack.docx")
    assert leftovers(tmp_path) == []
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            with pytest.raises(PostAppError, match="Could not write"):
                write_pdf(content, OPTIONS, locked / "pack.pdf")
        finally:
            locked.chmod(0o700)


def test_the_users_language_comes_back(demo_store, tmp_path):
    set_language("en")
    with demo_store.read() as session:
        make_pack("country", session, ReportOptions(language="nl", sections=frozenset({"work"})), tmp_path / "a.pdf")
    assert language() == "en"
    assert "Pagina" in pages_text(tmp_path / "a.pdf")[-1]
    set_language("nl")
    with demo_store.read() as session:
        make_pack("country", session, ReportOptions(language="en", sections=frozenset({"work"})), tmp_path / "b.pdf")
    assert language() == "nl"
    assert "Page" in pages_text(tmp_path / "b.pdf")[-1]


def test_classification_and_post_name_on_every_page_after_the_cover(demo_store, tmp_path):
    out = tmp_path / "pack.pdf"
    options = ReportOptions(language="en", classification="Departementaal Vertrouwelijk",
                            post_name="Embassy of the Kingdom of the Netherlands in Hanoi")
    with demo_store.read() as session:
        make_pack("country", session, options, out)
    pages = pages_text(out)
    assert "Departementaal Vertrouwelijk" in pages[0]  # on the cover too
    for page in pages[1:]:
        assert "Departementaal Vertrouwelijk" in page
        assert "Embassy of the Kingdom of the Netherlands in Hanoi" in page
