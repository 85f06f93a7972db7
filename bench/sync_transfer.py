"""5,000 survey responses from a post to HQ over a 64 kbit/s line that drops, through the real client.

A real HQ server (uvicorn on 127.0.0.1, PostgreSQL from ``postapp.hq.pgtest``; SQLite when PostgreSQL is
not installed) behind the fault-injecting proxy of the tests (``tests/sync/faultproxy.py``): throttled to
8,000 bytes/s each way, 150 ms delay, and the first connections cut after a random number of bytes
(seeded). The post is a real store enrolled from HQ's enrolment file, holding the app's synthetic survey
round of 5,000 responses queued for HQ; ``postapp.sync.client.sync_now`` sends its bundle with the
default chunk size (64 KiB) and the default backoff.

Checked: every response arrives exactly once. Printed: bytes sent again after the cuts against chunk
size x cuts (the promise), the elapsed time against the line's own time for the bundle, and the bundle's
size against ``gzip -9`` of the canonical JSON of the same records (the promise: at most 1.1x).
"""

from __future__ import annotations

import gzip
import logging
import os
import tempfile
import time
import uuid
from pathlib import Path

import common  # noqa: F401  (puts the project's root on sys.path, for tests.*)
from sqlalchemy import func, select

from postapp.hq.pgtest import PostgresUnavailable, TempPostgres
from postapp.hq.posts import initialise, register_post, write_enrolment_file
from postapp.hq.server import create_app
from postapp.hq.store import HQStore, open_hq_store
from postapp.store import open_store
from postapp.survey import responses
from postapp.survey.demo import generate_round
from postapp.survey.models import SurveyResponse
from postapp.sync import bundle as fmt
from postapp.sync import keys
from postapp.sync.canonical import canonical_json
from postapp.sync.client import MAX_CHUNK, SyncPhase, SyncProgress, sync_now
from postapp.sync.enrolment import enrol
from postapp.sync.models import SyncBundle
from tests.hq.helpers import LivePost, LiveServer
from tests.sync.faultproxy import FaultProxy, random_cuts

RESPONSES = int(os.environ.get("POSTAPP_BENCH_SYNC_RESPONSES", "5000"))
RATE = int(os.environ.get("POSTAPP_BENCH_SYNC_RATE", "8000"))  # bytes/s each way: 64 kbit/s
CUTS = int(os.environ.get("POSTAPP_BENCH_SYNC_CUTS", "6"))
DELAY_MS = 150
SEED = 2026
HQ_ID = "bench-hq"


def _hq(folder: Path, pg: TempPostgres | None, hq_keys: keys.KeyPair) -> HQStore:
    store = open_hq_store(pg.create_database("sync_bench") if pg is not None else folder / "hq.sqlite3")
    with store.session() as session:
        initialise(session, HQ_ID, hq_keys)
    return store


def _post(folder: Path, hq: HQStore, hq_keys: keys.KeyPair, url: str) -> LivePost:
    folder.mkdir(parents=True, exist_ok=True)
    with hq.session() as session:
        register_post(session, "HAN", name="Hanoi", country="VN")
        write_enrolment_file(session, "HAN", folder / "enrolment.json", hq_keys, server_url=url)
    store = open_store(folder / "post.sqlite3")
    with store.session() as session:
        enrol(session, folder / "enrolment.json", folder / "keys")
    return LivePost(folder, "HAN", store, keys.load(folder / "keys"))


def _submit(post: LivePost) -> list[uuid.UUID]:
    """The synthetic round's responses (one per made-up post, as the app's demo makes them), queued for HQ
    as submitting them would."""
    with post.store.session() as session:
        generate_round(session, RESPONSES, seed=SEED, interviews=False)
        ids = list(session.scalars(select(SurveyResponse.id)))
        for response_id in ids:
            responses.queue(session, responses.RESPONSE_RECORD, response_id)
    return ids


def main() -> dict[str, object]:
    hq_keys = keys.generate()
    try:
        pg: TempPostgres | None = TempPostgres().start()
    except PostgresUnavailable as exc:
        print(f"  (no PostgreSQL: {exc}; HQ on SQLite)")
        pg = None
    with tempfile.TemporaryDirectory(prefix="postapp-sync-bench-") as tmp:
        hq = _hq(Path(tmp), pg, hq_keys)
        server = LiveServer(create_app(hq, hq_keys, HQ_ID)).start()
        # HQ logs every chunk cut off on the way as an unexpected error with its traceback (see the closing
        # note); the benchmark checks the outcome itself, so these are kept off the figures.
        for name in ("uvicorn.error", "postapp.hq"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        # The first CUTS connections are cut after 8 to 96 KB (up and down together), at random.
        proxy = FaultProxy("127.0.0.1", server.port, cut_after=random_cuts(SEED, CUTS, 8 * 1024, 96 * 1024),
                           delay_ms=DELAY_MS, rate_bytes_per_s=RATE).start()
        post = _post(Path(tmp) / "post", hq, hq_keys, proxy.url)
        try:
            submitted = _submit(post)
            waits: list[float] = []

            def progress(p: SyncProgress) -> bool:
                if p.phase is SyncPhase.WAITING and (not waits or p.attempt != waits[-1]):
                    waits.append(p.attempt)
                return True

            start = time.perf_counter()
            report = sync_now(post.store, post.keys, progress=progress)
            elapsed = time.perf_counter() - start
            with post.store.read() as session:
                data = session.scalars(select(SyncBundle.data).where(SyncBundle.seq == 1)).one()
            with hq.read() as session:
                ids = list(session.scalars(select(SurveyResponse.id)))
                distinct = session.scalar(select(func.count(func.distinct(SurveyResponse.id))))
        finally:
            post.close()
            proxy.stop()
            server.stop()
            hq.close()
            if pg is not None:
                pg.stop()

    assert sorted(ids) == sorted(submitted) and distinct == RESPONSES, "not every response arrived exactly once"
    opened = fmt.open_bundle(data, recipient=hq_keys, sender=post.keys.public(), hq_id=HQ_ID)
    plain = canonical_json(fmt.make_payload(opened.records, opened.acks))
    gz = len(gzip.compress(plain, compresslevel=9))
    bound = MAX_CHUNK * proxy.cuts
    line_time = len(data) / RATE
    print(f"  {RESPONSES:,} responses -> HQ: {len(ids):,} rows, {distinct:,} distinct: each exactly once")
    print(f"  line: {RATE * 8 / 1000:.0f} kbit/s each way, {DELAY_MS} ms delay; {proxy.connections} connections, "
          f"{proxy.cuts} cut, {report.retries} retries")
    print(f"  bytes resent after cuts: {report.bytes_resent:,} <= chunk x cuts = {MAX_CHUNK:,} x {proxy.cuts} = "
          f"{bound:,}: {'ok' if report.bytes_resent <= bound else 'NOT MET'} "
          f"(chunks sent {report.bytes_sent:,} for a bundle of {len(data):,}; proxy upstream "
          f"{proxy.bytes_up:,} with HTTP headers, downstream {proxy.bytes_down:,})")
    print(f"  elapsed {elapsed:.1f} s; the bundle alone takes {line_time:.1f} s on this line")
    print(f"  bundle {len(data):,} B vs gzip -9 of the canonical JSON {gz:,} B "
          f"(JSON {len(plain):,} B): {len(data) / gz:.2f}x (promise <= 1.1x)")
    return {"name": "sync 5,000 responses over a cut 64 kbit/s line", "responses": RESPONSES, "cuts": proxy.cuts,
            "bytes_resent": report.bytes_resent, "resend_bound": bound, "elapsed_s": elapsed,
            "bundle_bytes": len(data), "gzip9_bytes": gz, "ratio_to_gzip": len(data) / gz}


if __name__ == "__main__":
    main()
