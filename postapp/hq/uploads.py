"""Resumable uploads of a post's bundle in chunks, kept in the database until the bundle is whole.

A chunk is accepted only where the previous one ended (``offset == received``), so a chunk sent twice
after a cut is refused (409) instead of stored twice, and the post asks ``GET`` where to go on. Bundles are
taken in order: only the bundle after the last one applied can be uploaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from postapp.domain.base import utcnow
from postapp.hq.errors import ConflictError, TooLargeError
from postapp.hq.models import HQBundle, HQPost, HQUpload, HQUploadChunk, UploadStatus
from postapp.i18n import _

MAX_CHUNK = 64 * 1024
MAX_BUNDLE = 64 * 1024 * 1024


@dataclass(frozen=True)
class ChunkResult:
    received: int
    size: int
    complete: bool


def upload_state(session: Session, post: HQPost, seq: int) -> dict[str, Any]:
    if seq <= post.last_seq:
        size = session.scalar(select(HQBundle.size).where(HQBundle.post_code == post.code, HQBundle.seq == seq))
        return {"received": size or 0, "size": size, "status": UploadStatus.ACCEPTED.value, "ack": seq}
    upload = session.get(HQUpload, (post.code, seq))
    if upload is None:
        return {"received": 0, "size": None, "status": UploadStatus.PARTIAL.value}
    return {"received": upload.received, "size": upload.size, "status": upload.status.value}


def _restart(session: Session, upload: HQUpload, size: int) -> None:
    session.execute(delete(HQUploadChunk).where(HQUploadChunk.post_code == upload.post_code,
                                                HQUploadChunk.seq == upload.seq))
    upload.size, upload.received, upload.started_at = size, 0, utcnow()


def put_chunk(session: Session, post: HQPost, seq: int, offset: int, size: int, chunk: bytes) -> ChunkResult:
    """Stores one chunk; ``complete`` when the bundle is whole (``assemble`` then gives its bytes)."""
    if size > MAX_BUNDLE:
        raise TooLargeError(_("The bundle is larger than {size} MB; it is refused.").format(
            size=MAX_BUNDLE // (1024 * 1024)))
    if len(chunk) > MAX_CHUNK:
        raise TooLargeError(_("A chunk may hold at most {size} KB.").format(size=MAX_CHUNK // 1024))
    if seq != post.last_seq + 1:
        raise ConflictError(_("HQ expects bundle {expected} of post {code} next, not bundle {seq}.").format(
            expected=post.last_seq + 1, code=post.code, seq=seq))
    if size < 1 or offset < 0:
        raise ConflictError(_("The chunk does not fit the bundle's size."))
    upload = session.get(HQUpload, (post.code, seq), with_for_update=True)
    if upload is None:
        if offset != 0:
            raise ConflictError(_("HQ has received 0 bytes of this bundle; continue from there."), received=0)
        upload = HQUpload(post_code=post.code, seq=seq, size=size, received=0, status=UploadStatus.PARTIAL,
                          started_at=utcnow(), updated_at=utcnow())
        session.add(upload)
        session.flush()
    elif upload.size != size:
        if offset != 0:
            raise ConflictError(_("The bundle's size changed during the upload; start again from 0."),
                                received=upload.received)
        _restart(session, upload, size)  # the post sealed the bundle anew: what came before is of no use
    if offset != upload.received:
        raise ConflictError(_("HQ has received {received} bytes of this bundle; continue from there.").format(
            received=upload.received), received=upload.received)
    if offset + len(chunk) > size or not chunk:
        raise ConflictError(_("The chunk does not fit the bundle's size."), received=upload.received)
    session.add(HQUploadChunk(post_code=post.code, seq=seq, offset=offset, data=chunk))
    upload.received = offset + len(chunk)
    upload.updated_at = utcnow()
    session.flush()
    return ChunkResult(upload.received, upload.size, upload.received == upload.size)


def assemble(session: Session, post: HQPost, seq: int) -> bytes:
    return b"".join(session.scalars(select(HQUploadChunk.data).where(
        HQUploadChunk.post_code == post.code, HQUploadChunk.seq == seq).order_by(HQUploadChunk.offset)))


def discard(session: Session, post_code: str, seq: int) -> None:
    """Forgets an upload whose bundle was refused, so the post can send it again from the start."""
    session.execute(delete(HQUploadChunk).where(HQUploadChunk.post_code == post_code, HQUploadChunk.seq == seq))
    session.execute(delete(HQUpload).where(HQUpload.post_code == post_code, HQUpload.seq == seq))
