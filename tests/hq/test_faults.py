"""Faults from issue 6 against the real thing: ``postapp-hq serve`` as a separate process on the test
PostgreSQL, SIGKILLed while it takes a large bundle in; and a post whose clock is hours wrong.

The server runs as a subprocess (``python -m postapp.hq.cli serve``) so that a kill is a real kill: no
``finally``, no rollback from Python, just the connection to PostgreSQL gone. HQ's connections carry the
application name ``postapp-hq``; while the test looks, it holds none of its own to the test's database, so
``pg_stat_activity`` shows when the server's ingest COPY runs and when the killed server's backends are gone.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import select, text

from postapp.domain.base import utcnow
from postapp.hq.pgtest import TempPostgres, free_port
from postapp.hq.store import HQStore
from postapp.survey.models import OutboxEntry
from postapp.sync import bundle as fmt
from postapp.sync import keys as keyfiles
from postapp.sync import post_side
from postapp.sync.client import SyncReport, UnreachableError, sync_now
from postapp.sync.keys import KeyPair
from postapp.sync.models import SyncBundle
from tests.hq import helpers
from tests.hq.helpers import LivePost, PostClient

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "postapp-hq"  # application_name of HQ's database connections (postapp.hq.store.make_engine)
FAST = (0.01, 0.05)  # client backoff: first and longest wait, seconds
BIG = 8000  # responses in the bundle that is killed mid-ingest: the ingest's COPY runs for a while
MAX_KILLS = 5


# ---- the server as a process ------------------------------------------------------------------------


class HQProcess:
    """``postapp-hq serve`` in a subprocess on a free loopback port; ``kill()`` is SIGKILL."""

    def __init__(self, db_url: str, keys_dir: Path, log: Path) -> None:
        self.db_url, self.keys_dir, self.log = db_url, keys_dir, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> HQProcess:
        assert self.proc is None
        self.port = free_port()
        env = {**os.environ, "POSTAPP_LANG": "en", "PYTHONPATH": str(ROOT)}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "postapp.hq.cli", "--db", self.db_url, "--keys", str(self.keys_dir),
                 "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"postapp-hq serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                answer = httpx.get(f"{self.url}/v1/pull?after=0", timeout=1)
            except httpx.TransportError:
                answer = None
            if answer is not None:
                assert answer.status_code == 401, answer.text  # up, and refusing an unsigned request
                return self
            if time.monotonic() > deadline:
                raise AssertionError(f"postapp-hq serve did not answer within {timeout} s:\n{self.log_tail()}")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(timeout=15)
            self.proc = None

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            return ""


@pytest.fixture
def hq_process(tmp_path: Path, hq_store: HQStore, hq_keys: KeyPair) -> Iterator[HQProcess]:
    keys_dir = tmp_path / "hq-keys"
    keyfiles.save(hq_keys, keys_dir)
    process = HQProcess(hq_store.url.render_as_string(hide_password=False), keys_dir, tmp_path / "hq-serve.log")
    try:
        yield process
    finally:
        process.kill()


# ---- looking into PostgreSQL and the post ------------------------------------------------------------


def _database(store: HQStore) -> str:
    name = store.url.database
    assert name
    return name


@dataclass(frozen=True)
class HQState:
    rows: int  # of the bundle's responses
    bundle_rows: int  # hq_bundle rows for (post, seq)
    last_seq: int
    upload: tuple[int, int] | None  # (received, size) of an unfinished upload
    post_rows: int  # every response of the post
    distinct_ids: int


def hq_state(pg: TempPostgres, database: str, code: str, seq: int, ids: list[uuid.UUID]) -> HQState:
    with psycopg.connect(pg.conninfo(database), autocommit=True) as conn:
        def one(query: str, *params: Any) -> Any:
            row = conn.execute(query, params).fetchone()
            return None if row is None else (row[0] if len(row) == 1 else tuple(row))

        return HQState(
            rows=one("SELECT count(*) FROM survey_response WHERE id = ANY(%s)", ids),
            bundle_rows=one("SELECT count(*) FROM hq_bundle WHERE post_code = %s AND seq = %s", code, seq),
            last_seq=one("SELECT last_seq FROM hq_post WHERE code = %s", code),
            upload=one("SELECT received, size FROM hq_upload WHERE post_code = %s AND seq = %s", code, seq),
            post_rows=one("SELECT count(*) FROM survey_response WHERE post_code = %s", code),
            distinct_ids=one("SELECT count(DISTINCT id) FROM survey_response WHERE post_code = %s", code))


def wait_for_backends_gone(pg: TempPostgres, database: str, timeout: float = 20) -> None:
    """Until PostgreSQL has ended every backend of the killed server (and with it, its transaction)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(pg.conninfo(database), autocommit=True) as conn:
        while True:
            row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                               "AND datname = current_database()",
                               (APP_NAME,)).fetchone()
            if row is not None and row[0] == 0:
                return
            assert time.monotonic() < deadline, "the killed server's database sessions did not end"
            time.sleep(0.02)


def post_bundle_acknowledged(post: LivePost, seq: int) -> bool:
    with post.store.read() as session:
        found = session.get(SyncBundle, seq)
        assert found is not None
        return found.acknowledged_at is not None


def pending_outbox(post: LivePost) -> int:
    with post.store.read() as session:
        return len(session.scalars(select(OutboxEntry).where(OutboxEntry.acknowledged_at.is_(None))).all())


def integrity(post: LivePost) -> str:
    with post.store.read() as session:
        return str(session.execute(text("PRAGMA integrity_check")).scalar())


class LastChunkWatch(httpx.HTTPTransport):
    """The real transport; ``last_chunk`` is set just before the chunk that completes a bundle goes out.
    Records every request (method, path with query, headers, body) for replays."""

    def __init__(self) -> None:
        super().__init__()
        self.last_chunk = threading.Event()
        self.sent: list[tuple[str, str, dict[str, str], bytes]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        self.sent.append((request.method, request.url.raw_path.decode(), dict(request.headers), body))
        if request.method == "PUT":
            params = request.url.params
            if int(params["offset"]) + len(body) == int(params["size"]):
                self.last_chunk.set()
        return super().handle_request(request)


@dataclass
class SyncThread:
    """``sync_now`` in a thread, as the app runs it in the background."""

    post: LivePost
    url: str
    overrides: Path
    transport: httpx.BaseTransport | None = None
    max_attempts: int = 2
    report: SyncReport | None = None
    error: BaseException | None = None
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, name="sync", daemon=True)

    def _run(self) -> None:
        try:
            self.report = sync_now(self.post.store, self.post.keys, transport=self.transport, server_url=self.url,
                                   overrides=self.overrides, backoff=FAST, max_attempts=self.max_attempts)
        except BaseException as exc:  # handed to the test
            self.error = exc

    def start(self) -> SyncThread:
        self.thread.start()
        return self

    def join(self, timeout: float = 90) -> SyncThread:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "sync_now did not end in time"
        return self


def sync(post: LivePost, url: str, overrides: Path, **options: Any) -> SyncReport:
    options.setdefault("backoff", FAST)
    return sync_now(post.store, post.keys, server_url=url, overrides=overrides, **options)


# ---- a server killed mid-ingest ----------------------------------------------------------------------


def test_server_killed_mid_ingest_keeps_all_or_nothing_and_recovers(
        tmp_path: Path, pg: TempPostgres, hq_store: HQStore, hq_keys: KeyPair, hq_process: HQProcess) -> None:
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    database = _database(hq_store)
    post = LivePost.create(tmp_path / "post", hq_store, hq_keys, "HAN")
    hq_store.close()  # from here on every "postapp-hq" session on this database is the server's
    overrides = tmp_path / "overrides"
    try:
        ids = post.submit(BIG, seed=7, fast=True)
        post.next_bundle()  # sealed once (xz takes a while); every attempt below sends these very bytes
        seq = 1
        kills: list[str] = []
        mid_copy_kills = 0
        committed = False
        for run in range(1, MAX_KILLS + 1):
            hq_process.start()
            watch = LastChunkWatch()
            worker = SyncThread(post, hq_process.url, overrides, transport=watch).start()
            assert watch.last_chunk.wait(60) or not worker.thread.is_alive(), "the last chunk never went out"
            # Kill once PostgreSQL is running the ingest's COPY, at once or a random moment later.
            extra = 0.0 if run == 1 else rng.uniform(0, 0.08 * 2 ** run)
            copying = False
            deadline = time.monotonic() + 30
            with psycopg.connect(pg.conninfo(database), autocommit=True) as conn:
                while worker.thread.is_alive() and time.monotonic() < deadline:
                    row = conn.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND state = 'active' "
                        "AND datname = current_database() AND query ILIKE 'COPY survey_response%%'",
                        (APP_NAME,)).fetchone()
                    if row is not None and row[0] > 0:
                        copying = True
                        break
                    time.sleep(0.002)
            time.sleep(extra)
            finished_before_kill = not worker.thread.is_alive()
            hq_process.kill()
            worker.join()
            wait_for_backends_gone(pg, database)

            state = hq_state(pg, database, post.code, seq, ids)
            acked = post_bundle_acknowledged(post, seq)
            kills.append(f"run {run}: COPY seen={copying} extra={extra:.3f}s finished={finished_before_kill} "
                         f"-> {state} post acked={acked} client error={type(worker.error).__name__}")
            where = f"seed {seed}; " + " | ".join(kills)
            # Never a partial set: all of the bundle's responses with its hq_bundle row, or none and no row.
            assert (state.rows, state.bundle_rows, state.last_seq) in ((0, 0, 0), (BIG, 1, 1)), where
            assert state.post_rows == state.rows == state.distinct_ids, where
            if state.rows == 0:
                # Rolled back with the chunk that completed it: HQ holds all but that chunk, the post resends it.
                assert state.upload is not None and 0 < state.upload[0] < state.upload[1], where
                assert not acked and worker.report is None, where
                assert isinstance(worker.error, UnreachableError), where
                assert "Nothing was lost" in str(worker.error), where
                if copying:
                    mid_copy_kills += 1
            else:
                assert state.upload is None, where  # the chunks were discarded with the ingest
            # The post never counts as delivered what HQ did not commit.
            assert not acked or state.rows == BIG, where
            assert integrity(post) == "ok", where
            if state.rows:
                committed = True
                break
        assert mid_copy_kills >= 1, "no kill landed while the ingest's COPY ran: " + " | ".join(kills)

        # Restarted, the next sync finishes the job: everything exactly once, the post's bundle acknowledged.
        hq_process.start()
        report = sync(post, hq_process.url, overrides, max_attempts=4)
        assert report.made == []  # nothing new sealed: the same bundle went again
        if committed and not report.acknowledged:
            assert post_bundle_acknowledged(post, seq)  # acknowledged before the kill
        else:
            assert seq in report.acknowledged
        resent = report.bytes_sent
        final = hq_state(pg, database, post.code, seq, ids)
        assert (final.rows, final.bundle_rows, final.last_seq, final.upload) == (BIG, 1, 1, None)
        assert final.post_rows == final.distinct_ids == BIG
        assert post_bundle_acknowledged(post, seq)
        assert pending_outbox(post) == 0
        assert integrity(post) == "ok"
        assert resent <= 64 * 1024, f"more than the last chunk was sent again: {resent} bytes"
        again = sync(post, hq_process.url, overrides)
        assert (again.made, again.bytes_sent) == ([], 0)
        assert hq_state(pg, database, post.code, seq, ids) == final
        print(f"seed {seed}: " + " | ".join(kills))
    finally:
        post.close()


# ---- a post clock hours wrong ------------------------------------------------------------------------


def test_post_clock_hours_wrong_is_accepted_and_replays_still_refused(
        tmp_path: Path, pg: TempPostgres, hq_store: HQStore, hq_keys: KeyPair, hq_process: HQProcess,
        monkeypatch: pytest.MonkeyPatch) -> None:
    database = _database(hq_store)
    post = LivePost.create(tmp_path / "post", hq_store, hq_keys, "HAN")
    overrides = tmp_path / "overrides"
    skew = dt.timedelta()

    def post_now() -> dt.datetime:
        return utcnow() + skew

    # The post's clock, in this process only; HQ runs in its own process on the real clock.
    monkeypatch.setattr(fmt, "_now", lambda: post_now().isoformat(timespec="seconds"))
    monkeypatch.setattr(post_side, "utcnow", post_now)
    monkeypatch.setattr(helpers, "utcnow", post_now)
    hq_process.start()
    try:
        all_ids: list[uuid.UUID] = []
        watches: list[LastChunkWatch] = []
        for seq, hours in ((1, 9), (2, -9)):  # nine hours ahead, then (the clock "corrected") nine behind
            skew = dt.timedelta(hours=hours)
            ids = post.submit(40, seed=seq, fast=True)
            all_ids += ids
            before = utcnow()
            watch = LastChunkWatch()
            watches.append(watch)
            report = sync(post, hq_process.url, overrides, transport=watch, max_attempts=2)
            after = utcnow()
            assert report.made == [seq] and seq in report.acknowledged, report
            with post.store.read() as session:
                data = bytes(session.get(SyncBundle, seq).data)  # type: ignore[union-attr]
            created = dt.datetime.fromisoformat(fmt.read_header(data).created_at)
            assert abs(created - (before + skew)) < dt.timedelta(minutes=1)  # the bundle carries the wrong time
            with psycopg.connect(pg.conninfo(database), autocommit=True) as conn:
                received = conn.execute("SELECT received_at FROM hq_bundle WHERE post_code = %s AND seq = %s",
                                        (post.code, seq)).fetchone()
                last_sync = conn.execute("SELECT last_sync_at FROM hq_post WHERE code = %s",
                                         (post.code,)).fetchone()
            assert received is not None and last_sync is not None
            # HQ's bookkeeping is HQ's own time, not the post's.
            for moment in (received[0], last_sync[0]):
                moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
                assert before - dt.timedelta(seconds=5) <= moment <= after + dt.timedelta(seconds=5), (moment, before)
            state = hq_state(pg, database, post.code, seq, ids)
            assert (state.rows, state.bundle_rows, state.last_seq, state.upload) == (40, 1, seq, None)
        final = hq_state(pg, database, post.code, 2, all_ids)
        assert final.post_rows == final.distinct_ids == final.rows == 80  # exactly once
        assert pending_outbox(post) == 0 and integrity(post) == "ok"

        # Replays of requests the post sent with its wrong clock: refused by nonce, nothing applied twice.
        client = PostClient(hq_process.url, post.code, post.keys)
        try:
            replayed = 0
            for method, path, headers, body in watches[-1].sent:
                wanted = {k: v for k, v in headers.items() if k.lower().startswith("x-postapp-")}
                answer = client.http.request(method, path, content=body, headers=wanted)
                assert answer.status_code == 409, (method, path, answer.status_code, answer.text)
                assert "nonce" in answer.json()["error"], answer.text
                replayed += 1
            assert replayed >= 3  # GET of the upload, its PUT(s), the pull
            # A fresh signature over another request, with a nonce already used: refused too.
            used = next(h for m, _p, h, _b in watches[0].sent if m == "GET")
            nonce = {k.lower(): v for k, v in used.items()}["x-postapp-nonce"]
            answer = client.request("GET", "/v1/pull?after=0", nonce=nonce)
            assert answer.status_code == 409 and "nonce" in answer.json()["error"], answer.text
            # The same request with a new nonce goes through: the refusals were about the nonce only.
            assert client.request("GET", "/v1/uploads/2").json()["status"] == "accepted"
        finally:
            client.close()
        assert hq_state(pg, database, post.code, 2, all_ids) == final
    finally:
        post.close()
