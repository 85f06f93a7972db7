"""The post's side of sync, the same for the line and for files.

Out: ``next_bundle`` seals what waits in the outbox (submitted survey responses, final interview notes,
proposed good examples) with the monthly activity counts per core task that changed, as the next bundle
to HQ. A sealed bundle is stored and sent again byte for byte until HQ acknowledges it
(``pending_bundles``, ``acknowledge``). No person data ever travels: there is no record type for
persons, and activity counts are numbers per month and core task.

In: ``apply_incoming`` checks a bundle from HQ against HQ's keys from the enrolment and applies it in one
savepoint: all of it, or (with a ``BundleError``) nothing.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from postapp.coretasks import CoreTask
from postapp.domain import Activity
from postapp.domain.base import utcnow
from postapp.errors import PostAppError
from postapp.i18n import _
from postapp.survey.models import InterviewNote, InterviewStatus, OutboxEntry, ResponseStatus, SurveyResponse
from postapp.survey.responses import export_payload, import_form
from postapp.sync import bundle as fmt
from postapp.sync.bundle import Record
from postapp.sync.canonical import canonical_json
from postapp.sync.enrolment import require_state
from postapp.sync.errors import BundleError
from postapp.sync.keys import KeyPair, PublicKeys
from postapp.sync.models import ExampleSource, ExampleStatus, GoodExample, SyncBundle, SyncOutboxBundle, SyncState

COUNT_MONTHS = 24
MAX_RECORDS = 20_000  # per bundle; more waiting entries go in the next one
CHUNK = 500


def hq_overrides_dir() -> Path:
    """Where content from HQ is kept (``guidelines/<task>.json``, ``risk/risk_profiles.json``), beside the
    shipped resources, which are never overwritten. The files have the shipped files' form, so
    ``guidelines.load(task, folder)`` and ``risk_data.load(path)`` read them as they are."""
    from postapp.paths import user_data_dir

    return user_data_dir() / "hq"


def hq_keys(state: SyncState) -> PublicKeys:
    return PublicKeys(state.hq_sign_key, state.hq_box_key)


# ---- out: to HQ ---------------------------------------------------------------------------------------


def _by_id(session: Session, model: Any, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
    found: dict[uuid.UUID, Any] = {}
    for start in range(0, len(ids), CHUNK):
        for row in session.scalars(select(model).where(model.id.in_(ids[start:start + CHUNK]))):
            found[row.id] = row
    return found


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def note_payload(note: InterviewNote) -> dict[str, Any]:
    return {"id": str(note.id), "post_code": note.post_code, "guide_id": note.guide_id,
            "guide_version": note.guide_version, "held_on": note.held_on.isoformat(),
            "interviewee_role": note.interviewee_role, "region": note.region,
            "business_activity": note.business_activity, "themes": list(note.themes), "quotes": list(note.quotes),
            "follow_ups": list(note.follow_ups), "notes": note.notes, "synthetic": note.synthetic,
            "created_at": _iso(note.created_at), "updated_at": _iso(note.updated_at)}


def example_payload(example: GoodExample) -> dict[str, Any]:
    return {"id": str(example.id), "post_code": example.post_code, "core_task": example.core_task.value,
            "title": example.title, "summary": example.summary, "country": example.country,
            "status": example.status.value, "created_at": _iso(example.created_at),
            "updated_at": _iso(example.updated_at)}


def _record_for(session: Session, entry: OutboxEntry, found: dict[uuid.UUID, Any]) -> Record | None:
    """The record an outbox entry stands for, or None while it is not (or no longer) meant to travel."""
    row = found.get(entry.record_id)
    if row is None or row.deleted_at is not None:
        return None
    if entry.record_type == fmt.SURVEY_RESPONSE and row.status is ResponseStatus.SUBMITTED:
        return Record(fmt.SURVEY_RESPONSE, str(row.id), export_payload(session, row))
    if entry.record_type == fmt.INTERVIEW_NOTE and row.status is InterviewStatus.FINAL:
        return Record(fmt.INTERVIEW_NOTE, str(row.id), note_payload(row))
    if (entry.record_type == fmt.GOOD_EXAMPLE and row.status is ExampleStatus.PROPOSED
            and row.source is ExampleSource.POST):
        return Record(fmt.GOOD_EXAMPLE, str(row.id), example_payload(row))
    return None


MODELS: dict[str, Any] = {fmt.SURVEY_RESPONSE: SurveyResponse, fmt.INTERVIEW_NOTE: InterviewNote,
                          fmt.GOOD_EXAMPLE: GoodExample}


def _outbox_records(session: Session) -> list[tuple[OutboxEntry, Record]]:
    linked = select(SyncOutboxBundle.outbox_seq)
    entries = list(session.scalars(
        select(OutboxEntry).where(OutboxEntry.acknowledged_at.is_(None), OutboxEntry.record_type.in_(list(MODELS)),
                                  OutboxEntry.seq.not_in(linked)).order_by(OutboxEntry.seq).limit(MAX_RECORDS)))
    found: dict[uuid.UUID, Any] = {}
    for record_type, model in MODELS.items():
        ids = [e.record_id for e in entries if e.record_type == record_type]
        if ids:
            found.update(_by_id(session, model, ids))
    out = []
    for entry in entries:
        record = _record_for(session, entry, found)
        if record is not None:
            out.append((entry, record))
    return out


def _months(today: dt.date) -> list[str]:
    year, month = today.year, today.month
    months = []
    for _step in range(COUNT_MONTHS):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def monthly_counts(session: Session, today: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Activities held per month and core task over the last 24 months up to today (this month included,
    planned activities not), every core task present, zero when there were none. Numbers only."""
    today = today or dt.date.today()
    months = _months(today)
    first = dt.date(int(months[0][:4]), int(months[0][5:]), 1)
    counts: dict[str, Counter[str]] = {m: Counter() for m in months}
    rows = session.execute(
        select(Activity.date, Activity.core_task, func.count())
        .where(Activity.deleted_at.is_(None), Activity.date >= first, Activity.date <= today)
        .group_by(Activity.date, Activity.core_task))
    for day, task, n in rows:
        counts[f"{day.year:04d}-{day.month:02d}"][CoreTask(task).value] += n
    return {m: {t.value: counts[m][t.value] for t in CoreTask} for m in months}


def next_bundle(session: Session, keys: KeyPair, *, today: dt.date | None = None) -> tuple[int, bytes] | None:
    """Seals everything new as the next bundle to HQ, stores it and returns ``(seq, bytes)``; None when
    nothing new waits. Runs in the caller's transaction: the bundle, the links from the outbox entries
    it carries and the raised sequence number are kept together or not at all."""
    state = require_state(session)
    outbox = _outbox_records(session)
    counts = monthly_counts(session, today)
    sent = state.counts_sent or {}
    changed = [m for m in counts if sent.get(m) != counts[m]]
    records = [record for _entry, record in outbox]
    records += [Record(fmt.ACTIVITY_COUNTS, f"{state.post_code}:{m}", {"month": m, "counts": counts[m]})
                for m in changed]
    if not records:
        return None
    seq = state.next_seq
    acks = [state.last_applied_hq_seq] if state.last_applied_hq_seq > 0 else []
    payload = fmt.make_payload(records, acks)
    if state.enrolment_secret:  # inside the encrypted payload: proves to HQ this laptop was given the file
        payload["enrolment_secret"] = state.enrolment_secret
    data = fmt.seal(payload, direction=fmt.TO_HQ, hq_id=state.hq_id, post_code=state.post_code, seq=seq,
                    sender=keys, recipient=hq_keys(state))
    session.add(SyncBundle(seq=seq, created_at=utcnow(), data=data, record_count=len(records)))
    session.flush()
    links = [{"outbox_seq": entry.seq, "bundle_seq": seq} for entry, _record in outbox]
    for start in range(0, len(links), 5000):
        session.execute(insert(SyncOutboxBundle), links[start:start + 5000])
    state.next_seq = seq + 1
    state.counts_sent = counts
    session.flush()
    return seq, data


def pending_bundles(session: Session) -> list[SyncBundle]:
    """Bundles HQ has not acknowledged yet, oldest first: send these again as they are."""
    return list(session.scalars(select(SyncBundle).where(SyncBundle.acknowledged_at.is_(None))
                                .order_by(SyncBundle.seq)))


def acknowledge(session: Session, seq: int) -> bool:
    """Marks bundle ``seq`` and the outbox entries it carried acknowledged; False when it is unknown or was
    acknowledged already (an acknowledgement may arrive twice)."""
    found = session.get(SyncBundle, seq)
    if found is None or found.acknowledged_at is not None:
        return False
    now = utcnow()
    found.acknowledged_at = now
    carried = select(SyncOutboxBundle.outbox_seq).where(SyncOutboxBundle.bundle_seq == seq)
    session.execute(update(OutboxEntry).where(OutboxEntry.seq.in_(carried), OutboxEntry.acknowledged_at.is_(None))
                    .values(acknowledged_at=now))
    session.flush()
    return True


def acknowledge_through(session: Session, seq: int) -> list[int]:
    """Acknowledges every pending bundle up to and including ``seq`` (HQ takes bundles in order, so
    an acknowledgement of ``seq`` covers all before it); returns the sequence numbers newly acknowledged."""
    done = [b.seq for b in pending_bundles(session) if b.seq <= seq]
    for number in done:
        acknowledge(session, number)
    return done


# ---- in: from HQ --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplyResult:
    seq: int
    already_applied: bool = False
    applied: dict[str, int] = field(default_factory=dict)  # record type -> number of records
    acknowledged: tuple[int, ...] = ()  # our bundles this one acknowledged

    @property
    def record_count(self) -> int:
        return sum(self.applied.values())


FileWrites = list[tuple[Path, bytes]]


def _text(data: dict[str, Any], key: str, limit: int, *, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise ValueError(key)
    return value


def _apply_form(session: Session, record: Record, files: FileWrites, folder: Path) -> None:
    from postapp.survey.xlsform import MAX_FORM_BYTES

    encoded = record.data["xlsx_b64"]
    if not isinstance(encoded, str) or len(encoded) > MAX_FORM_BYTES * 4 // 3 + 4:
        raise ValueError("xlsx_b64")
    stored = import_form(session, base64.b64decode(encoded, validate=True))
    if (stored.form_id, stored.version) != (record.data.get("form_id"), str(record.data.get("version"))):
        raise ValueError("form_id")


def _apply_example(session: Session, record: Record, files: FileWrites, folder: Path) -> None:
    data = record.data
    example_id = uuid.UUID(record.id)
    task = CoreTask(data["core_task"])
    title = _text(data, "title", 300, required=True)
    summary, country = _text(data, "summary", 100_000), _text(data, "country", 10)
    post_code = _text(data, "post_code", 16)
    example = session.get(GoodExample, example_id)
    if example is None:
        example = GoodExample(id=example_id, core_task=task, title=title)
        session.add(example)
    example.core_task, example.title, example.summary, example.country = task, title, summary, country
    example.post_code, example.source, example.status = post_code, ExampleSource.HQ, ExampleStatus.APPROVED
    example.deleted_at = utcnow() if data.get("deleted") is True else None
    example.updated_at = utcnow()


def _json_file(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8") + b"\n"


def _apply_guideline(session: Session, record: Record, files: FileWrites, folder: Path) -> None:
    from postapp import guidelines

    task = CoreTask(record.id)
    if record.data.get("task") != task.value:
        raise ValueError("task")
    guidelines.parse(record.data, f"{task.value}.json")
    files.append((folder / "guidelines" / f"{task.value}.json", _json_file(record.data)))


def _apply_risk(session: Session, record: Record, files: FileWrites, folder: Path) -> None:
    from postapp.conditions import risk_data

    risk_data.parse(record.data)
    files.append((folder / "risk" / "risk_profiles.json", _json_file(record.data)))


APPLIERS: dict[str, Callable[[Session, Record, FileWrites, Path], None]] = {
    fmt.SURVEY_FORM: _apply_form, fmt.GOOD_EXAMPLE: _apply_example, fmt.GUIDELINE: _apply_guideline,
    fmt.RISK_PROFILES: _apply_risk}


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _apply_records(session: Session, records: list[Record], folder: Path) -> tuple[dict[str, int], FileWrites]:
    applied: Counter[str] = Counter()
    files: FileWrites = []
    for index, record in enumerate(records, 1):
        applier = APPLIERS.get(record.type)
        if applier is None:
            raise BundleError(_("The bundle holds records of type {type}, which this version of PostApp does not "
                                "know; update PostApp and import it again.").format(type=record.type))
        try:
            applier(session, record, files, folder)
        except PostAppError as exc:
            raise BundleError(_("Record {number} ({type} {id}) could not be applied: {problem}").format(
                number=index, type=record.type, id=record.id, problem=exc)) from exc
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise BundleError(_("Record {number} ({type} {id}) is damaged ({problem}).").format(
                number=index, type=record.type, id=record.id, problem=exc)) from exc
        session.flush()
        applied[record.type] += 1
    return dict(applied), files


def apply_incoming(session: Session, data: bytes, keys: KeyPair, *, overrides: Path | None = None) -> ApplyResult:
    """Checks a bundle from HQ and applies it: all records, the acknowledgements it carries and the new
    last-applied sequence number in one savepoint, and HQ's guideline and risk files into ``overrides``
    (default ``hq_overrides_dir()``). A bundle applied before changes nothing (``already_applied``).
    Raises ``BundleError`` (nothing applied) for a bundle that is damaged, forged, for another HQ or post,
    out of order, or whose records cannot be taken in."""
    state = require_state(session)
    claimed = fmt.read_header(data)
    if claimed.direction != fmt.TO_POST:
        raise BundleError(_("This bundle was made by a post for headquarters; it cannot be imported at a post."))
    opened = fmt.open_bundle(data, recipient=keys, sender=hq_keys(state), hq_id=state.hq_id)
    header = opened.header
    if header.post_code != state.post_code:
        raise BundleError(_("This bundle from headquarters is meant for post {other}, not for {ours}.").format(
            other=header.post_code, ours=state.post_code))
    if header.seq <= state.last_applied_hq_seq:
        return ApplyResult(header.seq, already_applied=True)
    if header.seq != state.last_applied_hq_seq + 1:
        raise BundleError(_("Bundle {seq} from headquarters cannot be applied yet: bundle {missing} has not "
                            "arrived. Import the sync files from headquarters in order.").format(
            seq=header.seq, missing=state.last_applied_hq_seq + 1))
    folder = overrides if overrides is not None else hq_overrides_dir()
    with session.begin_nested():
        applied, files = _apply_records(session, opened.records, folder)
        acknowledged = acknowledge_through(session, max(opened.acks)) if opened.acks else []
        state.last_applied_hq_seq = header.seq
        state.last_applied_at = utcnow()
        session.flush()
        try:
            for path, content in files:
                _write_atomically(path, content)
        except OSError as exc:
            raise PostAppError(_("HQ's content could not be saved in {folder}: {problem}").format(
                folder=folder, problem=exc.strerror or exc)) from exc
    if files:
        from postapp import guidelines
        from postapp.conditions import risk_data

        # Both read their files once; HQ's new content must show without a restart.
        guidelines.load.cache_clear()
        risk_data.load.cache_clear()
    return ApplyResult(header.seq, False, applied, tuple(acknowledged))


# ---- status -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    hq_id: str = ""
    server_url: str = ""
    post_code: str = ""
    pending_bundles: int = 0  # sealed, not yet acknowledged
    pending_records: int = 0
    waiting_entries: int = 0  # in the outbox, not yet in a bundle
    last_acknowledged_at: dt.datetime | None = None
    last_applied_hq_seq: int = 0
    last_applied_at: dt.datetime | None = None
    next_seq: int = 1


def status(session: Session) -> SyncStatus:
    from postapp.sync.enrolment import state as enrolment_state

    state = enrolment_state(session)
    if state is None:
        return SyncStatus(enrolled=False)
    pending = session.execute(select(func.count(), func.coalesce(func.sum(SyncBundle.record_count), 0))
                              .where(SyncBundle.acknowledged_at.is_(None))).one()
    waiting = session.scalar(select(func.count()).select_from(OutboxEntry).where(
        OutboxEntry.acknowledged_at.is_(None), OutboxEntry.seq.not_in(select(SyncOutboxBundle.outbox_seq))))
    last_ack = session.scalar(select(func.max(SyncBundle.acknowledged_at)))
    return SyncStatus(True, state.hq_id, state.server_url, state.post_code, int(pending[0]), int(pending[1]),
                      int(waiting or 0), last_ack, state.last_applied_hq_seq, state.last_applied_at, state.next_seq)


def payload_size(records: list[Record], acks: list[int] | None = None) -> int:
    """Bytes of the canonical JSON of a payload, before compression (for measurements)."""
    return len(canonical_json(fmt.make_payload(records, acks)))
