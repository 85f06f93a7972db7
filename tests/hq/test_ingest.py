"""Taking in posts' bundles into a real PostgreSQL: exactly once, in order, all or nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from postapp.hq import ingest as ingest_module
from postapp.hq.errors import RefusedBundleError, UnknownPostError
from postapp.hq.ingest import ingest
from postapp.hq.models import ExampleStatus, HQActivityCount, HQGoodExample, HQPost
from postapp.hq.posts import activity_by_post, revoke_post
from postapp.hq.store import HQStore
from postapp.survey import analysis, responses
from postapp.survey.models import ResponseStatus, SurveyResponse
from postapp.sync import bundle as fmt
from postapp.sync.bundle import Record
from postapp.sync.errors import BundleError
from postapp.sync.keys import KeyPair
from tests.hq.helpers import HQ_ID, BarePost, LivePost, counts, response_record
from tests.survey.study import study_form_variant


def take(store: HQStore, data: bytes, hq_keys: KeyPair) -> ingest_module.IngestResult:
    with store.session() as session:
        return ingest(session, data, hq_keys, HQ_ID)


def test_round_trip_into_postgresql_gives_the_posts_figures(hq_store: HQStore, hq_keys: KeyPair,
                                                            post: LivePost) -> None:
    post.submit(40, seed=7)
    post.interview("The guideline is clear")
    example_id = post.propose_example()
    data = post.next_bundle()

    result = take(hq_store, data, hq_keys)

    assert hq_store.is_postgresql
    assert (result.responses, result.set_aside, result.notes, result.examples) == (40, 0, 1, 1)
    assert result.pinned_keys and not result.already_received
    assert result.activity_months == 24  # the post sends every month of the last two years once
    with post.store.read() as session:
        form = responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
        at_post = analysis.analyse(session, form, language="en")
    with hq_store.read() as session:
        at_hq = analysis.analyse(session, form, language="en")
        example = session.get(HQGoodExample, example_id)
        hq_post = session.get(HQPost, post.code)
    assert at_hq == at_post
    assert at_hq.respondents == 40 and at_hq.interviews == 1
    assert example is not None and example.status is ExampleStatus.PROPOSED and example.country == "VN"
    assert hq_post is not None and hq_post.last_seq == 1 and hq_post.sign_key == post.keys.public().sign


def test_the_same_bundle_twice_is_taken_in_once(hq_store: HQStore, hq_keys: KeyPair, post: LivePost) -> None:
    post.submit(5)
    post.interview()
    data = post.next_bundle()
    take(hq_store, data, hq_keys)
    before = counts(hq_store)

    again = take(hq_store, data, hq_keys)

    assert again.already_received and again.ack == 1 and again.records == 0
    assert counts(hq_store) == before == (5, 1, 1)


def test_an_old_sequence_number_changes_nothing_and_a_gap_waits(hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("OLD").register(hq_store)
    first = bare.bundle([response_record("OLD")], hq_keys=hq_keys)
    second = bare.bundle([response_record("OLD")], hq_keys=hq_keys)
    third = bare.bundle([response_record("OLD")], hq_keys=hq_keys)
    take(hq_store, first, hq_keys)

    with pytest.raises(BundleError, match="bundle 2 has not arrived"):
        take(hq_store, third, hq_keys)
    assert counts(hq_store) == (1, 0, 1)
    take(hq_store, second, hq_keys)
    take(hq_store, third, hq_keys)
    assert take(hq_store, first, hq_keys).already_received
    # An old number with new content (a post restored from an old backup) is not applied either.
    stale = bare.bundle([response_record("OLD")], hq_keys=hq_keys, seq=2)
    assert take(hq_store, stale, hq_keys).already_received
    assert counts(hq_store) == (3, 0, 3)


def test_the_record_cannot_claim_another_post(hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("OWN").register(hq_store)
    take(hq_store, bare.bundle([response_record("SOMEONE_ELSE")], hq_keys=hq_keys), hq_keys)
    with hq_store.read() as session:
        assert session.scalars(select(SurveyResponse.post_code)).all() == ["OWN"]


def test_unknown_and_revoked_posts_are_refused(hq_store: HQStore, hq_keys: KeyPair) -> None:
    stranger = BarePost("NOBODY")
    with pytest.raises(UnknownPostError, match="NOBODY is not registered"):
        take(hq_store, stranger.bundle([response_record("NOBODY")], hq_keys=hq_keys), hq_keys)
    gone = BarePost("GONE").register(hq_store)
    with hq_store.session() as session:
        revoke_post(session, "GONE")
    with pytest.raises(UnknownPostError, match="GONE has been revoked"):
        take(hq_store, gone.bundle([response_record("GONE")], hq_keys=hq_keys), hq_keys)
    assert counts(hq_store) == (0, 0, 0)


def test_a_bundle_for_another_hq_is_refused(hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("ELSE").register(hq_store)
    with pytest.raises(BundleError, match="meant for headquarters other-hq"):
        take(hq_store, bare.bundle([response_record("ELSE")], hq_keys=hq_keys, hq_id="other-hq"), hq_keys)
    # Encrypted to another HQ's keys, with our name on it: cannot be read here.
    from postapp.sync import keys

    other = keys.generate()
    sealed = fmt.seal(fmt.make_payload([response_record("ELSE")]), direction=fmt.TO_HQ, hq_id=HQ_ID,
                      post_code="ELSE", seq=1, sender=bare.keys, recipient=other.public())
    with pytest.raises(BundleError, match="encrypted for another recipient"):
        take(hq_store, sealed, hq_keys)
    assert counts(hq_store) == (0, 0, 0)
    with hq_store.read() as session:
        assert session.get(HQPost, "ELSE").sign_key is None  # type: ignore[union-attr]  # nothing pinned


def test_other_keys_for_a_pinned_post_are_refused(hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("PIN").register(hq_store)
    take(hq_store, bare.bundle([response_record("PIN")], hq_keys=hq_keys), hq_keys)
    impostor = BarePost("PIN", seq=1)
    with pytest.raises(BundleError, match="signed with other keys"):
        take(hq_store, impostor.bundle([response_record("PIN")], hq_keys=hq_keys), hq_keys)
    assert counts(hq_store) == (1, 0, 1)


def test_a_flipped_bit_anywhere_is_refused(hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("FLIP").register(hq_store)
    data = bare.bundle([response_record("FLIP")], hq_keys=hq_keys)
    positions = sorted({0, 5, 9, 20, len(data) // 2, len(data) - 70, len(data) - 1, *range(9, len(data), 97)})
    with hq_store.session() as session:
        for position in positions:
            damaged = bytearray(data)
            damaged[position] ^= 0x04
            with pytest.raises((BundleError, UnknownPostError)):
                ingest(session, bytes(damaged), hq_keys, HQ_ID)
    assert counts(hq_store) == (0, 0, 0)
    take(hq_store, data, hq_keys)
    assert counts(hq_store) == (1, 0, 1)


def test_a_truncated_bundle_is_refused_at_every_cut(hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("CUT").register(hq_store)
    data = bare.bundle([response_record("CUT")], hq_keys=hq_keys)
    with hq_store.session() as session:
        for cut in range(len(data)):
            with pytest.raises(BundleError) as refused:
                ingest(session, data[:cut], hq_keys, HQ_ID)
            assert str(refused.value)
    assert counts(hq_store) == (0, 0, 0)


def test_a_record_that_cannot_be_read_refuses_the_whole_bundle(hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("BAD").register(hq_store)
    broken = Record(fmt.ACTIVITY_COUNTS, "BAD:2026-13", {"month": "2026-13", "counts": {"awareness": 3}})
    with pytest.raises(RefusedBundleError, match="no valid month"):
        take(hq_store, bare.bundle([response_record("BAD"), broken], hq_keys=hq_keys), hq_keys)
    assert counts(hq_store) == (0, 0, 0)


def test_killed_mid_ingest_leaves_nothing_and_the_retry_succeeds(hq_store: HQStore, hq_keys: KeyPair,
                                                                  post: LivePost,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    post.submit(10, fast=True)
    post.interview()
    data = post.next_bundle()
    real = ingest_module.receive_responses
    inserted: list[int] = []

    def then_die(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # type: ignore[arg-type]
        inserted.append(1)
        raise RuntimeError("server killed")

    monkeypatch.setattr(ingest_module, "receive_responses", then_die)
    with pytest.raises(RuntimeError):
        take(hq_store, data, hq_keys)
    assert inserted
    assert counts(hq_store) == (0, 0, 0)
    with hq_store.read() as session:
        assert session.get(HQPost, post.code).last_seq == 0  # type: ignore[union-attr]
    monkeypatch.setattr(ingest_module, "receive_responses", real)

    assert take(hq_store, data, hq_keys).responses == 10
    assert counts(hq_store) == (10, 1, 1)


def test_a_server_process_killed_mid_ingest(hq_store: HQStore, hq_keys: KeyPair, post: LivePost,
                                            tmp_path: Path) -> None:
    """A real kill (SIGKILL) of a process in the middle of an ingest, after the responses went in."""
    post.submit(20, fast=True)
    bundle_file = tmp_path / "bundle.pab"
    bundle_file.write_bytes(post.next_bundle())
    keys_dir = tmp_path / "hq-keys"
    from postapp.sync import keys

    keys.save(hq_keys, keys_dir)
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from postapp.hq import ingest as m
        from postapp.hq.store import open_hq_store
        from postapp.sync import keys
        real = m.receive_responses
        def slow(*args, **kwargs):
            real(*args, **kwargs)
            args[0].flush()
            print("inserted", flush=True)
            time.sleep(60)
        m.receive_responses = slow
        store = open_hq_store({hq_store.url.render_as_string(hide_password=False)!r})
        with store.session() as session:
            m.ingest(session, Path({str(bundle_file)!r}).read_bytes(), keys.load(Path({str(keys_dir)!r})),
                     {HQ_ID!r})
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[2], env={**os.environ, "PYTHONPATH": "."})
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "inserted"
    finally:
        process.kill()
        process.wait(timeout=30)
    assert counts(hq_store) == (0, 0, 0)

    assert take(hq_store, bundle_file.read_bytes(), hq_keys).responses == 20
    assert counts(hq_store) == (20, 0, 1)


def test_unknown_questionnaire_versions_are_kept_aside_until_published(hq_store: HQStore, hq_keys: KeyPair) -> None:
    from postapp.hq.outgoing import publish_form

    bare = BarePost("NEW").register(hq_store)
    result = take(hq_store, bare.bundle([response_record("NEW", form_version="2099.1")], hq_keys=hq_keys), hq_keys)
    assert result.set_aside == 1 and "not known here" in result.messages[0]
    with hq_store.session() as session:
        publish_form(session, study_form_variant(version="2099.1"))
    with hq_store.read() as session:
        statuses = session.scalars(select(SurveyResponse.status)).all()
    assert statuses == [ResponseStatus.SUBMITTED]


def test_answers_that_do_not_fit_go_through_receive_and_are_kept_aside(hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("ODD").register(hq_store)
    odd = response_record("ODD", {"region": "atlantis"})
    unknown = response_record("ODD", {"no_such_question": "x"})
    result = take(hq_store, bare.bundle([odd, unknown, response_record("ODD")], hq_keys=hq_keys), hq_keys)
    assert (result.responses, result.set_aside) == (3, 2)
    with hq_store.read() as session:
        reasons = sorted(r.set_aside_reason for r in session.scalars(select(SurveyResponse).where(
            SurveyResponse.status == ResponseStatus.SET_ASIDE)))
    assert "atlantis" in reasons[0] and "no_such_question" in reasons[1]


def test_activity_counts_keep_the_latest_figures(hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("CNT").register(hq_store)

    def counts_record(n: int) -> Record:
        return Record(fmt.ACTIVITY_COUNTS, "CNT:2026-10", {"month": "2026-10", "counts": {"awareness": n,
                                                                                         "agenda": 1}})

    take(hq_store, bare.bundle([counts_record(3)], hq_keys=hq_keys), hq_keys)
    take(hq_store, bare.bundle([counts_record(5)], hq_keys=hq_keys), hq_keys)
    take(hq_store, bare.bundle([Record(fmt.ACTIVITY_COUNTS, "CNT:2026-11", {"month": "2026-11",
                                                                           "counts": {"agenda": 2}})],
                               hq_keys=hq_keys), hq_keys)
    with hq_store.read() as session:
        rows = {(r.month, r.core_task): r.count for r in session.scalars(select(HQActivityCount))}
        assert rows == {("2026-10", "awareness"): 5, ("2026-10", "agenda"): 1, ("2026-11", "agenda"): 2}
        assert activity_by_post(session) == {"CNT": {"awareness": 5, "agenda": 3}}
        assert activity_by_post(session, since="2026-11") == {"CNT": {"agenda": 2}}


def test_ingest_on_a_developers_sqlite_file(sqlite_hq: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("DEV").register(sqlite_hq)
    data = bare.bundle([response_record("DEV"), response_record("DEV")], hq_keys=hq_keys)
    assert take(sqlite_hq, data, hq_keys).responses == 2
    assert take(sqlite_hq, data, hq_keys).already_received
    assert counts(sqlite_hq) == (2, 0, 1)


def test_a_response_sent_again_in_a_later_bundle_is_stored_once(hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("DUP").register(hq_store)
    first, again = response_record("DUP"), response_record("DUP")
    take(hq_store, bare.bundle([first, again], hq_keys=hq_keys), hq_keys)
    result = take(hq_store, bare.bundle([again, response_record("DUP"), again], hq_keys=hq_keys), hq_keys)
    assert (result.responses, result.duplicates) == (1, 2)
    assert counts(hq_store) == (3, 0, 2)


def test_a_revoked_post_enrolled_again_starts_afresh_and_keeps_what_arrived(hq_store: HQStore,
                                                                            hq_keys: KeyPair) -> None:
    from postapp.hq.posts import new_enrolment_secret, register_post

    old = BarePost("RE").register(hq_store)
    take(hq_store, old.bundle([response_record("RE")], hq_keys=hq_keys), hq_keys)
    with hq_store.session() as session:
        revoke_post(session, "RE")
        register_post(session, "RE", name="Again", country="VN")
    # Registered again but no new enrolment file yet: the old file's secret no longer counts.
    with pytest.raises(BundleError, match="not come from the laptop enrolled for post RE"):
        take(hq_store, BarePost("RE", secret=old.secret).bundle([response_record("RE")], hq_keys=hq_keys), hq_keys)
    with hq_store.session() as session:
        secret = new_enrolment_secret(session, session.get(HQPost, "RE"))  # type: ignore[arg-type]
    new = BarePost("RE", secret=secret)
    result = take(hq_store, new.bundle([response_record("RE")], hq_keys=hq_keys), hq_keys)
    assert result.pinned_keys and result.seq == 1
    assert counts(hq_store) == (2, 0, 1)
    with pytest.raises(BundleError, match="other keys"):
        take(hq_store, old.bundle([response_record("RE")], hq_keys=hq_keys), hq_keys)


def test_a_first_bundle_without_the_enrolment_secret_is_refused(hq_store: HQStore, hq_keys: KeyPair) -> None:
    enrolled = BarePost("SEC").register(hq_store)
    stranger = BarePost("SEC")  # knows the post code, has its own keys, was not given the enrolment file
    for secret in (None, "a guessed secret", enrolled.secret + "x"):  # type: ignore[operator]
        with pytest.raises(BundleError, match="does not come from the laptop enrolled for post SEC; enrol it again"):
            take(hq_store, stranger.bundle([response_record("SEC")], hq_keys=hq_keys, seq=1, secret=secret),
                 hq_keys)
    assert counts(hq_store) == (0, 0, 0)
    with hq_store.read() as session:
        hq_post = session.get(HQPost, "SEC")
        assert hq_post is not None and hq_post.sign_key is None and hq_post.box_key is None
        assert hq_post.last_seq == 0 and hq_post.enrolment_secret_hash != enrolled.secret  # only its hash
    result = take(hq_store, enrolled.bundle([response_record("SEC")], hq_keys=hq_keys), hq_keys)
    assert result.pinned_keys and counts(hq_store) == (1, 0, 1)
    # Once pinned, the keys decide: the stranger even with the secret is refused, the post without it is not.
    with pytest.raises(BundleError, match="signed with other keys"):
        take(hq_store, stranger.bundle([response_record("SEC")], hq_keys=hq_keys, seq=2, secret=enrolled.secret),
             hq_keys)
    enrolled.secret = None
    assert take(hq_store, enrolled.bundle([response_record("SEC")], hq_keys=hq_keys), hq_keys).responses == 1


def test_a_new_enrolment_file_replaces_the_secret_and_unpins(tmp_path: Path, hq_store: HQStore, hq_keys: KeyPair,
                                                             post: LivePost) -> None:
    from postapp.hq.posts import write_enrolment_file
    from postapp.store import open_store
    from postapp.sync import keys as keyfiles
    from postapp.sync.enrolment import enrol

    post.submit(2, seed=4)
    assert take(hq_store, post.next_bundle(), hq_keys).pinned_keys
    with hq_store.read() as session:
        first_hash = session.get(HQPost, "HAN").enrolment_secret_hash  # type: ignore[union-attr]
    folder = tmp_path / "new-laptop"
    folder.mkdir()
    with hq_store.session() as session:
        write_enrolment_file(session, "HAN", folder / "enrolment.json", hq_keys)
    with hq_store.read() as session:
        hq_post = session.get(HQPost, "HAN")
        assert hq_post is not None and hq_post.sign_key is None and hq_post.last_seq == 0
        assert hq_post.enrolment_secret_hash not in (None, first_hash)
    # The old laptop, still on the old file, can no longer send.
    post.submit(1, seed=5)
    with pytest.raises(BundleError, match="not come from the laptop enrolled for post HAN"):
        take(hq_store, post.next_bundle(), hq_keys)
    assert counts(hq_store) == (2, 0, 0)  # the responses stay; the bundle log starts afresh
    # The laptop given the new file pins its own keys with its first bundle.
    store = open_store(folder / "post.sqlite3")
    try:
        with store.session() as session:
            enrol(session, folder / "enrolment.json", folder / "keys")
        laptop = LivePost(folder, "HAN", store, keyfiles.load(folder / "keys"))
        laptop.submit(3, seed=6)
        result = take(hq_store, laptop.next_bundle(), hq_keys)
        assert result.pinned_keys and result.seq == 1 and result.responses == 3
        assert counts(hq_store) == (5, 0, 1)
        with hq_store.read() as session:
            assert session.get(HQPost, "HAN").sign_key == laptop.keys.public().sign  # type: ignore[union-attr]
    finally:
        store.close()


def _spelled(post_code: str, response_id: str, started: object, submitted: object) -> Record:
    record = response_record(post_code)
    data = {**record.data, "id": response_id, "started_at": started, "submitted_at": submitted}
    return Record(fmt.SURVEY_RESPONSE, response_id, data)


@pytest.mark.parametrize("where", ["postgresql", "sqlite"])
def test_ids_and_moments_in_any_spelling_are_stored_as_python_reads_them(
        where: str, hq_store: HQStore, sqlite_hq: HQStore, hq_keys: KeyPair) -> None:
    """Plainly written ids and moments go into the COPY as they came; other spellings as Python reads them."""
    import datetime as dt
    import uuid

    store = hq_store if where == "postgresql" else sqlite_hq
    bare = BarePost("SPELL").register(store)
    ids = [uuid.uuid4() for _ in range(4)]
    moments = ["2026-11-20T10:20:00+00:00", "2026-11-20T10:20:00.5+05:30", "2026-11-20T10:20:00.123456-03:00",
               "2026-11-20T10:20:00Z", "2026-11-20 10:20:00+01:00", "20261120T102000+0000", "2026-11-20T10:20:00",
               "not a moment", 17]
    records = [_spelled("SPELL", str(ids[0]), moments[0], moments[1]),
               _spelled("SPELL", str(ids[1]).upper(), moments[2], moments[3]),
               _spelled("SPELL", "{" + str(ids[2]) + "}", moments[4], moments[5]),
               _spelled("SPELL", ids[3].hex, moments[6], moments[2]),
               _spelled("SPELL", str(ids[1]), moments[0], moments[0])]  # the second one again, spelled otherwise
    result = take(store, bare.bundle(records, hq_keys=hq_keys), hq_keys)
    assert (result.responses, result.duplicates, result.set_aside) == (4, 1, 0)

    def read(text: object, default: dt.datetime | None) -> dt.datetime | None:
        try:
            moment = dt.datetime.fromisoformat(text)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default
        return moment if moment.tzinfo is not None else default

    with store.read() as session:
        stored = {r.id: r for r in session.scalars(select(SurveyResponse))}
    assert set(stored) == set(ids)
    for record, rid in zip(records, ids, strict=False):
        row = stored[rid]
        submitted = read(record.data["submitted_at"], None)
        started = read(record.data["started_at"], submitted)
        for got, want in ((row.submitted_at, submitted), (row.started_at, started)):
            if want is None:  # not a moment with a zone: the time of the ingest
                assert got is not None and abs(got - stored[ids[0]].created_at) < dt.timedelta(seconds=5)
            else:
                assert got == want, (record.data, got, want)

    again = bare.bundle([_spelled("SPELL", str(ids[2]).upper(), moments[0], moments[0]),
                         _spelled("SPELL", str(uuid.uuid4()), moments[0], moments[0])], hq_keys=hq_keys)
    result = take(store, again, hq_keys)  # on PostgreSQL: the COPY fails on the key and is done again
    assert (result.responses, result.duplicates) == (1, 1)
    assert counts(store)[0] == 5


def test_the_garbage_collector_rests_during_an_ingest_and_is_as_before_after(
        hq_store: HQStore, hq_keys: KeyPair, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    bare = BarePost("GC").register(hq_store)
    real = ingest_module.receive_responses
    during: list[bool] = []

    def watched(*args: object, **kwargs: object) -> None:
        during.append(gc.isenabled())
        real(*args, **kwargs)  # type: ignore[arg-type]

    def dying(*args: object, **kwargs: object) -> None:
        during.append(gc.isenabled())
        raise RuntimeError("server killed")

    assert gc.isenabled()
    monkeypatch.setattr(ingest_module, "receive_responses", dying)
    with pytest.raises(RuntimeError):
        take(hq_store, bare.bundle([response_record("GC")], hq_keys=hq_keys, seq=1), hq_keys)
    assert during == [False] and gc.isenabled()
    monkeypatch.setattr(ingest_module, "receive_responses", watched)
    take(hq_store, bare.bundle([response_record("GC")], hq_keys=hq_keys, seq=1), hq_keys)
    assert during == [False, False] and gc.isenabled()
    gc.disable()  # whoever turned it off keeps it off
    try:
        take(hq_store, bare.bundle([response_record("GC")], hq_keys=hq_keys, seq=2), hq_keys)
        assert during == [False, False, False] and not gc.isenabled()
    finally:
        gc.enable()


def test_pauses_of_the_collector_nest_and_overlap_across_threads() -> None:
    import gc
    import threading

    from postapp.hq.ingest import collection_paused

    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collection_paused():
            inside.set()
            leave.wait(10)

    assert gc.isenabled()
    thread = threading.Thread(target=other)
    with collection_paused():
        thread.start()
        assert inside.wait(10)
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other ingest is still under way
    leave.set()
    thread.join(10)
    assert gc.isenabled()


def test_an_ingest_ending_while_another_runs_still_collects_the_young_cycles() -> None:
    import gc
    import threading
    import weakref

    from postapp.hq.ingest import collection_paused

    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collection_paused():
            inside.set()
            leave.wait(10)

    class Node:
        def __init__(self) -> None:
            self.me = self  # a reference cycle: only the cyclic collector frees it

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(10)
    try:
        with collection_paused():
            cycle = Node()
            ref = weakref.ref(cycle)
            del cycle
            assert ref() is not None  # the collector is paused
        assert not gc.isenabled()  # the other ingest still runs…
        assert ref() is None  # …but the one that ended collected its cycles
    finally:
        leave.set()
        thread.join(10)
    assert gc.isenabled()
