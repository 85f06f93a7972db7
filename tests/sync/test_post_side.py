"""The post's side: what goes into a bundle (and what never does), resending, acknowledgements, and
applying HQ's bundles all or nothing, once."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from postapp import demo, guidelines
from postapp.conditions import risk_data
from postapp.coretasks import CoreTask
from postapp.domain import Activity, ActivityKind, Person
from postapp.errors import PostAppError
from postapp.survey import interviews, responses
from postapp.survey.models import OutboxEntry, StoredForm
from postapp.sync import bundle as fmt
from postapp.sync import examples
from postapp.sync.bundle import Record
from postapp.sync.canonical import canonical_json
from postapp.sync.enrolment import require_state
from postapp.sync.errors import BundleError
from postapp.sync.models import ExampleSource, ExampleStatus, GoodExample, SyncBundle
from postapp.sync.post_side import (
    acknowledge,
    apply_incoming,
    monthly_counts,
    next_bundle,
    pending_bundles,
    status,
)
from tests.survey.study import complete_answers, study_form_variant, submit_response
from tests.sync.conftest import Post
from tests.sync.helpers import (
    example_record,
    form_record,
    guideline_record,
    hq_pair,
    open_at_hq,
    other_pair,
    risk_record,
    to_post,
)


def bundle_records(post: Post, data: bytes) -> list[Record]:
    return open_at_hq(data, post.keys.public()).records


def of_type(records: list[Record], kind: str) -> list[Record]:
    return [r for r in records if r.type == kind]


def fill_outbox(post: Post) -> dict[str, uuid.UUID]:
    """One of each: sent (submitted, final, proposed) and not sent (draft) records, all queued."""
    with post.store.session() as session:
        submitted = submit_response(session, complete_answers())
        draft = submit_response(session, complete_answers(), submit=False)
        responses.queue(session, responses.RESPONSE_RECORD, draft)  # queued by mistake: must still not travel
        note = interviews.save_note(session, post_code="HAN", held_on=dt.date.today(), themes=["awareness"]
                                    if interviews.load_guide().theme("awareness") else
                                    [interviews.load_guide().themes[0].code], notes="What we heard")
        interviews.finalise(session, note.id)
        draft_note = interviews.save_note(session, post_code="HAN", held_on=dt.date.today(), notes="draft")
        responses.queue(session, interviews.INTERVIEW_RECORD, draft_note.id)
        proposed = examples.save_example(session, post_code="HAN", core_task=CoreTask.SUPPORT,
                                         title="Due diligence clinic", summary="Monthly clinic", country="vn")
        examples.propose(session, proposed.id)
        draft_example = examples.save_example(session, post_code="HAN", core_task=CoreTask.AGENDA, title="Draft")
        responses.queue(session, fmt.GOOD_EXAMPLE, draft_example.id)
        return {"submitted": submitted, "draft": draft, "note": note.id, "draft_note": draft_note.id,
                "proposed": proposed.id, "draft_example": draft_example.id}


def test_next_bundle_carries_what_is_final_and_nothing_else(post: Post) -> None:
    ids = fill_outbox(post)
    with post.store.session() as session:
        made = next_bundle(session, post.keys)
    assert made is not None
    seq, data = made
    assert seq == 1
    opened = open_at_hq(data, post.keys.public())
    assert opened.header.direction == "to_hq" and opened.header.post_code == "HAN" and opened.header.seq == 1
    records = opened.records
    assert [r.id for r in of_type(records, "survey_response")] == [str(ids["submitted"])]
    assert of_type(records, "survey_response")[0].data["answers"]["region"] == "africa"
    assert [r.id for r in of_type(records, "interview_note")] == [str(ids["note"])]
    assert of_type(records, "interview_note")[0].data["notes"] == "What we heard"
    example = of_type(records, "good_example")
    assert [r.id for r in example] == [str(ids["proposed"])]
    assert example[0].data["title"] == "Due diligence clinic" and example[0].data["country"] == "VN"
    counts = of_type(records, "activity_counts")
    assert len(counts) == 24 and counts[-1].id == f"HAN:{dt.date.today():%Y-%m}"
    assert {r.type for r in records} <= fmt.TO_HQ_TYPES
    for draft in ("draft", "draft_note", "draft_example"):
        assert str(ids[draft]) not in json.dumps(opened.payload)
    assert opened.acks == []
    with post.store.session() as session:
        assert next_bundle(session, post.keys) is None  # nothing new
        assert require_state(session).next_seq == 2


def test_pending_bundles_are_resent_as_they_are_until_acknowledged(post: Post) -> None:
    fill_outbox(post)
    with post.store.session() as session:
        first = next_bundle(session, post.keys)
        submit_response(session, complete_answers(region="asia_oceania"))
        second = next_bundle(session, post.keys)
    assert first is not None and second is not None
    assert (first[0], second[0]) == (1, 2)
    assert len(of_type(bundle_records(post, second[1]), "survey_response")) == 1
    with post.store.read() as session:
        assert [(b.seq, b.data) for b in pending_bundles(session)] == [first, second]
        assert status(session).pending_bundles == 2 and status(session).waiting_entries == 3  # the drafts
    with post.store.session() as session:
        assert acknowledge(session, 1) is True
        assert acknowledge(session, 1) is False  # twice is harmless
        assert acknowledge(session, 99) is False
    with post.store.read() as session:
        assert [b.seq for b in pending_bundles(session)] == [2]
        acked = session.scalars(select(OutboxEntry).where(OutboxEntry.acknowledged_at.is_not(None))).all()
        assert len(acked) == 3  # response, note and example of bundle 1; not the drafts, not bundle 2's
        found = status(session)
        assert found.pending_bundles == 1 and found.last_acknowledged_at is not None


def test_activity_counts_only_when_changed_and_never_persons(post: Post) -> None:
    with post.store.session() as session:
        demo.fill(session, 200)
        submit_response(session, complete_answers(remarks="Met the union people"))
        made = next_bundle(session, post.keys)
        persons = session.execute(select(Person.name, Person.email, Person.phone)).all()
        expected = monthly_counts(session)
    assert made is not None and len(persons) == 200
    opened = open_at_hq(made[1], post.keys.public())
    text = canonical_json(opened.payload).decode()
    for name, email, phone in persons:
        assert name not in text
        if email:
            assert email not in text
        assert phone not in text
    assert "person" not in {r.type for r in opened.records}
    counts = {r.data["month"]: r.data["counts"] for r in of_type(opened.records, "activity_counts")}
    assert counts == expected
    assert sum(sum(c.values()) for c in counts.values()) > 0
    assert all(set(c) == {t.value for t in CoreTask} for c in counts.values())
    with post.store.session() as session:
        assert next_bundle(session, post.keys) is None
        session.add(Activity(core_task=CoreTask.AGENDA, kind=ActivityKind.MEETING, title="Round table",
                             date=dt.date.today(), post_code="HAN"))
        session.flush()
        again = next_bundle(session, post.keys)
    assert again is not None
    changed = bundle_records(post, again[1])
    assert [r.id for r in changed] == [f"HAN:{dt.date.today():%Y-%m}"]
    assert changed[0].data["counts"]["agenda"] == expected[f"{dt.date.today():%Y-%m}"]["agenda"] + 1


def test_monthly_counts_window() -> None:
    from postapp.sync.post_side import _months

    assert _months(dt.date(2026, 2, 14))[0] == "2024-03" and _months(dt.date(2026, 2, 14))[-1] == "2026-02"
    assert len(set(_months(dt.date(2026, 12, 31)))) == 24


def test_not_enrolled_is_a_message(store: object, tmp_path: Path) -> None:
    from postapp.store import Store
    from postapp.sync import keys

    assert isinstance(store, Store)
    with store.session() as session, pytest.raises(PostAppError, match="not enrolled"):
        next_bundle(session, keys.generate())
    with store.read() as session:
        assert status(session).enrolled is False


# ---- from HQ -------------------------------------------------------------------------------------------


def full_hq_bundle(post: Post, seq: int = 1, acks: tuple[int, ...] = ()) -> tuple[bytes, str]:
    example_id = str(uuid.uuid4())
    records = [form_record(study_form_variant(version="2027.1"), "imvo_guidelines_study", "2027.1"),
               example_record(example_id), guideline_record("awareness"), risk_record()]
    return to_post(records, seq, post.keys.public(), acks=acks), example_id


def snapshot(post: Post) -> tuple[object, ...]:
    with post.store.read() as session:
        state = require_state(session)
        return (state.last_applied_hq_seq, session.scalar(select(func.count()).select_from(GoodExample)),
                sorted(session.scalars(select(StoredForm.version))),
                [(b.seq, b.acknowledged_at) for b in session.scalars(select(SyncBundle))],
                sorted(str(p.relative_to(post.overrides)) for p in post.overrides.rglob("*"))
                if post.overrides.exists() else [])


def test_apply_a_bundle_from_hq(post: Post) -> None:
    with post.store.session() as session:
        next_bundle(session, post.keys)  # our bundle 1, acknowledged by HQ's bundle below
    data, example_id = full_hq_bundle(post, acks=(1,))
    with post.store.session() as session:
        result = apply_incoming(session, data, post.keys, overrides=post.overrides)
    assert result.seq == 1 and not result.already_applied
    assert result.applied == {"survey_form": 1, "good_example": 1, "guideline": 1, "risk_profiles": 1}
    assert result.acknowledged == (1,)
    with post.store.read() as session:
        example = session.get(GoodExample, uuid.UUID(example_id))
        assert example is not None
        assert (example.source, example.status, example.post_code) == (ExampleSource.HQ, ExampleStatus.APPROVED,
                                                                       "NAI")
        assert responses.find_form(session, "imvo_guidelines_study", "2027.1") is not None
        assert require_state(session).last_applied_hq_seq == 1
        assert pending_bundles(session) == []
    guideline = guidelines.load(CoreTask.AWARENESS, post.overrides / "guidelines")
    assert guideline.title["en"].endswith("(from HQ)")
    assert risk_data.load(post.overrides / "risk" / "risk_profiles.json").version.endswith("-hq")
    # the shipped resources are untouched
    assert not guidelines.load(CoreTask.AWARENESS).title["en"].endswith("(from HQ)")


def test_the_same_or_an_older_bundle_is_applied_once(post: Post) -> None:
    data, _id = full_hq_bundle(post)
    with post.store.session() as session:
        apply_incoming(session, data, post.keys, overrides=post.overrides)
    before = snapshot(post)
    with post.store.session() as session:
        again = apply_incoming(session, data, post.keys, overrides=post.overrides)
    assert again.already_applied and again.seq == 1 and again.record_count == 0
    second = to_post([example_record(str(uuid.uuid4()), "Second")], 2, post.keys.public())
    with post.store.session() as session:
        apply_incoming(session, second, post.keys, overrides=post.overrides)
        replay = apply_incoming(session, data, post.keys, overrides=post.overrides)
    assert replay.already_applied
    after = snapshot(post)
    assert after[0] == 2 and after[1] == before[1] + 1  # type: ignore[operator]
    assert after[2] == before[2]


def test_a_gap_in_the_sequence_is_refused(post: Post) -> None:
    data = to_post([example_record(str(uuid.uuid4()))], 2, post.keys.public())
    before = snapshot(post)
    with post.store.session() as session, pytest.raises(BundleError, match="bundle 1 has not arrived"):
        apply_incoming(session, data, post.keys, overrides=post.overrides)
    assert snapshot(post) == before


@pytest.mark.parametrize("bad", [
    Record(fmt.GUIDELINE, "awareness", {"task": "awareness", "title": {"en": "no tools"}}),
    Record(fmt.GUIDELINE, "../../etc", {"task": "../../etc"}),
    Record(fmt.RISK_PROFILES, "risk_profiles", {"profiles": "nope"}),
    Record(fmt.SURVEY_FORM, "x", {"form_id": "x", "version": "1", "xlsx_b64": "bm90IGFuIHhsc3g="}),
    Record(fmt.SURVEY_FORM, "x", {"form_id": "x", "version": "1", "xlsx_b64": "***"}),
    Record(fmt.GOOD_EXAMPLE, "not-a-uuid", {"core_task": "awareness", "title": "x"}),
    Record(fmt.GOOD_EXAMPLE, str(uuid.uuid4()), {"core_task": "sleeping", "title": "x"}),
    Record(fmt.GOOD_EXAMPLE, str(uuid.uuid4()), {"core_task": "awareness", "title": ""}),
    Record("person", str(uuid.uuid4()), {"name": "x"}),
])
def test_a_failure_mid_way_applies_nothing(post: Post, bad: Record) -> None:
    with post.store.session() as session:
        next_bundle(session, post.keys)
    before = snapshot(post)
    good = [form_record(study_form_variant(version="2027.1"), "imvo_guidelines_study", "2027.1"),
            example_record(str(uuid.uuid4())), guideline_record("support"), risk_record()]
    data = to_post([*good, bad], 1, post.keys.public(), acks=(1,))
    with post.store.session() as session, pytest.raises(BundleError) as caught:
        apply_incoming(session, data, post.keys, overrides=post.overrides)
    assert "5" in str(caught.value) or "does not know" in str(caught.value)
    assert snapshot(post) == before
    # the caller's transaction goes on, but the bundle left nothing behind in it either
    with post.store.session() as session:
        with pytest.raises(BundleError):
            apply_incoming(session, data, post.keys, overrides=post.overrides)
        assert session.scalar(select(func.count()).select_from(GoodExample)) == 0
    assert snapshot(post) == before


def test_a_file_that_cannot_be_written_applies_nothing(post: Post, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    data, _id = full_hq_bundle(post)
    before = snapshot(post)
    with post.store.session() as session, pytest.raises(PostAppError, match="could not be saved"):
        apply_incoming(session, data, post.keys, overrides=blocked)
    assert snapshot(post) == before


def test_bundles_from_elsewhere_are_refused(post: Post) -> None:
    before = snapshot(post)
    cases = [
        (to_post([], 1, post.keys.public(), hq=other_pair()), "known keys of headquarters hq-nl"),  # another key
        (to_post([], 1, post.keys.public(), hq=other_pair(), hq_id="hq-be"), "meant for headquarters hq-be"),
        (to_post([], 1, post.keys.public(), post_code="NAI"), "meant for post NAI, not for HAN"),
        (to_post([], 1, other_pair().public()), "encrypted for another recipient"),
        (fmt.seal(fmt.make_payload([]), direction=fmt.TO_HQ, hq_id="hq-nl", post_code="HAN", seq=1, sender=post.keys,
                  recipient=hq_pair().public()), "made by a post for headquarters"),
        (b"PAB1\x00\x00\x01\x00" + bytes(10), "truncated"),
    ]
    for data, message in cases:
        with post.store.session() as session, pytest.raises(BundleError, match=message):
            apply_incoming(session, data, post.keys, overrides=post.overrides)
    assert snapshot(post) == before


def test_an_approved_example_of_our_own_comes_back_approved(post: Post) -> None:
    with post.store.session() as session:
        mine = examples.save_example(session, post_code="HAN", core_task=CoreTask.SUPPORT, title="Clinic")
        examples.propose(session, mine.id)
        with pytest.raises(PostAppError):
            examples.save_example(session, example_id=mine.id, post_code="HAN", core_task=CoreTask.SUPPORT,
                                  title="Changed")
        next_bundle(session, post.keys)
    record = example_record(str(mine.id), "Clinic (edited by HQ)")
    with post.store.session() as session:
        apply_incoming(session, to_post([record], 1, post.keys.public(), acks=(1,)), post.keys,
                       overrides=post.overrides)
    with post.store.read() as session:
        found = session.get(GoodExample, mine.id)
        assert found is not None and found.status is ExampleStatus.APPROVED and found.title == "Clinic (edited by HQ)"
        assert session.scalar(select(func.count()).select_from(GoodExample)) == 1
