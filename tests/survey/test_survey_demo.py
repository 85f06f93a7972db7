"""The synthetic study round: valid answers, marked synthetic everywhere, real answers untouched."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from postapp.errors import PostAppError
from postapp.survey import answering, demo, export, responses
from postapp.survey.analysis import analyse
from postapp.survey.models import InterviewNote, SurveyResponse
from tests.survey.study import complete_answers, submit_response


def test_every_synthetic_response_passes_the_forms_rules(store):
    with store.session() as session:
        assert demo.generate_round(session, 140, seed=7) == 140
    with store.read() as session:
        form = responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
        drawn = session.scalars(select(SurveyResponse)).all()
        assert len(drawn) == 140
        for response in drawn:
            answers = responses.answers_of(session, response)
            assert answering.problems(form, answers, "en") == {}, response.post_code
            assert answering.kept_answers(form, answers) == answers
            assert response.synthetic and response.post_code.startswith("SYN")


def test_the_round_resembles_the_study_and_says_it_is_synthetic(store):
    with store.session() as session:
        demo.generate_round(session, 1000, seed=3)
    with store.read() as session:
        form = responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
        result = analyse(session, form, language="en")
    assert result.respondents == 1000 and result.synthetic_responses == 1000
    assert result.synthetic == 1000 + result.interviews > 1000
    assert 0.70 <= (result.all_three.share or 0) <= 0.90  # "nearly 80%"
    levels = {b.value: b.extra_actions.share or 0 for b in result.by_activity}
    assert levels["low"] < levels["medium"] < levels["high"]  # engagement follows Dutch business
    assert (result.extra_actions.share or 0) > 0.5  # most planned or took extra actions
    assert "good_examples" in [c.value for c in result.support_wished]
    notice = export.synthetic_notice(result)
    assert "SYNTHETIC" in notice
    assert export.headline(result)[0] == notice
    table = list(csv.reader(io.StringIO(export.to_csv(result).decode("utf-8-sig"))))
    assert table[0][-1] == "data" and table[1][1] == notice
    assert {row[-1] for row in table[1:]} == {"synthetic"}
    sheet = load_workbook(io.BytesIO(export.to_xlsx(result))).active
    assert sheet is not None and sheet["A1"].value == notice


def test_a_new_round_replaces_the_old_one_and_keeps_real_answers(store):
    with store.session() as session:
        submit_response(session, complete_answers(), post_code="HAN")
        demo.generate_round(session, 50)
        demo.generate_round(session, 20, seed=9)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 21
        assert session.scalar(select(func.count()).where(SurveyResponse.synthetic.is_(False))) == 1
        assert session.scalar(select(func.count()).select_from(InterviewNote).where(
            InterviewNote.synthetic.is_(False))) == 0
        form = responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
        assert analyse(session, form, synthetic=False).respondents == 1


def test_the_number_of_posts_is_checked(store):
    with store.session() as session, pytest.raises(PostAppError, match="20"):
        demo.generate_round(session, 0)


def test_export_refuses_other_suffixes_and_never_leaves_half_a_file(store, tmp_path):
    with store.session() as session:
        demo.generate_round(session, 30)
    with store.read() as session:
        form = responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
        result = analyse(session, form)
    with pytest.raises(PostAppError, match=r"\.csv or \.xlsx"):
        export.export(result, tmp_path / "a.pdf")
    missing_folder = tmp_path / "no such folder" / "a.csv"
    with pytest.raises(PostAppError, match="Could not write"):
        export.export(result, missing_folder)
    target = tmp_path / "analysis.xlsx"
    export.export(result, target)
    assert load_workbook(target).active is not None
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".postapp-")] == []


def test_exports_never_turn_typed_text_into_formulas(store):
    from tests.survey.study import submit_response as submit

    with store.session() as session:
        submit(session, complete_answers(remarks='=HYPERLINK("http://evil.invalid","x")\x0b'), post_code="P1")
    with store.read() as session:
        form = responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
        result = analyse(session, form)
    assert result.open_answers[0].text.startswith("=HYPERLINK")  # kept as typed, control character removed
    assert "\x0b" not in result.open_answers[0].text
    table = list(csv.reader(io.StringIO(export.to_csv(result).decode("utf-8-sig"))))
    assert any(row[1].startswith("'=HYPERLINK") for row in table)
    sheet = load_workbook(io.BytesIO(export.to_xlsx(result))).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)
             and "HYPERLINK" in cell.value]
    assert cells and all(cell.data_type == "s" and cell.value.startswith("'") for cell in cells)
