"""Taking in a bundle from a post: checked, then applied in the caller's single transaction.

The order is fixed: the header names the post; an unknown or revoked post is refused; the bundle is
verified against the post's pinned keys (or, for its very first bundle, the keys it carries, which are
then pinned) and decrypted; a first bundle is taken (and its keys pinned) only if its encrypted payload
carries the secret of the post's latest enrolment file, so knowing a post's code is not enough to
become that post; a bundle already applied is acknowledged again and nothing else happens.
Bundles are taken in order (a later one waits for the one before it), so ``last_seq`` says all that
arrived; every record is idempotent by its id as well. Nothing is committed here: the caller's
transaction holds the records, the ``hq_bundle`` row and the post's new ``last_seq`` together, so a
server killed halfway leaves none of them, and the retry applies the bundle as if for the first time.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import hmac
import re
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Uuid, insert, select
from sqlalchemy.orm import Session

from postapp.coretasks import CoreTask
from postapp.domain.base import utcnow
from postapp.errors import ValidationError
from postapp.hq.errors import RefusedBundleError, UnknownPostError
from postapp.hq.models import ExampleStatus, HQActivityCount, HQBundle, HQGoodExample, HQPost
from postapp.hq.rules import RuleChecker
from postapp.i18n import _
from postapp.survey import answering, responses
from postapp.survey.form import AnswerValue, Form, QuestionType
from postapp.survey.models import InterviewNote, InterviewStatus, ResponseStatus, StoredForm, SurveyResponse
from postapp.sync import bundle as bundles
from postapp.sync.bundle import Bundle, Record
from postapp.sync.errors import BundleError
from postapp.sync.keys import KeyPair, PublicKeys

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# A response id as ``str(uuid.UUID(...))`` writes it; any other spelling is read with ``uuid.UUID``.
CANONICAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A moment PostgreSQL reads exactly as ``datetime.fromisoformat`` does (once that has accepted it): it is
# copied in as it came; any other spelling goes in as ``isoformat()`` of what Python read.
PLAIN_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?[+-][0-9]{2}:[0-9]{2}")
TASKS = frozenset(task.value for task in CoreTask)
MAX_COUNT = 1_000_000
IN_CHUNK = 1000  # ids per IN (...) query
FILE, HTTP = "file", "http"


@dataclass
class IngestResult:
    post_code: str
    seq: int
    already_received: bool = False
    responses: int = 0  # new responses taken in
    set_aside: int = 0  # of which kept aside (questionnaire unknown here, answers not fitting)
    notes: int = 0
    examples: int = 0
    activity_months: int = 0
    duplicates: int = 0  # records already here (by id)
    pinned_keys: bool = False  # this was the post's first bundle: its keys are now pinned
    messages: list[str] = field(default_factory=list)

    @property
    def ack(self) -> int:
        return self.seq

    @property
    def records(self) -> int:
        return self.responses + self.notes + self.examples + self.activity_months + self.duplicates


def find_post(session: Session, code: str, *, lock: bool = False) -> HQPost:
    """The registered, not revoked post ``code``; ``UnknownPostError`` otherwise."""
    post = session.get(HQPost, code, with_for_update=lock or None)
    if post is None:
        raise UnknownPostError(_("Post {code} is not registered at this headquarters; nothing was taken in.").format(
            code=code))
    if post.is_revoked:
        raise UnknownPostError(_("Post {code} has been revoked at this headquarters; nothing was taken in.").format(
            code=code), code="revoked")
    return post


def pinned_keys(post: HQPost) -> PublicKeys | None:
    if post.sign_key is None or post.box_key is None:
        return None
    return PublicKeys(post.sign_key, post.box_key)


def secret_hash(secret: str) -> str:
    """What HQ keeps of an enrolment secret: its SHA-256 in hexadecimal."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def carries_enrolment_secret(post: HQPost, payload: Mapping[str, Any]) -> bool:
    """Whether a bundle's payload holds the secret of the post's latest enrolment file."""
    secret = payload.get("enrolment_secret")
    if post.enrolment_secret_hash is None or not isinstance(secret, str) or not secret or len(secret) > 200:
        return False
    return hmac.compare_digest(secret_hash(secret), post.enrolment_secret_hash)


def open_from_post(session: Session, data: bytes, hq_keys: KeyPair, hq_id: str) -> tuple[HQPost, Bundle]:
    """The sending post (locked for this transaction) and the verified, decrypted bundle."""
    header = bundles.read_header(data)
    if header.direction != bundles.TO_HQ:
        raise BundleError(_("This bundle was made by headquarters for a post; it cannot be imported here."))
    post = find_post(session, header.post_code, lock=True)
    known = pinned_keys(post)
    if known is not None and header.sender_keys != known:
        raise BundleError(_("This bundle from post {code} is signed with other keys than the ones HQ knows for "
                            "it; it is refused. If the post has new keys, revoke and register it again.").format(
            code=post.code))
    opened = bundles.open_bundle(data, recipient=hq_keys, sender=known or header.sender_keys, hq_id=hq_id)
    if known is None and not carries_enrolment_secret(post, opened.payload):
        # Keys are pinned from a first bundle only if it comes from the laptop given the enrolment file.
        raise BundleError(_("This bundle does not come from the laptop enrolled for post {code}; enrol it again "
                            "with a new enrolment file.").format(code=post.code))
    return post, opened


_pause_lock = threading.Lock()
_pausers = 0  # ingests under way (the server runs several in threads)
_resume = False  # whether the collector was on before the first of them paused it


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a bundle is taken in, then as it was before.

    A bundle of a thousand responses is a hundred thousand small objects (the payload, the answers as
    read, the rows), none of them in a cycle: reference counting frees them all. Yet each 700 new ones
    start a collection, and every so often one that walks the whole heap, which cost a quarter of the
    ingest's time in ``bench/hq_ingest.py``. Nested and concurrent pauses count: the collector is on
    again once the last one ends, unless it was off before the first began; each ingest that ends while
    others still run collects the young generations itself."""
    global _pausers, _resume
    with _pause_lock:
        if _pausers == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pausers += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pausers -= 1
            if _pausers == 0 and _resume:
                gc.enable()
            elif _resume:
                # Other ingests still run (a busy server overlaps them without end): collect the
                # youngest generations now, so cycles made meanwhile (sessions, ORM state) never pile up.
                gc.collect(1)


def ingest(session: Session, data: bytes, hq_keys: KeyPair, hq_id: str, *, via: str = FILE,
           expect_post: str | None = None, expect_seq: int | None = None) -> IngestResult:
    """Checks and applies one bundle from a post in the caller's transaction (see the module's text).

    Raises ``BundleError`` (damaged, forged, for another HQ), ``UnknownPostError`` (unknown or revoked
    post) or ``RefusedBundleError`` (a record that cannot be read); nothing is applied then."""
    with collection_paused():
        return _ingest(session, data, hq_keys, hq_id, via=via, expect_post=expect_post, expect_seq=expect_seq)


def _ingest(session: Session, data: bytes, hq_keys: KeyPair, hq_id: str, *, via: str,
            expect_post: str | None, expect_seq: int | None) -> IngestResult:
    post, bundle = open_from_post(session, data, hq_keys, hq_id)
    header = bundle.header
    if (expect_post is not None and header.post_code != expect_post) or (
            expect_seq is not None and header.seq != expect_seq):
        raise RefusedBundleError(_("The uploaded bundle is bundle {seq} of post {code}, not the one announced; "
                                   "it is refused.").format(seq=header.seq, code=header.post_code))
    result = IngestResult(post.code, header.seq)
    if header.seq <= post.last_seq:
        result.already_received = True
        return result
    if header.seq > post.last_seq + 1:
        raise BundleError(_("Bundle {seq} from post {code} cannot be taken in yet: bundle {missing} has not arrived. "
                            "Import the post's bundles in order.").format(seq=header.seq, code=post.code,
                                                                          missing=post.last_seq + 1))
    records: list[dict[str, Any]] = bundle.payload["records"]  # checked by open_bundle: type, id, data
    apply_records(session, post, header.seq, records, result)
    if pinned_keys(post) is None:  # set here, with the rest: one UPDATE of the post
        post.sign_key, post.box_key = header.sender_keys.sign, header.sender_keys.box
        result.pinned_keys = True
    acks = bundle.acks
    if acks:
        post.out_acked = max(post.out_acked, min(max(acks), post.out_seq))
    now = utcnow()
    session.add(HQBundle(post_code=post.code, seq=header.seq, received_at=now, sha256=hashlib.sha256(data).hexdigest(),
                         size=len(data), record_count=len(records), via=via))
    post.last_seq = header.seq
    post.last_sync_at = now
    session.flush()
    return result


def apply_records(session: Session, post: HQPost, seq: int, records: list[dict[str, Any]],
                  result: IngestResult) -> None:
    """Applies a bundle's records (``{"type", "id", "data"}``); responses many at a time, the rest one by one."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_type.setdefault(record["type"], []).append(record)
    unknown = sorted(set(by_type) - bundles.TO_HQ_TYPES)
    if unknown:
        raise RefusedBundleError(_("The bundle holds records of type {kind}, which this HQ does not know; "
                                   "update the HQ server. Nothing was taken in.").format(kind=unknown[0]))
    receive_responses(session, post.code, [r["data"] for r in by_type.get(bundles.SURVEY_RESPONSE, [])], result)
    for raw in by_type.get(bundles.INTERVIEW_NOTE, []):
        _upsert_note(session, post.code, Record(raw["type"], raw["id"], raw["data"]), result)
    for raw in by_type.get(bundles.GOOD_EXAMPLE, []):
        _upsert_example(session, post, Record(raw["type"], raw["id"], raw["data"]), result)
    for raw in by_type.get(bundles.ACTIVITY_COUNTS, []):
        _upsert_counts(session, post.code, seq, Record(raw["type"], raw["id"], raw["data"]), result)


def _refuse(record_type: str, record_id: str, problem: str) -> RefusedBundleError:
    return RefusedBundleError(_("Record {kind} {id} in the bundle cannot be read ({problem}); nothing of the "
                                "bundle was taken in.").format(kind=record_type, id=record_id[:60], problem=problem))


def _uuid(record: Record) -> uuid.UUID:
    raw = str(record.data.get("id", record.id))
    try:
        value = uuid.UUID(raw)
        same = record.id == raw or uuid.UUID(str(record.id)) == value
    except ValueError:
        raise _refuse(record.type, record.id, _("no valid id")) from None
    if not same:
        raise _refuse(record.type, record.id, _("two different ids"))
    return value


# --- survey responses ---------------------------------------------------------------------------------

def _hashable(value: object) -> object:
    """A key telling apart what JSON tells apart (1, 1.0, True and "1" are four different answers)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ("list", tuple(_hashable(v) for v in value))
    if isinstance(value, dict):
        raise TypeError("no answer is an object")
    return (type(value).__name__, value)


class _Answers:
    """Reads the answers of many responses to one questionnaire as ``responses.receive`` does: each value
    with ``answering.from_plain`` (and ``normalise``, as storing does), then the form's rules
    (``RuleChecker``: ``answering.problems`` and ``kept_answers``, fast). Each (question, value) is read
    once: a study's ratings repeat endlessly.

    Most answers are options of a select_one, which read as themselves: the options for which that holds
    (from ``from_plain`` and ``normalise`` themselves) are worked out once, as (question, option) pairs,
    and ``plain`` checks all the select_one answers of a response against them in one set comparison;
    only the other answers (texts, numbers, select_multiples) are read one by one. An answer set that is
    not all known options goes the slow way (``plain_slow``), which reads every value."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.rules = RuleChecker(form)
        self.values: dict[str, dict[object, tuple[AnswerValue | None, object]]] = {
            q.name: {} for q in form.questions()}
        self.options = frozenset(self._options_as_themselves(form))
        self.others = tuple(q.name for q in form.questions() if q.type is not QuestionType.SELECT_ONE)
        # plain's own cache of the other answers, keyed by type and value: 1, 1.0, True and "1" differ
        self.seen: dict[str, dict[object, tuple[AnswerValue | None, object]]] = {name: {} for name in self.others}

    @staticmethod
    def _options_as_themselves(form: Form) -> Iterator[tuple[str, str]]:
        """(question, option) for each option of a select_one that reads and stores as itself."""
        for question in form.questions():
            if question.type is not QuestionType.SELECT_ONE:
                continue
            for choice in form.choices.get(question.list_name or "", ()):
                try:
                    checked = answering.normalise(form, question, answering.from_plain(form, question, choice.name))
                except ValidationError:
                    continue
                if type(checked) is str and checked == choice.name and answering.to_plain(checked) == choice.name:
                    yield question.name, choice.name

    def _read(self, name: str, raw: object, key: object) -> tuple[AnswerValue | None, object]:
        question = self.form.question(name)  # KeyError: the form has no such question
        checked = answering.normalise(self.form, question, answering.from_plain(self.form, question, raw))
        found = (checked, None if checked is None else answering.to_plain(checked))
        seen = self.values[name]
        if len(seen) < 20_000:
            seen[key] = found
        return found

    def _read_other(self, name: str, value: object, key: object) -> tuple[AnswerValue | None, object]:
        question = self.form.question(name)
        checked = answering.normalise(self.form, question, answering.from_plain(self.form, question, value))
        found = (checked, None if checked is None else answering.to_plain(checked))
        seen = self.seen[name]
        if len(seen) < 20_000 and (type(value) is not list or all(type(v) is str for v in value)):
            seen[key] = found
        return found

    def plain(self, raw: Mapping[str, object]) -> dict[str, object] | None:
        """The answers as stored, or None when ``receive`` would keep the response aside (it then does).

        The same as ``plain_slow``, for answers as JSON gives them (``tests/hq/test_rules.py`` compares
        the two): a text (str) equals no other JSON value, so a select_one answer equal to a known option
        is that option, and a list equal to a tuple of texts remembered here is a list of those texts.
        Anything unexpected (a value that cannot be a key) goes to ``plain_slow``."""
        values: dict[str, object] = dict(raw)  # becomes the answers as read (AnswerValues)
        take = values.pop
        others = [(name, take(name)) for name in self.others if name in values]
        try:
            if not values.items() <= self.options:  # what is left: select_one answers, each a known option?
                return self.plain_slow(raw)
            stored = dict(raw)  # in the response's order, as plain_slow gives it
            seen = self.seen
            for name, value in others:
                kind = type(value)
                key = value if kind is str else (kind, tuple(value)) if kind is list else (kind, value)  # type: ignore[arg-type]
                found = seen[name].get(key)
                checked, plain = found if found is not None else self._read_other(name, value, key)
                if checked is None:
                    del stored[name]
                else:
                    values[name] = checked
                    stored[name] = plain
        except TypeError:  # a value that cannot be a key (an object, a list holding one)
            return self.plain_slow(raw)
        except (KeyError, ValidationError):
            return None
        dropped = self.rules.dropped(values)  # type: ignore[arg-type]
        if dropped is None:
            return None
        for name in dropped:
            del stored[name]
        return stored

    def plain_slow(self, raw: Mapping[str, object]) -> dict[str, object] | None:
        """``plain`` the long way: every value read on its own (each remembered), then the rules."""
        values: dict[str, AnswerValue] = {}
        plain: dict[str, object] = {}
        cache = self.values
        try:
            for name, value in raw.items():
                kind = type(value)
                if kind is str:
                    key: object = value
                elif kind is list and all(type(v) is str for v in value):  # type: ignore[attr-defined]
                    key = ("list", *value)  # type: ignore[misc]
                else:
                    key = _hashable(value)
                try:
                    checked, stored = cache[name][key]
                except KeyError:
                    checked, stored = self._read(name, value, key)
                if checked is not None:
                    values[name] = checked
                    plain[name] = stored
        except (KeyError, TypeError, ValidationError):
            return None
        dropped = self.rules.dropped(values)
        if dropped is None:
            return None
        return {name: value for name, value in plain.items() if name not in dropped} if dropped else plain


def _moment(value: object, default: dt.datetime) -> dt.datetime:
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return default
        if moment.tzinfo is not None:
            return moment
    return default


_Stamp = tuple[dt.datetime, str]  # a moment and the text COPY gives PostgreSQL for it


def _stamp(value: object, default: _Stamp) -> _Stamp:
    """``_moment`` with the text for COPY: the value itself when it is plainly written (``PLAIN_MOMENT``)."""
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return default
        if moment.tzinfo is not None:
            return moment, value if PLAIN_MOMENT.fullmatch(value) else moment.isoformat()
    return default


def _response_id(value: object) -> str | None:
    """A response's id in its one written form (``str(uuid)``), or None when it is no valid UUID."""
    if isinstance(value, str) and CANONICAL_ID.fullmatch(value):
        return value
    try:
        return str(uuid.UUID(value))  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError):
        return None


def _existing_ids(session: Session, model: type[SurveyResponse] | type[InterviewNote],
                  ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    wanted = list(ids)
    if session.connection().dialect.name == "postgresql":  # one array parameter instead of a thousand
        from sqlalchemy import any_, bindparam
        from sqlalchemy.dialects.postgresql import ARRAY

        ids_param = bindparam("ids", wanted, type_=ARRAY(Uuid()))
        return set(session.scalars(select(model.id).where(model.id == any_(ids_param))))
    found: set[uuid.UUID] = set()
    for start in range(0, len(wanted), IN_CHUNK):
        found.update(session.scalars(select(model.id).where(model.id.in_(wanted[start:start + IN_CHUNK]))))
    return found


COPY_COLUMNS = ("id", "form_id", "form_version", "status", "language", "page", "started_at", "submitted_at",
                "synthetic", "payload", "set_aside_reason", "answers", "created_at", "updated_at", "post_code",
                "deleted_at")
# (id as str(uuid), form_id, form_version, language, started_at, submitted_at, synthetic, answers)
_Row = tuple[str, str, str, str, _Stamp, _Stamp, bool, dict[str, object]]
_readers: dict[tuple[str, str, str], _Answers] = {}


def _reader(session: Session, form_id: str, version: str) -> _Answers | None:
    """What reads answers to this questionnaire version, kept between bundles (with what it learnt)."""
    sha256 = session.scalar(select(StoredForm.sha256).where(
        StoredForm.form_id == form_id, StoredForm.version == version, StoredForm.deleted_at.is_(None)))
    if sha256 is None:
        return None
    key = (form_id, version, sha256)
    reader = _readers.get(key)
    if reader is None:
        record = responses.find_form(session, form_id, version)
        assert record is not None
        if len(_readers) >= 8:
            _readers.pop(next(iter(_readers)))
        reader = _readers[key] = _Answers(responses.form_of(record))
    return reader


def _readers_for(session: Session, payloads: Iterable[dict[str, Any]]) -> dict[tuple[object, object], _Answers | None]:
    """The reader of every questionnaire version the responses name (None for one not known here)."""
    keys = {(p.get("form_id"), p.get("form_version")) for p in payloads}
    return {key: _reader(session, key[0], key[1]) if isinstance(key[0], str) and isinstance(key[1], str)
            else None for key in keys}


def _checked(forms: Mapping[tuple[object, object], _Answers | None],
             payloads: Iterable[tuple[str, dict[str, Any]]], slow: list[dict[str, Any]],
             now: _Stamp) -> Iterator[_Row]:
    """The rows of the responses that can be taken in as they are; the others go to ``slow``. Runs no
    query: it is read while the COPY that stores its rows is in progress."""
    for response_id, payload in payloads:
        get = payload.get
        form_key = (get("form_id"), get("form_version"))
        reader = forms.get(form_key)
        raw = get("answers")
        answers = reader.plain(raw) if reader is not None and isinstance(raw, dict) else None
        if answers is None:
            slow.append(payload)
            continue
        submitted = _stamp(get("submitted_at"), now)
        language = get("language", "")
        yield (response_id, form_key[0], form_key[1],  # type: ignore[misc]
               language[:10] if isinstance(language, str) else "", _stamp(get("started_at"), submitted),
               submitted, bool(get("synthetic", False)), answers)


def _insert(session: Session, post_code: str, rows: Iterable[_Row], now: dt.datetime) -> int:
    """Inserts rows in the session's transaction, as they come: COPY on PostgreSQL (the database stores
    one while the next is checked), batches elsewhere. Returns how many."""
    connection = session.connection()
    count = 0
    if connection.dialect.name != "postgresql":
        values = [{"id": uuid.UUID(r[0]), "form_id": r[1], "form_version": r[2], "status": ResponseStatus.SUBMITTED,
                   "language": r[3], "page": 0, "started_at": r[4][0], "submitted_at": r[5][0], "synthetic": r[6],
                   "payload": None, "set_aside_reason": "", "answers": r[7], "created_at": now, "updated_at": now,
                   "post_code": post_code, "deleted_at": None} for r in rows]
        for start in range(0, len(values), 5000):
            session.execute(insert(SurveyResponse), values[start:start + 5000])
        return len(values)
    import orjson

    raw = connection.connection.dbapi_connection
    assert raw is not None
    statement = f"COPY survey_response ({', '.join(COPY_COLUMNS)}) FROM STDIN"
    stamp, status, dumps = now.isoformat(), ResponseStatus.SUBMITTED.value, orjson.dumps
    # Text for every column: what psycopg would make of the values anyway, at a fraction of the cost.
    with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
        write = copy.write_row
        for rid, form_id, version, language, started, submitted, synthetic, answers in rows:
            write((rid, form_id, version, status, language, "0", started[1], submitted[1],
                   "t" if synthetic else "f", None, "", dumps(answers).decode(), stamp, stamp, post_code, None))
            count += 1
    return count


def receive_responses(session: Session, post_code: str, payloads: list[dict[str, Any]],
                      result: IngestResult) -> None:
    """Takes in submitted responses as ``postapp.survey.responses.receive`` does, many at a time.

    A response already here is left as it is; one whose questionnaire is known and whose answers fit it
    and its rules is inserted with the others (COPY on PostgreSQL); anything else (questionnaire unknown
    here, answers that do not fit, no valid id) goes through ``responses.receive`` itself, which keeps it
    aside with the reason. The bundle's signature proves which post sent it: that post is the owner,
    whatever the record says.

    On PostgreSQL the rows are copied in without asking first which are here already (a bundle is taken
    in once, so its responses are new but for rare cases: a post restored from a backup, re-enrolled);
    if one is, the copy fails on the primary key, is rolled back to a savepoint and done again without
    those."""
    if not payloads:
        return
    unique: dict[str, dict[str, Any]] = {}  # by id, written as str(uuid)
    invalid: list[dict[str, Any]] = []
    for payload in payloads:
        response_id = _response_id(payload.get("id"))
        if response_id is None:
            invalid.append(payload)
            continue
        if response_id in unique:
            result.duplicates += 1
        else:
            unique[response_id] = payload
    now = utcnow()
    stamp = (now, now.isoformat())
    forms = _readers_for(session, unique.values())
    slow: list[dict[str, Any]] = []
    taken: int | None = None
    if session.connection().dialect.name == "postgresql":
        from psycopg.errors import UniqueViolation

        savepoint = session.begin_nested()
        try:
            taken = _insert(session, post_code, _checked(forms, unique.items(), slow, stamp), now)
            savepoint.commit()
        except UniqueViolation:
            savepoint.rollback()
            slow, taken = [], None
    if taken is None:
        existing = {str(found) for found in _existing_ids(session, SurveyResponse, map(uuid.UUID, unique))}
        result.duplicates += len(existing)
        fresh = ((rid, payload) for rid, payload in unique.items() if rid not in existing)
        taken = _insert(session, post_code, _checked(forms, fresh, slow, stamp), now)
    result.responses += taken
    for payload in invalid + slow:
        response = responses.receive(session, {**payload, "post_code": post_code})
        result.responses += 1
        if response.status is ResponseStatus.SET_ASIDE:
            result.set_aside += 1
            result.messages.append(response.set_aside_reason)


# --- interview notes, good examples, activity counts --------------------------------------------------

def _text(record: Record, key: str, limit: int, default: str = "") -> str:
    value = record.data.get(key, default)
    if value is None:
        value = default
    if not isinstance(value, str):
        raise _refuse(record.type, record.id, _("{field} is not text").format(field=key))
    if len(value) > limit:
        raise _refuse(record.type, record.id, _("{field} is too long").format(field=key))
    return value


def _texts(record: Record, key: str) -> list[Any]:
    value = record.data.get(key) or []
    if not isinstance(value, list) or len(value) > 1000:
        raise _refuse(record.type, record.id, _("{field} is not a list").format(field=key))
    return value


def _upsert_note(session: Session, post_code: str, record: Record, result: IngestResult) -> None:
    note_id = _uuid(record)
    try:
        held_on = dt.date.fromisoformat(_text(record, "held_on", 10))
    except ValueError:
        raise _refuse(record.type, record.id, _("no valid date")) from None
    quotes = _texts(record, "quotes")
    if not all(isinstance(q, dict) and all(isinstance(v, str) for v in q.values()) for q in quotes):
        raise _refuse(record.type, record.id, _("the quotes are damaged"))
    status = _text(record, "status", 20, InterviewStatus.FINAL.value)
    if status not in {s.value for s in InterviewStatus}:
        raise _refuse(record.type, record.id, _("unknown status {status}").format(status=status))
    updated = _moment(record.data.get("updated_at"), utcnow())
    values: dict[str, Any] = {
        "guide_id": _text(record, "guide_id", 100), "guide_version": _text(record, "guide_version", 50),
        "held_on": held_on, "interviewee_role": _text(record, "interviewee_role", 200),
        "region": _text(record, "region", 50), "business_activity": _text(record, "business_activity", 20),
        "themes": [str(t) for t in _texts(record, "themes")],
        "quotes": [{str(k): str(v) for k, v in q.items()} for q in quotes],
        "follow_ups": [str(f) for f in _texts(record, "follow_ups")], "notes": _text(record, "notes", 100_000),
        "status": InterviewStatus(status), "synthetic": bool(record.data.get("synthetic", False)),
        "updated_at": updated, "post_code": post_code, "deleted_at": None,
    }
    note = session.get(InterviewNote, note_id)
    if note is None:
        session.add(InterviewNote(id=note_id, created_at=_moment(record.data.get("created_at"), updated), **values))
        result.notes += 1
    elif note.post_code != post_code:
        raise _refuse(record.type, record.id, _("it belongs to another post"))
    elif note.updated_at <= updated:  # an older copy arriving late never overwrites a newer one
        for key, value in values.items():
            setattr(note, key, value)
        result.notes += 1
    else:
        result.duplicates += 1


def _upsert_example(session: Session, post: HQPost, record: Record, result: IngestResult) -> None:
    example_id = _uuid(record)
    title = _text(record, "title", 300).strip()
    if not title:
        raise _refuse(record.type, record.id, _("it has no title"))
    task = _text(record, "core_task", 20)
    if task not in TASKS:
        raise _refuse(record.type, record.id, _("unknown core task {task}").format(task=task))
    summary = _text(record, "summary", 20_000)
    country = _text(record, "country", 100) or post.country
    example = session.get(HQGoodExample, example_id)
    if example is None:
        session.add(HQGoodExample(id=example_id, post_code=post.code, core_task=task, title=title, summary=summary,
                                  country=country, status=ExampleStatus.PROPOSED, received_at=utcnow()))
        result.examples += 1
    elif example.post_code != post.code:
        raise _refuse(record.type, record.id, _("it belongs to another post"))
    elif example.status is ExampleStatus.PROPOSED:  # once HQ has decided, the decided text stays
        example.core_task, example.title, example.summary, example.country = task, title, summary, country
        result.examples += 1
    else:
        result.duplicates += 1


def _upsert_counts(session: Session, post_code: str, seq: int, record: Record, result: IngestResult) -> None:
    month = record.data.get("month")
    counts = record.data.get("counts")
    if not isinstance(month, str) or not MONTH.match(month):
        raise _refuse(record.type, record.id, _("no valid month"))
    if not isinstance(counts, dict) or len(counts) > len(TASKS):
        raise _refuse(record.type, record.id, _("the counts are damaged"))
    for task, count in counts.items():
        if task not in TASKS:
            raise _refuse(record.type, record.id, _("unknown core task {task}").format(task=task))
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
            raise _refuse(record.type, record.id, _("the counts are damaged"))
    stored = {row.core_task: row for row in session.scalars(select(HQActivityCount).where(
        HQActivityCount.post_code == post_code, HQActivityCount.month == month))}
    changed = False
    for task, count in counts.items():
        row = stored.get(task)
        if row is None:
            session.add(HQActivityCount(post_code=post_code, month=month, core_task=task, count=count, seq=seq))
            changed = True
        elif row.seq <= seq:  # the counts of a month are totals: the latest bundle's figures win
            row.count, row.seq = count, seq
            changed = True
    if changed:
        result.activity_months += 1
    else:
        result.duplicates += 1
