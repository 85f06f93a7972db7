"""The append-only audit log, chained by SHA-256: each entry's hash covers its own fields and the
previous entry's hash, so a changed, removed or reordered entry breaks the chain from that point.

Hashing and JSON canonicalisation come from the standard library (hashlib, json with sorted keys);
nothing here is home-made cryptography, only the order of the fields is ours.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from postapp.conditions.models import AuditEntry, CheckStatus, ConditionCheck
from postapp.domain.base import utcnow
from postapp.i18n import _

GENESIS = "0" * 64


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(seq: int, at: str, actor: str, action: str, record_type: str, record_id: str, payload: str,
               prev_hash: str) -> str:
    fields = [str(seq), at, actor, action, record_type, record_id, payload, prev_hash]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def append(session: Session, actor: str, action: str, record_type: str, record_id: object,
           payload: dict[str, Any]) -> AuditEntry:
    """Adds an entry in the caller's transaction: it is written exactly when the change it describes is."""
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = utcnow().isoformat(timespec="microseconds")
    body = canonical(payload)
    entry = AuditEntry(seq=seq, at=at, actor=actor, action=action, record_type=record_type,
                       record_id=str(record_id), payload=body, prev_hash=prev,
                       hash=entry_hash(seq, at, actor, action, record_type, str(record_id), body, prev))
    session.add(entry)
    session.flush()
    return entry


class Break(NamedTuple):
    seq: int
    problem: str


def verify(session: Session) -> tuple[int, Break | None]:
    """Walks the whole chain, then compares it with the checks; returns how many entries were checked
    and the first break, if any."""
    expected_seq, prev = 1, GENESIS
    checked = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000):
        if entry.seq != expected_seq:
            return checked, Break(expected_seq, _("entry {seq} is missing").format(seq=expected_seq))
        if entry.prev_hash != prev:
            return checked, Break(entry.seq, _(
                "entry {seq} does not follow entry {previous}: one of the two was changed").format(
                seq=entry.seq, previous=entry.seq - 1))
        recomputed = entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.record_type,
                                entry.record_id, entry.payload, entry.prev_hash)
        if recomputed != entry.hash:
            return checked, Break(entry.seq, _("entry {seq} was changed after it was written").format(
                seq=entry.seq))
        prev, expected_seq = entry.hash, expected_seq + 1
        checked += 1
    return checked, _records_agree(session)


def _latest(session: Session, record_id: str, action: str) -> AuditEntry | None:
    return session.scalar(select(AuditEntry).where(AuditEntry.record_id == record_id, AuditEntry.action == action)
                          .order_by(AuditEntry.seq.desc()).limit(1))


def _records_agree(session: Session) -> Break | None:
    """The chain alone cannot show a removed tail or an edited check row; each check keeps the newest
    entry about it (``audit_seq``/``audit_hash``), and a decided check must match its decide/confirm entries."""
    for check in session.scalars(select(ConditionCheck).order_by(ConditionCheck.audit_seq)):
        if check.audit_seq:
            entry = session.get(AuditEntry, check.audit_seq)
            if entry is None or entry.hash != check.audit_hash or entry.record_id != str(check.id):
                return Break(check.audit_seq, _("entry {seq}, the last about a condition check, is missing or "
                                                "changed").format(seq=check.audit_seq))
        if check.status is CheckStatus.DRAFT:
            continue
        decided = _latest(session, str(check.id), "decide")
        decision = json.loads(decided.payload).get("decision") if decided else None
        if decided is None or decision != (check.decision.value if check.decision else None) \
                or decided.actor != check.decided_by:
            return Break(decided.seq if decided else check.audit_seq, _(
                "the decision stored on a condition check differs from the audit log"))
        if check.status is CheckStatus.CONFIRMED:
            confirmed = _latest(session, str(check.id), "confirm")
            if confirmed is None or confirmed.actor != check.confirmed_by:
                return Break(confirmed.seq if confirmed else check.audit_seq, _(
                    "the confirmation stored on a condition check differs from the audit log"))
    return None


def entries_for(session: Session, record_id: object) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.record_id == str(record_id))
                                .order_by(AuditEntry.seq)))


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
