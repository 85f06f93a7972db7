"""What HQ sends to the posts: questionnaires and approved good examples (and guideline or risk data).

Publishing only records what is to go out (``hq_outgoing``, to one post or to all). The bundles are sealed
per post, each with that post's own sequence number, the first time the post asks for them (a pull, an
export), because sealing needs the post's keys and those are only known once its first bundle arrived.
A sealed bundle is kept, so asking again gives the same bytes until the post confirms it.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from postapp.domain.base import utcnow
from postapp.errors import NotFoundError, PostAppError
from postapp.hq.ingest import find_post, pinned_keys
from postapp.hq.models import ALL_POSTS, ExampleStatus, HQGoodExample, HQOutgoing, HQPost, HQPostBundle
from postapp.hq.store import get_setting
from postapp.i18n import _
from postapp.survey import responses
from postapp.survey.models import StoredForm
from postapp.sync import bundle as bundles
from postapp.sync.canonical import canonical_json
from postapp.sync.keys import KeyPair

MAX_RECORDS_PER_BUNDLE = 500
MAX_PAYLOAD_PER_BUNDLE = 8 * 1024 * 1024  # uncompressed; a record larger than this travels alone


def queue_outgoing(session: Session, record_type: str, record_id: str, data: dict[str, Any],
                   post_code: str = ALL_POSTS) -> HQOutgoing | None:
    """Queues a record for one post or all; the same record with the same data twice is queued once."""
    encoded = canonical_json(data)
    last = session.scalars(select(HQOutgoing).where(
        HQOutgoing.record_type == record_type, HQOutgoing.record_id == record_id,
        HQOutgoing.post_code == post_code).order_by(HQOutgoing.seq.desc()).limit(1)).first()
    if last is not None and last.data == encoded:
        return None
    row = HQOutgoing(post_code=post_code, record_type=record_type, record_id=record_id, data=encoded,
                     created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def publish_form(session: Session, xlsx_bytes: bytes) -> StoredForm:
    """Stores a questionnaire version at HQ (checked as a post would) and queues it for every post.
    Responses kept aside because this version was not known yet are taken in now."""
    record = responses.import_form(session, xlsx_bytes)
    queue_outgoing(session, bundles.SURVEY_FORM, f"{record.form_id}:{record.version}", {
        "form_id": record.form_id, "version": record.version,
        "xlsx_b64": base64.b64encode(record.source).decode("ascii")})
    responses.retake_set_aside(session, record)
    return record


def example_data(example: HQGoodExample) -> dict[str, Any]:
    return {"id": str(example.id), "post_code": example.post_code, "core_task": example.core_task,
            "title": example.title, "summary": example.summary, "country": example.country}


def _example(session: Session, example_id: uuid.UUID | str) -> HQGoodExample:
    try:
        key = example_id if isinstance(example_id, uuid.UUID) else uuid.UUID(str(example_id))
    except ValueError:
        raise NotFoundError(_("There is no good example {id}.").format(id=example_id)) from None
    example = session.get(HQGoodExample, key)
    if example is None:
        raise NotFoundError(_("There is no good example {id}.").format(id=example_id))
    return example


def approve_example(session: Session, example_id: uuid.UUID | str) -> HQGoodExample:
    """Approves a proposed example; it goes out to every post."""
    example = _example(session, example_id)
    example.status, example.decided_at = ExampleStatus.APPROVED, utcnow()
    queue_outgoing(session, bundles.GOOD_EXAMPLE, str(example.id), example_data(example))
    session.flush()
    return example


def reject_example(session: Session, example_id: uuid.UUID | str) -> HQGoodExample:
    example = _example(session, example_id)
    if example.status is ExampleStatus.APPROVED:
        raise PostAppError(_("This example has already been approved and sent to the posts."))
    example.status, example.decided_at = ExampleStatus.REJECTED, utcnow()
    session.flush()
    return example


def examples(session: Session, status: ExampleStatus | None = None) -> list[HQGoodExample]:
    query = select(HQGoodExample)
    if status is not None:
        query = query.where(HQGoodExample.status == status)
    return list(session.scalars(query.order_by(HQGoodExample.received_at)))


def _hq_id(session: Session, hq_id: str | None) -> str:
    found = hq_id or get_setting(session, "hq_id")
    if not found:
        raise PostAppError(_("HQ has not been set up yet; run postapp-hq init first."))
    return found


def seal_pending(session: Session, post: HQPost, hq_keys: KeyPair, hq_id: str | None = None) -> int:
    """Seals what is queued for ``post`` and not sealed for it yet into new bundles; returns how many."""
    recipient = pinned_keys(post)
    if recipient is None or post.is_revoked:
        return 0
    pending = list(session.scalars(select(HQOutgoing).where(
        HQOutgoing.seq > post.out_upto, or_(HQOutgoing.post_code == ALL_POSTS, HQOutgoing.post_code == post.code))
        .order_by(HQOutgoing.seq)))
    made = 0
    identity = _hq_id(session, hq_id) if pending else ""
    while pending:
        batch: list[HQOutgoing] = []
        size = 0
        while pending and len(batch) < MAX_RECORDS_PER_BUNDLE and (not batch or size + len(pending[0].data)
                                                                    <= MAX_PAYLOAD_PER_BUNDLE):
            row = pending.pop(0)
            batch.append(row)
            size += len(row.data)
        _seal(session, post, batch, hq_keys, identity)
        made += 1
    session.flush()
    return made


def _seal(session: Session, post: HQPost, batch: list[HQOutgoing], hq_keys: KeyPair, hq_id: str) -> bytes:
    recipient = pinned_keys(post)
    assert recipient is not None
    records = [{"type": r.record_type, "id": r.record_id, "data": json.loads(r.data)} for r in batch]
    seq = post.out_seq + 1
    data = bundles.seal(bundles.make_payload(records, [post.last_seq] if post.last_seq else []),
                        direction=bundles.TO_POST, hq_id=hq_id, post_code=post.code, seq=seq, sender=hq_keys,
                        recipient=recipient)
    session.add(HQPostBundle(post_code=post.code, seq=seq, upto=batch[-1].seq if batch else post.out_upto,
                             ack=post.last_seq, record_count=len(batch), data=data, created_at=utcnow()))
    post.out_seq = seq
    if batch:
        post.out_upto = batch[-1].seq
    return data


def next_for_post(session: Session, post: HQPost, after: int, hq_keys: KeyPair, hq_id: str | None = None
                  ) -> bytes | None:
    """The post's next bundle after ``after`` (which it says it has applied), sealing first if needed."""
    if after > post.out_acked:
        post.out_acked = min(after, post.out_seq)
    seal_pending(session, post, hq_keys, hq_id)
    return session.scalars(select(HQPostBundle.data).where(
        HQPostBundle.post_code == post.code, HQPostBundle.seq > after).order_by(HQPostBundle.seq).limit(1)).first()


def export_for_post(session: Session, code: str, hq_keys: KeyPair, hq_id: str | None = None) -> list[bytes]:
    """Every bundle the post has not confirmed yet, oldest first: for a sync file. When nothing new waits
    but HQ has received bundles from the post that no bundle to it acknowledged yet, a bundle with only
    that acknowledgement is made, so that the post stops sending them again on the file road too."""
    post = find_post(session, code, lock=True)
    if pinned_keys(post) is None:
        raise PostAppError(_("Post {code} has not sent its first bundle yet, so HQ cannot encrypt anything for it. "
                             "Import a sync file from the post first.").format(code=code))
    seal_pending(session, post, hq_keys, hq_id)
    acknowledged = session.scalar(select(func.max(HQPostBundle.ack)).where(HQPostBundle.post_code == post.code))
    if post.last_seq > (acknowledged or 0):
        _seal(session, post, [], hq_keys, _hq_id(session, hq_id))
        session.flush()
    return list(session.scalars(select(HQPostBundle.data).where(
        HQPostBundle.post_code == post.code, HQPostBundle.seq > post.out_acked).order_by(HQPostBundle.seq)))


def pending_count(session: Session, post: HQPost) -> int:
    """Records queued for the post that it has not confirmed (sealed or not)."""
    unsealed = session.scalar(select(func.count()).select_from(HQOutgoing).where(
        HQOutgoing.seq > post.out_upto, or_(HQOutgoing.post_code == ALL_POSTS, HQOutgoing.post_code == post.code)))
    sealed = session.scalar(select(func.coalesce(func.sum(HQPostBundle.record_count), 0)).where(
        HQPostBundle.post_code == post.code, HQPostBundle.seq > post.out_acked))
    return int(unsealed or 0) + int(sealed or 0)
