"""``sync_now`` against a real HQ server (uvicorn on 127.0.0.1) and a real post store, through a real
fault-injecting TCP proxy where the test is about a bad line.

The end-to-end tests run HQ on PostgreSQL; the tests about the network run HQ on SQLite for speed (the
server code is the same)."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from postapp.hq.models import HQBundle, HQPost, HQUpload
from postapp.hq.outgoing import approve_example, publish_form
from postapp.hq.pgtest import free_port
from postapp.hq.posts import register_post, revoke_post, write_enrolment_file
from postapp.hq.server import create_app
from postapp.hq.store import HQStore
from postapp.store import open_store
from postapp.survey import responses
from postapp.survey.models import OutboxEntry, SurveyResponse
from postapp.sync import keys as keyfiles
from postapp.sync.client import (
    NotEnrolledError,
    SyncPhase,
    SyncProgress,
    SyncReport,
    UnreachableError,
    sync_now,
)
from postapp.sync.enrolment import enrol
from postapp.sync.keys import KeyPair
from postapp.sync.models import GoodExample, SyncBundle
from postapp.sync.post_side import pending_bundles, status
from tests.hq import conftest as hq_fixtures
from tests.hq.helpers import HQ_ID, LivePost, LiveServer, PostClient, counts
from tests.survey.study import study_form_variant
from tests.sync.faultproxy import FaultProxy, random_cuts

# HQ's fixtures (a real PostgreSQL for the session, a fresh HQ database per test, or SQLite).
pg = hq_fixtures.pg
hq_keys = hq_fixtures.hq_keys
hq_template = hq_fixtures.hq_template
hq_store = hq_fixtures.hq_store
sqlite_hq = hq_fixtures.sqlite_hq

FAST = (0.01, 0.05)  # backoff in the tests: first and longest wait, seconds
CHUNK = 2048


@dataclass
class Line:
    hq: HQStore
    server: LiveServer
    post: LivePost
    tmp: Path

    def sync(self, **options: object) -> SyncReport:
        options.setdefault("backoff", FAST)
        options.setdefault("overrides", self.tmp / "hq-overrides")
        return sync_now(self.post.store, self.post.keys, **options)  # type: ignore[arg-type]


def enrolled_post(folder: Path, hq: HQStore, hq_keys: KeyPair, url: str, code: str = "HAN") -> LivePost:
    """A post enrolled from the file HQ wrote for it, naming ``url`` as HQ's server."""
    folder.mkdir(parents=True, exist_ok=True)
    with hq.session() as session:
        register_post(session, code, name=f"Post {code}", country="VN")
        write_enrolment_file(session, code, folder / "enrolment.json", hq_keys, server_url=url)
    store = open_store(folder / "post.sqlite3")
    with store.session() as session:
        enrol(session, folder / "enrolment.json", folder / "keys")
    return LivePost(folder, code, store, keyfiles.load(folder / "keys"))


def _line(tmp_path: Path, hq: HQStore, hq_keys: KeyPair) -> Iterator[Line]:
    server = LiveServer(create_app(hq, hq_keys, HQ_ID)).start()
    post = enrolled_post(tmp_path / "post", hq, hq_keys, server.url)
    try:
        yield Line(hq, server, post, tmp_path)
    finally:
        post.close()
        server.stop()


@pytest.fixture
def pg_line(tmp_path: Path, hq_store: HQStore, hq_keys: KeyPair) -> Iterator[Line]:
    yield from _line(tmp_path, hq_store, hq_keys)


@pytest.fixture
def line(tmp_path: Path, sqlite_hq: HQStore, hq_keys: KeyPair) -> Iterator[Line]:
    yield from _line(tmp_path, sqlite_hq, hq_keys)


def hq_response_ids(hq: HQStore) -> list[uuid.UUID]:
    with hq.read() as session:
        return list(session.scalars(select(SurveyResponse.id)))


def stored_bundles(post: LivePost) -> dict[int, bytes]:
    with post.store.read() as session:
        return {b.seq: bytes(b.data) for b in session.scalars(select(SyncBundle))}


def unacknowledged_entries(post: LivePost) -> int:
    with post.store.read() as session:
        return len(session.scalars(select(OutboxEntry).where(OutboxEntry.acknowledged_at.is_(None))).all())


class Counting(httpx.HTTPTransport):
    """The real transport, counting the requests that went out."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.raw_path.decode()}")
        return super().handle_request(request)


# ---- end to end, HQ on PostgreSQL ---------------------------------------------------------------------


def test_each_response_arrives_once_and_nothing_is_sent_twice(pg_line: Line) -> None:
    post, hq = pg_line.post, pg_line.hq
    submitted = post.submit(25)  # through the survey services, as a user submits
    post.interview()
    post.propose_example()

    first = pg_line.sync()

    assert first.made == [1] and first.acknowledged == [1] and not first.cancelled
    assert first.bytes_sent == first.bytes_needed == first.bytes_total == len(stored_bundles(post)[1])
    assert first.bytes_resent == 0 and first.retries == 0
    assert sorted(hq_response_ids(hq)) == sorted(submitted)
    assert counts(hq) == (25, 1, 1)
    with post.store.read() as session:
        found = status(session)
    assert (found.pending_bundles, found.waiting_entries) == (0, 0)
    assert unacknowledged_entries(post) == 0
    with hq.read() as session:
        bundle = session.scalars(select(HQBundle)).one()
    assert bundle.sha256 == hashlib.sha256(stored_bundles(post)[1]).hexdigest()  # the stored bytes, as they are

    again = pg_line.sync()

    assert (again.made, again.acknowledged, again.bytes_total, again.bytes_sent) == ([], [], 0, 0)
    assert counts(hq) == (25, 1, 1)

    more = post.submit(3, seed=9)
    third = pg_line.sync()
    assert third.made == [2] and third.acknowledged == [2]
    assert sorted(hq_response_ids(hq)) == sorted(submitted + more)


def test_what_hq_publishes_reaches_the_post(pg_line: Line) -> None:
    post, hq = pg_line.post, pg_line.hq
    example_id = post.propose_example("Due diligence clinic")
    assert pg_line.sync().acknowledged == [1]  # HQ pins the post's keys from its first bundle
    with hq.session() as session:
        publish_form(session, study_form_variant(version="2099.1"))
        approve_example(session, example_id)

    report = pg_line.sync()

    assert [r.applied for r in report.applied] == [{"survey_form": 1, "good_example": 1}]
    assert report.records_applied == 2 and report.made == []
    with post.store.read() as session:
        assert responses.find_form(session, responses.STUDY_FORM_ID, "2099.1") is not None
        example = session.get(GoodExample, example_id)
        assert example is not None and example.status.value == "approved" and example.source.value == "hq"
        assert status(session).last_applied_hq_seq == 1
    with hq.read() as session:
        hq_post = session.get(HQPost, post.code)
        assert hq_post is not None and (hq_post.out_seq, hq_post.out_acked) == (1, 1)  # the pull confirmed it

    assert pg_line.sync().applied == []  # nothing new, nothing applied twice


# ---- a bad line: cuts, delay, throttling, HQ on SQLite ----------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cuts_delay_and_throttling_lose_nothing_and_resend_at_most_a_chunk_per_cut(line: Line, seed: int) -> None:
    post, hq = line.post, line.hq
    submitted = post.submit(400, seed=seed, fast=True)
    with FaultProxy("127.0.0.1", line.server.port, cut_after=random_cuts(seed, 8, 300, 7000), delay_ms=5,
                    rate_bytes_per_s=100_000) as proxy:
        started = time.monotonic()
        report = line.sync(server_url=proxy.url, chunk_size=CHUNK)
        elapsed = time.monotonic() - started

    size = len(stored_bundles(post)[1])
    assert report.acknowledged == [1] and not report.cancelled
    assert sorted(hq_response_ids(hq)) == sorted(submitted)  # every response, each once
    assert counts(hq)[2] == 1
    assert proxy.cuts >= 1, "the proxy never cut: the test would prove nothing"
    assert report.retries >= 1
    assert report.bytes_needed == size
    assert report.bytes_sent <= size + CHUNK * proxy.cuts, (report.bytes_sent, size, proxy.cuts)
    assert proxy.bytes_up >= size
    assert elapsed < 20
    print(f"seed {seed}: bundle {size} B, sent {report.bytes_sent} B, cuts {proxy.cuts}, retries {report.retries}, "
          f"up {proxy.bytes_up} B, down {proxy.bytes_down} B, {elapsed:.2f} s")
    with line.post.store.read() as session:
        assert pending_bundles(session) == []


def test_hq_bundles_come_down_through_a_cutting_line(line: Line) -> None:
    post, hq = line.post, line.hq
    assert line.sync().acknowledged == [1]  # HQ pins the post's keys
    with hq.session() as session:
        for number in range(3):  # three questionnaires: a bundle far bigger than the cut points
            publish_form(session, study_form_variant(version=f"2099.{number + 1}"))

    with FaultProxy("127.0.0.1", line.server.port, cut_after=random_cuts(7, 4, 2000, 12000), delay_ms=2,
                    rate_bytes_per_s=1_000_000) as proxy:
        report = line.sync(server_url=proxy.url)

    assert proxy.cuts >= 1 and report.retries >= 1
    assert sum(r.applied.get("survey_form", 0) for r in report.applied) == 3
    assert not any(r.already_applied for r in report.applied)
    with post.store.read() as session:
        versions = {f.version for f in responses.stored_forms(session)}
        assert {"2099.1", "2099.2", "2099.3"} <= versions


def test_a_lost_answer_and_server_errors_are_retried_from_where_hq_is(line: Line) -> None:
    """503 twice, then a PUT whose answer is lost after HQ kept the chunk: the offset is asked again and
    nothing is sent twice."""
    post = line.post
    post.submit(200, fast=True)

    class Flaky(Counting):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if len(self.requests) < 2:
                self.requests.append("503")
                return httpx.Response(503, json={"error": "busy"})
            response = super().handle_request(request)
            if request.method == "PUT" and sum(r.startswith("PUT") for r in self.requests) == 1:
                response.read()
                raise httpx.ReadError("the line dropped before the answer came")
            return response

    transport = Flaky()
    report = line.sync(transport=transport, chunk_size=CHUNK)

    size = len(stored_bundles(post)[1])
    assert report.acknowledged == [1] and report.retries == 3
    assert report.bytes_sent == size  # the chunk whose answer was lost had arrived: not sent again
    assert counts(line.hq)[0] == 200
    puts = [r for r in transport.requests if r.startswith("PUT")]
    assert puts[0].endswith(f"offset=0&size={size}") and puts[1].endswith(f"offset={CHUNK}&size={size}")


def test_an_offset_that_does_not_line_up_is_asked_again(line: Line) -> None:
    """Another upload of the same bundle moved HQ on between our question and our chunk: HQ answers 409
    with where it is, the client asks again and goes on from there."""
    post = line.post
    post.submit(200, fast=True)
    other = PostClient(line.server.url, post.code, post.keys)

    class Racing(Counting):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.method == "PUT" and not any(r.startswith("PUT") for r in self.requests):
                data = stored_bundles(post)[1]
                assert other.put(1, data, 0, CHUNK).status_code == 200
            return super().handle_request(request)

    transport = Racing()
    try:
        report = line.sync(transport=transport, chunk_size=CHUNK)
    finally:
        other.close()

    assert report.acknowledged == [1] and report.retries == 1
    assert counts(line.hq)[0] == 200
    puts = [r for r in transport.requests if r.startswith("PUT")]
    assert "offset=0&" in puts[0] and f"offset={CHUNK}&" in puts[1]  # 409, asked again, went on


def test_a_server_that_is_down_gives_a_clear_error_after_bounded_retries(tmp_path: Path, sqlite_hq: HQStore,
                                                                         hq_keys: KeyPair) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    post = enrolled_post(tmp_path / "post", sqlite_hq, hq_keys, dead)
    try:
        post.submit(5)
        transport = Counting()
        started = time.monotonic()
        with pytest.raises(UnreachableError) as raised:
            sync_now(post.store, post.keys, transport=transport, max_attempts=4, backoff=FAST)
        assert time.monotonic() - started < 5
        assert raised.value.attempts == 4 and len(transport.requests) == 4
        assert "could not be reached" in str(raised.value) and "Nothing was lost" in str(raised.value)
        assert dead in str(raised.value)
        # Nothing was lost or marked sent: the sealed bundle waits, with what it carries.
        sealed = stored_bundles(post)
        with post.store.read() as session:
            assert [b.seq for b in pending_bundles(session)] == [1]
            assert status(session).waiting_entries == 0
        assert unacknowledged_entries(post) == 5

        # A long wait between attempts can be cancelled at once from the progress callback.
        started = time.monotonic()
        cancelled = sync_now(post.store, post.keys, backoff=(30.0, 60.0),
                             progress=lambda p: p.phase is not SyncPhase.WAITING)
        assert cancelled.cancelled and time.monotonic() - started < 5

        # HQ comes back: the very same bundle goes, once.
        server = LiveServer(create_app(sqlite_hq, hq_keys, HQ_ID)).start()
        try:
            report = sync_now(post.store, post.keys, server_url=server.url, backoff=FAST)
        finally:
            server.stop()
        assert report.made == [] and report.acknowledged == [1]
        assert stored_bundles(post) == sealed
        assert counts(sqlite_hq)[0] == 5 and unacknowledged_entries(post) == 0
    finally:
        post.close()


def test_a_revoked_post_or_other_keys_get_a_clear_error_without_retries(line: Line) -> None:
    post, hq = line.post, line.hq
    post.submit(2)
    line.sync()  # HQ pins the post's keys

    transport = Counting()
    with pytest.raises(NotEnrolledError) as raised:
        sync_now(post.store, keyfiles.generate(), transport=transport, backoff=FAST)
    assert len(transport.requests) == 1  # the pull, refused: 401, not retried
    assert "not (or no longer) enrolled at headquarters" in str(raised.value)
    assert "signature does not match" in str(raised.value)

    with hq.session() as session:
        revoke_post(session, post.code)
    post.submit(1, seed=5)
    transport = Counting()
    with pytest.raises(NotEnrolledError) as raised:
        line.sync(transport=transport)
    assert len(transport.requests) == 1  # 403, not retried
    assert "revoked" in str(raised.value) and "not (or no longer) enrolled" in str(raised.value)
    with post.store.read() as session:
        assert [b.seq for b in pending_bundles(session)] == [2]  # kept for when HQ enrols the post again
    assert counts(hq)[0] == 2


def test_cancelling_stops_cleanly_and_the_next_sync_resumes_without_resending(line: Line) -> None:
    post, hq = line.post, line.hq
    first = post.submit(20)
    assert line.sync(chunk_size=CHUNK).acknowledged == [1]
    later = post.submit(300, seed=4, fast=True)
    seen: list[SyncProgress] = []

    def stop_after_two_chunks(progress: SyncProgress) -> bool:
        seen.append(progress)
        return not (progress.phase is SyncPhase.UPLOADING and progress.sent >= 2 * CHUNK)

    cancelled = line.sync(chunk_size=CHUNK, progress=stop_after_two_chunks)

    size = len(stored_bundles(post)[2])
    assert cancelled.cancelled and cancelled.made == [2] and cancelled.acknowledged == []
    assert cancelled.bytes_sent == 2 * CHUNK and cancelled.bytes_total == size
    assert {p.phase for p in seen} >= {SyncPhase.PREPARING, SyncPhase.UPLOADING}
    assert all(p.total == size for p in seen if p.phase is SyncPhase.UPLOADING)
    assert sorted(hq_response_ids(hq)) == sorted(first)  # nothing of bundle 2 taken in yet
    with hq.read() as session:
        upload = session.get(HQUpload, (post.code, 2))
        assert upload is not None and upload.received == 2 * CHUNK
    with post.store.read() as session:
        assert [b.seq for b in pending_bundles(session)] == [2]

    resumed = line.sync(chunk_size=CHUNK)

    assert resumed.made == [] and resumed.acknowledged == [2]
    assert resumed.bytes_needed == resumed.bytes_sent == size - 2 * CHUNK  # bundle 1 and 2 chunks not again
    assert sorted(hq_response_ids(hq)) == sorted(first + later)


def test_postapp_sync_now_on_the_command_line(tmp_path: Path, sqlite_hq: HQStore, hq_keys: KeyPair) -> None:
    from tests.sync.test_sync_cli import add_response
    from tests.test_cli import assert_one_line_error, run

    server = LiveServer(create_app(sqlite_hq, hq_keys, HQ_ID)).start()
    try:
        with sqlite_hq.session() as session:
            register_post(session, "HAN", name="Hanoi", country="VN")
            write_enrolment_file(session, "HAN", tmp_path / "enrolment.json", hq_keys, server_url=server.url)
        db = str(tmp_path / "post.sqlite3")
        assert run("--db", db, "sync", "enrol", str(tmp_path / "enrolment.json"), tmp_path=tmp_path).returncode == 0
        add_response(tmp_path / "post.sqlite3")

        done = run("--db", db, "sync", "now", tmp_path=tmp_path)

        assert done.returncode == 0, done.stderr
        assert "Sending bundle 1 to headquarters" in done.stdout
        assert "Headquarters acknowledged bundles 1 to 1." in done.stdout
        assert "sent again after interruptions: 0" in done.stdout and "Nothing new from headquarters." in done.stdout
        assert counts(sqlite_hq)[0] == 1
        again = run("--db", db, "sync", "now", tmp_path=tmp_path)
        assert "Nothing to send" in again.stdout, again.stderr

        with sqlite_hq.session() as session:
            revoke_post(session, "HAN")
        refused = assert_one_line_error(run("--db", db, "sync", "now", tmp_path=tmp_path))
        assert "not (or no longer) enrolled at headquarters" in refused and "revoked" in refused
    finally:
        server.stop()
