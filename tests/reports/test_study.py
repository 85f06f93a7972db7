"""The usability study report over a synthetic round of 140 posts."""

from __future__ import annotations

import re

from reportlab.graphics.shapes import Drawing

from postapp.i18n import format_percent, set_language
from postapp.reports.options import ReportOptions
from postapp.reports.packs import make_pack
from postapp.reports.study import build_study
from postapp.store import open_store
from postapp.survey.analysis import analyse
from postapp.survey.responses import STUDY_FORM_ID, form_of, latest_form
from tests.reports.conftest import pages_text


def test_study_report_figures_and_synthetic_marking(demo_store, tmp_path):
    out = tmp_path / "study.pdf"
    with demo_store.read() as session:
        make_pack("study", session, ReportOptions(language="en"), out)
        analysis = analyse(session, form_of(latest_form(session, STUDY_FORM_ID)), language="en")
    assert analysis.is_synthetic and analysis.respondents == 140
    pages = pages_text(out)
    assert "SYNTHETIC DATA" in pages[0]  # the banner on the cover
    for page in pages[1:]:
        assert "SYNTHETIC DATA" in page  # and the running header
    text = " ".join(pages)
    set_language("en")
    share = format_percent(analysis.all_three.share)
    assert (f"Clear, workable and user-friendly {share} {analysis.all_three.positive} of "
            f"{analysis.all_three.total}") in text
    for title in ("Summary", "Ratings per core task", "Share rated 4 or 5, per core task and measure",
                  "Extra actions by activity of Dutch business", "Support wished for", "Interviews", "Open answers"):
        assert title in text, title
    top = analysis.support_wished[0]
    assert re.search(rf"1 {re.escape(top.label)} {top.count} ", text)
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_study_report_has_three_charts(demo_store):
    with demo_store.read() as session:
        content = build_study(session, ReportOptions(language="en"))
    assert sum(isinstance(f, Drawing) for f in content.story) >= 3
    assert content.synthetic_notice.startswith("SYNTHETIC DATA")


def test_a_store_without_responses_says_nothing_recorded_and_is_not_marked(tmp_path):
    store = open_store(tmp_path / "empty.sqlite3")
    try:
        out = tmp_path / "study.pdf"
        with store.read() as session:
            make_pack("study", session, ReportOptions(language="en"), out)
    finally:
        store.close()
    text = " ".join(pages_text(out))
    assert text.count("Nothing recorded yet.") == 7
    assert "SYNTHETIC" not in text
