"""Posts for the HQ tests: a real one (its own SQLite store, enrolled with HQ's file) and a bare one that
seals bundles directly, and a client that signs its HTTP requests as a post does."""

from __future__ import annotations

import random
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select

from postapp.domain.base import utcnow
from postapp.hq.auth import sign_headers
from postapp.hq.models import HQBundle
from postapp.hq.pgtest import free_port
from postapp.hq.posts import new_enrolment_secret, register_post, write_enrolment_file
from postapp.hq.store import HQStore
from postapp.store import Store, open_store
from postapp.survey import answering, interviews, responses
from postapp.survey.form import AnswerValue
from postapp.survey.models import InterviewNote, OutboxEntry, ResponseStatus, SurveyResponse
from postapp.sync import bundle as fmt
from postapp.sync import keys as keyfiles
from postapp.sync.bundle import Record
from postapp.sync.keys import KeyPair
from tests.survey.study import complete_answers, submit_response

HQ_ID = "test-hq"
CHUNK = 2048  # what the test client sends per request; HQ takes up to 64 KiB
MAX_CHUNK = 64 * 1024


def varied_answers(rng: random.Random) -> dict[str, AnswerValue | None]:
    overall = (rng.randint(2, 5), rng.randint(3, 5), rng.randint(1, 5))
    tasks = (rng.randint(2, 5), rng.randint(3, 5), rng.randint(2, 5))
    extra = rng.choice(["none", "planned", "taken"])
    overrides: dict[str, AnswerValue | None] = {
        "region": rng.choice(["africa", "europe", "asia_oceania"]),
        "business_activity": rng.choice(["low", "medium", "high"]), "extra_actions": extra}
    if extra != "none":
        overrides["actions_which"] = ("imvo_sessions",) if rng.random() < 0.5 else ("imvo_sessions", "company_advice")
    if rng.random() < 0.5:
        overrides["support_wished"] = ("good_examples", "training")
    if rng.random() < 0.3:
        overrides["remarks"] = f"Remark {rng.randint(1, 1000)}"
    return complete_answers(overall=overall, tasks=tasks, **overrides)


def plain_answers(answers: dict[str, AnswerValue | None]) -> dict[str, Any]:
    return {k: answering.to_plain(v) for k, v in answers.items() if v is not None}


def response_record(post_code: str, answers: dict[str, Any] | None = None, *, response_id: uuid.UUID | None = None,
                    form_version: str | None = None) -> Record:
    rid = str(response_id or uuid.uuid4())
    version = form_version or _study_version()
    data = {"id": rid, "form_id": responses.STUDY_FORM_ID, "form_version": version, "post_code": post_code,
            "synthetic": False, "started_at": "2026-11-20T10:00:00+00:00",
            "submitted_at": "2026-11-20T10:20:00+00:00",
            "answers": answers if answers is not None else plain_answers(complete_answers())}
    return Record(fmt.SURVEY_RESPONSE, rid, data)


_version: list[str] = []


def _study_version() -> str:
    if not _version:
        from postapp.survey.xlsform import load_form

        _version.append(load_form(responses.STUDY_FORM_FILE.read_bytes()).version)
    return _version[0]


@dataclass
class BarePost:
    """A post that exists only as keys and a sequence counter: it seals bundles directly."""

    code: str
    keys: KeyPair = field(default_factory=keyfiles.generate)
    seq: int = 0
    secret: str | None = None  # of its enrolment (set by ``register``); every bundle carries it

    def bundle(self, records: list[Record], *, hq_keys: KeyPair, seq: int | None = None, hq_id: str = HQ_ID,
               acks: list[int] | None = None, keys: KeyPair | None = None, secret: str | None = None) -> bytes:
        if seq is None:
            self.seq += 1
            seq = self.seq
        payload = fmt.make_payload(records, acks)
        if secret or self.secret:
            payload["enrolment_secret"] = secret or self.secret
        return fmt.seal(payload, direction=fmt.TO_HQ, hq_id=hq_id, post_code=self.code,
                        seq=seq, sender=keys or self.keys, recipient=hq_keys.public())

    def register(self, store: HQStore, *, name: str = "Post", country: str = "VN") -> BarePost:
        with store.session() as session:
            post = register_post(session, self.code, name=name, country=country)
            self.secret = new_enrolment_secret(session, post)
        return self


@dataclass
class LivePost:
    """A real post: its own SQLite store, enrolled with the file HQ wrote for it."""

    folder: Path
    code: str
    store: Store
    keys: KeyPair

    @classmethod
    def create(cls, folder: Path, hq_store: HQStore, hq_keys: KeyPair, code: str) -> LivePost:
        from postapp.sync.enrolment import enrol

        folder.mkdir(parents=True, exist_ok=True)
        with hq_store.session() as session:
            register_post(session, code, name=f"Post {code}", country="VN")
            write_enrolment_file(session, code, folder / "enrolment.json", hq_keys)
        store = open_store(folder / "post.sqlite3")
        with store.session() as session:
            enrol(session, folder / "enrolment.json", folder / "keys")
        return cls(folder, code, store, keyfiles.load(folder / "keys"))

    def close(self) -> None:
        self.store.close()

    def submit(self, count: int, seed: int = 1, *, fast: bool = False) -> list[uuid.UUID]:
        """Submits ``count`` varied responses through the survey services, or (``fast``) writes them and
        their outbox entries straight into the tables, as submitting would leave them."""
        rng = random.Random(seed)
        with self.store.session() as session:
            if not fast:
                return [submit_response(session, varied_answers(rng), post_code=self.code) for _ in range(count)]
            record = responses.ensure_study_form(session)
            now = utcnow()
            rows = [{"id": uuid.UUID(int=rng.getrandbits(128), version=4), "form_id": record.form_id,
                     "form_version": record.version, "status": ResponseStatus.SUBMITTED, "language": "en",
                     "page": 0, "started_at": now, "submitted_at": now, "synthetic": False, "payload": None,
                     "set_aside_reason": "", "answers": plain_answers(varied_answers(rng)), "created_at": now,
                     "updated_at": now, "post_code": self.code, "deleted_at": None} for _ in range(count)]
            session.execute(insert(SurveyResponse), rows)
            session.execute(insert(OutboxEntry), [{"record_type": responses.RESPONSE_RECORD, "record_id": r["id"],
                                                   "queued_at": now} for r in rows])
            return [r["id"] for r in rows]

    def interview(self, quote: str = "Useful guideline") -> uuid.UUID:
        import datetime as dt

        guide = interviews.load_guide()
        theme = guide.themes[0].code
        with self.store.session() as session:
            note = interviews.save_note(session, post_code=self.code, held_on=dt.date(2026, 11, 2),
                                        interviewee_role="economic officer", region="africa",
                                        business_activity="medium", themes=[theme],
                                        quotes=[{"theme": theme, "text": quote}], notes="notes")
            interviews.finalise(session, note.id)
            return note.id

    def propose_example(self, title: str = "IMVO session with Dutch companies") -> uuid.UUID:
        from postapp.coretasks import CoreTask
        from postapp.sync.examples import propose, save_example

        with self.store.session() as session:
            example = save_example(session, post_code=self.code, core_task=CoreTask.AWARENESS, title=title,
                                   summary="Forty companies came.", country="VN")
            propose(session, example.id)
            return example.id

    def next_bundle(self) -> bytes:
        from postapp.sync.post_side import next_bundle

        with self.store.session() as session:
            made = next_bundle(session, self.keys)
        assert made is not None
        return made[1]

    def apply(self, data: bytes) -> Any:
        from postapp.sync.post_side import apply_incoming

        with self.store.session() as session:
            return apply_incoming(session, data, self.keys, overrides=self.folder / "hq")


def counts(store: HQStore) -> tuple[int, int, int]:
    """(responses, interview notes, bundles) in HQ's database."""
    with store.read() as session:
        return (int(session.scalar(select(func.count()).select_from(SurveyResponse)) or 0),
                int(session.scalar(select(func.count()).select_from(InterviewNote)) or 0),
                int(session.scalar(select(func.count()).select_from(HQBundle)) or 0))


class PostClient:
    """Signs requests as post ``code`` would (``X-PostApp-*`` headers)."""

    def __init__(self, base_url: str, code: str, keys: KeyPair) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.code, self.keys = code, keys

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, body: bytes = b"", *, nonce: str | None = None,
                keys: KeyPair | None = None, code: str | None = None, sign_path: str | None = None) -> httpx.Response:
        nonce = nonce or secrets.token_hex(16)
        headers = sign_headers((keys or self.keys).sign, method, sign_path or path, body, code or self.code, nonce)
        return self.http.request(method, path, content=body, headers=headers)

    def state(self, seq: int) -> dict[str, Any]:
        response = self.request("GET", f"/v1/uploads/{seq}")
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def put(self, seq: int, data: bytes, offset: int, length: int = CHUNK) -> httpx.Response:
        chunk = data[offset:offset + length]
        return self.request("PUT", f"/v1/uploads/{seq}?offset={offset}&size={len(data)}", chunk)

    def push(self, seq: int, data: bytes, *, stop_at: int | None = None) -> dict[str, Any]:
        """Sends the bundle from where HQ says it is, chunk by chunk; stops early at ``stop_at`` bytes."""
        answer = self.state(seq)
        if answer["status"] == "accepted":
            return answer
        offset = int(answer["received"])
        while offset < len(data) and (stop_at is None or offset < stop_at):
            response = self.put(seq, data, offset)
            assert response.status_code == 200, response.text
            answer = response.json()
            offset = int(answer["received"])
        return answer

    def pull(self, after: int) -> httpx.Response:
        return self.request("GET", f"/v1/pull?after={after}")


class LiveServer:
    def __init__(self, app: object) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
                                limit_concurrency=50, timeout_keep_alive=5)  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
