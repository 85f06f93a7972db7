"""Headquarters' own tables: the posts it knows, what arrived from them and what waits to go out.

They live in a metadata of their own, so HQ's schema is these tables plus the three survey tables of
``postapp.survey.models`` (questionnaires, responses, interview notes), which HQ shares with the posts
so that one analysis runs on both. ``postapp/hq/migrations`` creates exactly that schema.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import (
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from postapp.domain.base import NAMING, UTCDateTime, utcnow
from postapp.i18n import N_
from postapp.survey.models import InterviewNote, StoredForm, SurveyResponse

ALL_POSTS = "*"  # hq_outgoing.post_code for a record that goes to every post
SHARED_MODELS = (StoredForm, SurveyResponse, InterviewNote)


def _values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in enum_cls]


class HQBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class HQSetting(HQBase):
    """HQ's identity: ``hq_id``, the public keys it was set up with, the server address for enrolment."""

    __tablename__ = "hq_setting"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class HQPost(HQBase):
    """A registered post. Its public keys are pinned from the first bundle that arrives from it, if that bundle
    carries the secret of the post's latest enrolment file."""

    __tablename__ = "hq_post"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(100), default="")
    sign_key: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    box_key: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # SHA-256 (hex) of the secret in the post's latest enrolment file; the first bundle must carry it
    enrolment_secret_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)  # highest post→HQ bundle applied
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    out_seq: Mapped[int] = mapped_column(Integer, default=0)  # highest HQ→post bundle sealed for it
    out_upto: Mapped[int] = mapped_column(Integer, default=0)  # highest hq_outgoing.seq sealed for it
    out_acked: Mapped[int] = mapped_column(Integer, default=0)  # highest HQ→post bundle the post confirmed

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class HQBundle(HQBase):
    """A post→HQ bundle that was applied; its (post, seq) is what makes a second copy harmless."""

    __tablename__ = "hq_bundle"
    __table_args__ = (UniqueConstraint("post_code", "seq", name="uq_hq_bundle_post_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_code: Mapped[str] = mapped_column(String(16), ForeignKey("hq_post.code"))
    seq: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    record_count: Mapped[int] = mapped_column(Integer)
    via: Mapped[str] = mapped_column(String(10), default="http")  # http | file


class HQNonce(HQBase):
    """A request nonce already used by a post: the same request a second time is a replay."""

    __tablename__ = "hq_nonce"
    __table_args__ = (UniqueConstraint("post_code", "nonce", name="uq_hq_nonce_post_nonce"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_code: Mapped[str] = mapped_column(String(16))
    nonce: Mapped[str] = mapped_column(String(32))
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class UploadStatus(enum.StrEnum):
    PARTIAL = "partial"
    ACCEPTED = "accepted"


class HQUpload(HQBase):
    """A bundle arriving in chunks over HTTP; ``received`` only grows by a chunk that starts there."""

    __tablename__ = "hq_upload"

    post_code: Mapped[str] = mapped_column(String(16), ForeignKey("hq_post.code"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    received: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[UploadStatus] = mapped_column(
        Enum(UploadStatus, native_enum=False, length=10, values_callable=_values), default=UploadStatus.PARTIAL)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class HQUploadChunk(HQBase):
    __tablename__ = "hq_upload_chunk"

    post_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    offset: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class HQOutgoing(HQBase):
    """A record for the posts (a questionnaire, an approved good example): to one post, or ``'*'`` for all.

    Records are sealed into bundles per post (``hq_post_bundle``) once that post's keys are known."""

    __tablename__ = "hq_outgoing"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_code: Mapped[str] = mapped_column(String(16), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)  # canonical JSON of the record's data
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class HQPostBundle(HQBase):
    """An HQ→post bundle, sealed for one post with its own sequence number; kept so that asking again
    gives the same bytes."""

    __tablename__ = "hq_post_bundle"
    __table_args__ = (UniqueConstraint("post_code", "seq", name="uq_hq_post_bundle_post_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_code: Mapped[str] = mapped_column(String(16), ForeignKey("hq_post.code"))
    seq: Mapped[int] = mapped_column(Integer)
    upto: Mapped[int] = mapped_column(Integer)  # the last hq_outgoing.seq it holds
    ack: Mapped[int] = mapped_column(Integer, default=0)  # the post's bundles it acknowledges (all up to this)
    record_count: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class HQActivityCount(HQBase):
    """Activities a post recorded per month and core task (aggregates only; who was met stays at the post)."""

    __tablename__ = "hq_activity_count"

    post_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    core_task: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer, default=0)  # the bundle that brought it: an older one never wins


class ExampleStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {ExampleStatus.PROPOSED: N_("Proposed"), ExampleStatus.APPROVED: N_("Approved"),
                ExampleStatus.REJECTED: N_("Rejected")}[self]


class HQGoodExample(HQBase):
    """A good example a post proposed for sharing; approved ones go out to every post."""

    __tablename__ = "hq_good_example"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    post_code: Mapped[str] = mapped_column(String(16), index=True)
    core_task: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[ExampleStatus] = mapped_column(
        Enum(ExampleStatus, native_enum=False, length=10, values_callable=_values), default=ExampleStatus.PROPOSED)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)


def schema_metadata() -> MetaData:
    """HQ's whole schema as one metadata: its own tables and copies of the shared survey tables."""
    metadata = MetaData(naming_convention=NAMING)
    for table in HQBase.metadata.tables.values():
        table.to_metadata(metadata)
    for model in SHARED_MODELS:
        model.__table__.to_metadata(metadata)  # type: ignore[attr-defined]
    return metadata
