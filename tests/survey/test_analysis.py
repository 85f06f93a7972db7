"""The study's analysis on a small dataset whose figures were counted by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from postapp.errors import PostAppError
from postapp.survey import analysis, responses
from postapp.survey.analysis import Share, analyse
from postapp.survey.form import Form
from postapp.survey.models import SurveyResponse
from tests.survey.study import complete_answers, submit_response


@pytest.fixture
def hand_counted(store):
    """Four submitted responses, one draft and one deleted response (neither counted).

    | resp | region | activity | overall (c,w,u) | tasks (c,w,u)        | extra actions     |
    | R1   | africa | low      | 5 4 4           | 4 4 4                | none              |
    | R2   | africa | high     | 4 3 5           | 5 2 4                | taken             |
    | R3   | europe | high     | 2 2 2           | 3 3 3, agenda c=5    | planned_and_taken |
    | R4   | europe | medium   | 5 5 5           | 5 5 5                | planned           |
    """
    with store.session() as session:
        submit_response(session, complete_answers(
            overall=(5, 4, 4), tasks=4, region="africa", business_activity="low",
            support_wished=("good_examples", "training"), remarks="Shorter texts, please."), post_code="P1")
        submit_response(session, complete_answers(
            overall=(4, 3, 5), tasks=(5, 2, 4), region="africa", business_activity="high", extra_actions="taken",
            actions_which=("imvo_sessions",), support_wished=("good_examples",),
            # Hidden by the skip logic (no "other" among the actions): dropped at submit, never counted.
            actions_other="should not count"), post_code="P2")
        submit_response(session, complete_answers(
            overall=(2, 2, 2), tasks=3, region="europe", business_activity="high",
            extra_actions="planned_and_taken", actions_which=("imvo_sessions", "company_advice"),
            clarity_agenda="5"), post_code="P3")
        submit_response(session, complete_answers(
            overall=(5, 5, 5), tasks=5, region="europe", business_activity="medium", extra_actions="planned",
            actions_which=("other",), actions_other="Webinar with the chamber of commerce",
            support_wished=("templates", "good_examples")), post_code="P4")
        submit_response(session, complete_answers(overall=(1, 1, 1)), post_code="P5", submit=False)
        deleted = submit_response(session, complete_answers(overall=(1, 1, 1)), post_code="P6")
        session.execute(update(SurveyResponse).where(SurveyResponse.id == deleted).values(
            deleted_at=SurveyResponse.created_at))
        form = responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
    return store, form


def test_shares_per_measure_all_three_and_per_task(hand_counted):
    store, form = hand_counted
    with store.read() as session:
        result = analyse(session, form, language="en")
    assert result.respondents == 4
    assert result.synthetic == 0 and not result.is_synthetic
    assert result.measures == {"clarity": Share(3, 4), "workability": Share(2, 4), "usability": Share(3, 4)}
    assert result.all_three == Share(2, 4)
    assert result.all_three.share == 0.5
    assert result.per_task[("expertise", "clarity")] == Share(3, 4)
    assert result.per_task[("agenda", "clarity")] == Share(4, 4)
    assert result.per_task[("support", "workability")] == Share(2, 4)
    assert result.per_task[("conditions", "usability")] == Share(3, 4)
    assert result.per_task_all_three == {task: Share(2, 4) for task in analysis.TASKS}


def test_breakdowns_by_region_and_business_activity(hand_counted):
    store, form = hand_counted
    with store.read() as session:
        result = analyse(session, form, language="en")
    regions = {(b.value, b.respondents, b.all_three, b.extra_actions) for b in result.by_region}
    assert regions == {("africa", 2, Share(1, 2), Share(1, 2)), ("europe", 2, Share(1, 2), Share(2, 2))}
    assert [(b.value, b.respondents, b.all_three, b.extra_actions) for b in result.by_activity] == [
        ("low", 1, Share(1, 1), Share(0, 1)), ("medium", 1, Share(1, 1), Share(1, 1)),
        ("high", 2, Share(0, 2), Share(2, 2))]
    assert [b.label for b in result.by_activity] == [
        form.choice_label("levels", level, "en") for level in ("low", "medium", "high")]


def test_extra_actions_support_ranking_and_open_answers(hand_counted):
    store, form = hand_counted
    with store.read() as session:
        result = analyse(session, form, language="en")
    assert result.extra_actions == Share(3, 4)
    assert [(c.value, c.count) for c in result.action_status] == [
        ("none", 1), ("planned", 1), ("taken", 1), ("planned_and_taken", 1)]
    assert [(c.value, c.count) for c in result.actions_taken] == [
        ("imvo_sessions", 2), ("company_advice", 1), ("other", 1)]
    assert [(c.value, c.count) for c in result.support_wished] == [
        ("good_examples", 3), ("training", 1), ("templates", 1)]
    assert result.support_respondents == 3
    assert {(a.question, a.post_code, a.text) for a in result.open_answers} == {
        ("remarks", "P1", "Shorter texts, please."), ("actions_other", "P4", "Webinar with the chamber of commerce")}


def test_selection_by_post_and_labels_in_dutch(hand_counted):
    store, form = hand_counted
    with store.read() as session:
        only_two = analyse(session, form, post_codes=["P1", "P3"], language="nl")
        real_only = analyse(session, form, synthetic=False)
        none = analyse(session, form, synthetic=True)
    assert only_two.respondents == 2
    assert only_two.all_three == Share(1, 2)
    assert only_two.by_activity[0].label == form.choice_label("levels", "low", "nl")
    assert form.choice_label("levels", "low", "nl") != form.choice_label("levels", "low", "en")
    assert real_only.respondents == 4
    assert none.respondents == 0 and none.all_three == Share(0, 0) and none.all_three.share is None


def test_interview_themes_are_counted(hand_counted):
    import datetime as dt

    from postapp.survey import interviews

    store, form = hand_counted
    with store.session() as session:
        first = interviews.save_note(session, post_code="P1", held_on=dt.date(2026, 11, 2),
                                     themes=["clarity", "support_needs"],
                                     quotes=[{"theme": "clarity", "text": "Clear enough."}])
        interviews.finalise(session, first.id)
        second = interviews.save_note(session, post_code="P2", held_on=dt.date(2026, 11, 3),
                                      themes=["support_needs"])
        interviews.finalise(session, second.id)
        interviews.save_note(session, post_code="P3", held_on=dt.date(2026, 11, 4), themes=["clarity"])  # draft
    with store.read() as session:
        result = analyse(session, form, language="en")
    assert result.interviews == 2
    assert [(c.value, c.count) for c in result.interview_themes] == [("support_needs", 2), ("clarity", 1)]
    assert [q.text for q in result.interview_quotes] == ["Clear enough."]


def test_a_form_without_the_study_questions_is_refused():
    form = Form(form_id="other", version="1", titles={}, default_language="", languages=(), children=(),
                choices={})
    with pytest.raises(PostAppError, match="overall_clarity"):
        analysis.check_form(form)
