"""Questionnaire versions in the store and a response's life: drafts, submit, lock, queue, set aside."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import uuid

import pytest
from sqlalchemy import func, select

from postapp.errors import PostAppError, ValidationError
from postapp.survey import responses
from postapp.survey.models import OutboxEntry, ResponseStatus, StoredForm, SurveyResponse
from postapp.survey.xlsform import FormError
from tests.survey.study import complete_answers, study_form_variant, submit_response


def test_the_shipped_study_form_imports_once(store):
    with store.session() as session:
        first = responses.ensure_study_form(session)
        again = responses.ensure_study_form(session)
        assert first.id == again.id
        assert session.scalar(select(func.count()).select_from(StoredForm)) == 1
        form = responses.form_of(first)
    assert form.form_id == "imvo_guidelines_study"
    assert set(form.languages) == {"nl", "en"}


def test_versions_older_than_an_answered_one_are_refused(store):
    with store.session() as session:
        responses.import_form(session, study_form_variant(version="2026.10"))
        submit_response_for(session, "2026.10")
    with store.session() as session, pytest.raises(PostAppError, match=r"older than version 2026\.10"):
        responses.import_form(session, study_form_variant(version="2026.9"))
    with store.session() as session:
        newer = responses.import_form(session, study_form_variant(version="2027.1"))
        assert newer.version == "2027.1"
        assert responses.latest_form(session, "imvo_guidelines_study").version == "2027.1"
        assert responses.version_key("2026.10") > responses.version_key("2026.9")


def test_an_answered_version_cannot_change_but_an_unanswered_one_can(store):
    with store.session() as session:
        responses.import_form(session, study_form_variant(version="5"))
        replaced = responses.import_form(session, study_form_variant(version="5", relabel="Where?"))
        assert responses.form_of(replaced).label(responses.form_of(replaced).question("region"), "en") == "Where?"
        submit_response_for(session, "5")
    with store.session() as session, pytest.raises(PostAppError, match="new version"):
        responses.import_form(session, study_form_variant(version="5", relabel="Which region?"))


def test_a_refused_form_stores_nothing(store):
    with store.session() as session, pytest.raises(FormError):
        responses.import_form(session, b"not a spreadsheet")
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(StoredForm)) == 0


def submit_response_for(session, version: str) -> uuid.UUID:
    record = responses.find_form(session, "imvo_guidelines_study", version)
    assert record is not None
    response = responses.start_response(session, record, post_code="HAN")
    responses.save_answers(session, response.id, complete_answers())
    responses.submit(session, response.id, "en")
    return response.id


def test_drafts_keep_answers_and_submit_reports_every_blocking_field(store):
    with store.session() as session:
        rid = submit_response(session, {"region": "asia_oceania", "imvo_fte": 99.0}, submit=False)
    with store.session() as session, pytest.raises(ValidationError) as refused:
        responses.submit(session, rid, "en")
    errors = refused.value.errors
    with store.read() as session:
        form = responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
    assert errors["imvo_fte"] == form.question("imvo_fte").constraint_messages["en"]
    assert {"business_activity", "role", "overall_clarity", "clarity_expertise", "extra_actions"} <= set(errors)
    assert "region" not in errors
    with store.read() as session:
        response = responses.get_response(session, rid)
        assert response.status is ResponseStatus.DRAFT
        assert responses.answers_of(session, response) == {"region": "asia_oceania", "imvo_fte": 99.0}
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == 0


def test_submit_locks_queues_and_drops_hidden_answers(store):
    with store.session() as session:
        rid = submit_response(session, complete_answers(role="other", role_other="Trade adviser"), submit=False)
        responses.save_answers(session, rid, {"role": "head_of_post"})  # role_other now hidden
        responses.submit(session, rid, "en")
    with store.read() as session:
        response = responses.get_response(session, rid)
        answers = responses.answers_of(session, response)
        queued = session.scalars(select(OutboxEntry)).all()
    assert response.status is ResponseStatus.SUBMITTED and response.submitted_at is not None
    assert "role_other" not in answers and answers["role"] == "head_of_post"
    assert [(q.record_type, q.record_id) for q in queued] == [("survey_response", rid)]
    with store.session() as session, pytest.raises(PostAppError, match="submitted"):
        responses.save_answers(session, rid, {"remarks": "too late"})
    with store.session() as session, pytest.raises(PostAppError, match="submitted"):
        responses.submit(session, rid, "en")


def test_answers_round_trip_in_their_types(store):
    with store.session() as session:
        rid = submit_response(session, complete_answers(
            imvo_fte=1.5, extra_actions="taken", actions_which=("staff_training", "imvo_sessions")), submit=False)
    with store.read() as session:
        answers = responses.answers_of(session, responses.get_response(session, rid))
        stored = session.get(SurveyResponse, rid).answers
    assert answers["imvo_fte"] == 1.5
    # Stored in the order of the choice list, whatever order they were ticked in.
    assert answers["actions_which"] == ("imvo_sessions", "staff_training")
    # Stored as JSON values: a number as a number, a select_multiple as a list.
    assert stored["imvo_fte"] == 1.5 and stored["overall_clarity"] == "4"
    assert stored["actions_which"] == ["imvo_sessions", "staff_training"]


def test_unknown_question_is_refused_and_nothing_is_written(store):
    with store.session() as session:
        rid = submit_response(session, {"region": "europe"}, submit=False)
    with store.session() as session, pytest.raises(ValidationError, match="no question"):
        responses.save_answers(session, rid, {"region": "africa", "nonsense": "x"})
    with store.read() as session:
        assert responses.answers_of(session, responses.get_response(session, rid)) == {"region": "europe"}


def test_received_responses_are_taken_in_once_or_set_aside(store):
    with store.session() as session:
        responses.ensure_study_form(session)
        good = {"id": str(uuid.uuid4()), "form_id": "imvo_guidelines_study", "form_version": "2026.1",
                "post_code": "NBO", "answers": {**complete_answers(imvo_fte=None), "imvo_fte": 2.5,
                                                "extra_actions": "taken", "actions_which": ["imvo_sessions"]}}
        taken = responses.receive(session, good)
        again = responses.receive(session, good)
        unknown = responses.receive(session, {**good, "id": str(uuid.uuid4()), "form_version": "2030.1"})
        broken = responses.receive(session, {**good, "id": str(uuid.uuid4()), "answers": {"region": "mars"}})
    assert taken.id == again.id and taken.status is ResponseStatus.SUBMITTED
    assert unknown.status is ResponseStatus.SET_ASIDE and "2030.1" in unknown.set_aside_reason
    assert unknown.payload is not None and unknown.payload["answers"]["region"] == "africa"
    assert broken.status is ResponseStatus.SET_ASIDE and "mars" in broken.set_aside_reason
    with store.read() as session:
        assert responses.answers_of(session, responses.get_response(session, taken.id))["imvo_fte"] == 2.5
        assert session.get(SurveyResponse, broken.id).answers == {}
        exported = responses.export_payload(session, responses.get_response(session, taken.id))
    assert exported["answers"]["actions_which"] == ["imvo_sessions"]  # type: ignore[index]


def test_a_draft_survives_the_process_being_killed(tmp_path):
    """The saved answers of a draft are on disk; the save that was under way when the process died is not
    half there, and the store passes SQLite's integrity check."""
    db = tmp_path / "post.sqlite3"
    script = textwrap.dedent(f"""
        import os, signal
        from postapp.store import open_store
        from postapp.survey import responses
        store = open_store({str(db)!r})
        with store.session() as session:
            record = responses.ensure_study_form(session)
            rid = responses.start_response(session, record, post_code="HAN").id
        with store.session() as session:
            responses.save_answers(session, rid, {{"region": "europe"}}, page=1)
        print(rid, flush=True)
        with store.session() as session:
            responses.save_answers(session, rid, {{"business_activity": "high", "role": "deputy_head"}}, page=2)
            session.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == -signal.SIGKILL, result.stderr
    rid = uuid.UUID(result.stdout.strip())
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    from postapp.store import open_store

    store = open_store(db)
    try:
        with store.read() as session:
            response = responses.get_response(session, rid)
            assert response.page == 1
            assert responses.answers_of(session, response) == {"region": "europe"}
            assert [d.id for d in responses.open_drafts(session)] == [rid]
    finally:
        store.close()


def test_discarded_draft_leaves_the_lists(store):
    with store.session() as session:
        rid = submit_response(session, {"region": "europe"}, submit=False)
        responses.discard_draft(session, rid)
    with store.read() as session:
        assert responses.open_drafts(session) == []
        assert session.get(SurveyResponse, rid).deleted_at <= dt.datetime.now(dt.UTC)


def test_skip_logic_cascades_through_hidden_answers(store):
    """extra_actions "none" hides actions_which; the "other" still ticked in it must then also hide
    actions_other, so that an empty actions_other does not block and its text is not kept."""
    with store.session() as session:
        rid = submit_response(session, complete_answers(
            extra_actions="taken", actions_which=("other",), actions_other="Radio interview"), submit=False)
        responses.save_answers(session, rid, {"extra_actions": "none"})
        form = responses.form_for(session, responses.get_response(session, rid))
        answers = responses.answers_of(session, responses.get_response(session, rid))
        assert "actions_other" in answers  # the draft keeps it, for a change of mind
        from postapp.survey import answering

        assert "actions_other" not in answering.effective_answers(form, answers)
        responses.save_answers(session, rid, {"actions_other": None})
        assert answering.problems(form, responses.answers_of(session, responses.get_response(session, rid)),
                                  "en") == {}
        responses.save_answers(session, rid, {"actions_other": "Radio interview"})
        responses.submit(session, rid, "en")
    with store.read() as session:
        kept = responses.answers_of(session, responses.get_response(session, rid))
    assert "actions_which" not in kept and "actions_other" not in kept and kept["extra_actions"] == "none"


def _payload(**changes: object) -> dict[str, object]:
    answers = {**complete_answers(), "extra_actions": "taken", "actions_which": ["imvo_sessions"]}
    payload: dict[str, object] = {"id": str(uuid.uuid4()), "form_id": "imvo_guidelines_study",
                                  "form_version": "2026.1", "post_code": "NBO", "language": "en",
                                  "started_at": "2026-10-01T08:00:00+00:00",
                                  "submitted_at": "2026-10-01T08:20:00+00:00", "answers": answers}
    payload.update(changes)
    return payload


def test_a_received_response_keeps_its_own_timestamps_and_the_forms_rules_apply(store):
    with store.session() as session:
        responses.ensure_study_form(session)
        kept = responses.receive(session, _payload())
        hidden = _payload()
        hidden["answers"] = {**complete_answers(), "actions_which": ["imvo_sessions"]}  # extra_actions "none"
        with_hidden = responses.receive(session, hidden)
        breaking = _payload()
        breaking["answers"] = {**complete_answers(), "imvo_fte": 99}
        refused = responses.receive(session, breaking)
        no_id = responses.receive(session, _payload(id="not-a-uuid"))
    assert kept.submitted_at == dt.datetime(2026, 10, 1, 8, 20, tzinfo=dt.UTC)
    assert kept.started_at == dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
    assert kept.language == "en" and kept.status is ResponseStatus.SUBMITTED
    assert with_hidden.status is ResponseStatus.SUBMITTED and "actions_which" not in with_hidden.answers
    assert refused.status is ResponseStatus.SET_ASIDE and "imvo_fte" in refused.set_aside_reason
    assert no_id.status is ResponseStatus.SET_ASIDE and no_id.payload is not None
    assert no_id.payload["id"] == "not-a-uuid"


def test_set_aside_responses_are_taken_in_when_their_form_arrives(store):
    with store.session() as session:
        waiting = responses.receive(session, _payload(form_version="2027.1"))
        assert waiting.status is ResponseStatus.SET_ASIDE
        responses.import_form(session, study_form_variant(version="2027.1"))
    with store.read() as session:
        taken = responses.get_response(session, waiting.id)
        assert taken.status is ResponseStatus.SUBMITTED and taken.payload is None
        assert responses.answers_of(session, taken)["actions_which"] == ("imvo_sessions",)


def test_a_workbook_saved_again_is_the_same_form(store):
    """Saving a workbook again changes its bytes (timestamps inside the zip), not its questions: an
    answered version saved again must not be refused, and the study form stays available."""
    with store.session() as session:
        first = responses.ensure_study_form(session)
        submit_response_for(session, first.version)
        again = responses.import_form(session, study_form_variant())
        assert again.id == first.id
        responses.import_form(session, study_form_variant(version="2027.1"))
        assert responses.ensure_study_form(session).version == "2027.1"  # HQ's newer version wins


def test_versions_order_as_people_write_them():
    key = responses.version_key
    assert key("v10") > key("v9")
    assert key("2026.10") > key("2026.9")
    assert key("2026110101") > key("2026103101")
    assert key("1.0-beta") != key("1.0")


def test_a_payload_that_json_cannot_write_strictly_stays_readable(store):
    with store.session() as session:
        odd = responses.receive(session, _payload(form_version="9.9", extra=float("nan"), big=10**30))
    with store.read() as session:
        again = responses.get_response(session, odd.id)
        assert again.payload is not None and again.payload["big"] == 10**30
        assert responses.open_drafts(session) == []
