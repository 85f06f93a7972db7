"""What sync keeps in the post's store: the enrolment, outgoing bundles and which outbox entries each
carried, and good examples (proposed here for sharing, or approved by headquarters and sent to posts)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

import postapp.survey.models  # noqa: F401  (sync_outbox, which sync_outbox_bundle refers to)
from postapp.coretasks import CoreTask
from postapp.domain.base import Base, SyncedMixin, UTCDateTime, utcnow
from postapp.i18n import N_


def _values(enum_cls: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in enum_cls]


class SyncState(Base):
    """The one enrolment of this store (``id`` is always 1)."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, default=1)
    hq_id: Mapped[str] = mapped_column(String(100))
    server_url: Mapped[str] = mapped_column(String(500), default="")
    hq_sign_key: Mapped[bytes] = mapped_column(LargeBinary)  # Ed25519 public, 32 bytes
    hq_box_key: Mapped[bytes] = mapped_column(LargeBinary)  # X25519 public, 32 bytes
    post_code: Mapped[str] = mapped_column(String(16))
    # From the enrolment file; every bundle to HQ carries it inside its encrypted payload, so that HQ pins
    # this post's keys only from a bundle of the laptop that was given the file.
    enrolment_secret: Mapped[str | None] = mapped_column(String(100), default=None)
    post_name: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(10), default="")
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_seq: Mapped[int] = mapped_column(Integer, default=1)  # of the next bundle to HQ
    last_applied_hq_seq: Mapped[int] = mapped_column(Integer, default=0)  # of bundles from HQ
    last_applied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    # The monthly activity counts last put in a bundle, {"YYYY-MM": {core_task: n}}: only changes travel.
    counts_sent: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SyncBundle(Base):
    """A bundle sealed for HQ. It is sent again, byte for byte, until HQ acknowledges it."""

    __tablename__ = "sync_bundle"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)


class SyncOutboxBundle(Base):
    """Which bundle carried an outbox entry; an entry without a row here has not been bundled yet."""

    __tablename__ = "sync_outbox_bundle"

    outbox_seq: Mapped[int] = mapped_column(
        Integer, ForeignKey("sync_outbox.seq", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    bundle_seq: Mapped[int] = mapped_column(Integer, ForeignKey("sync_bundle.seq", ondelete="CASCADE"), index=True)


class ExampleSource(enum.StrEnum):
    POST = "post"  # written at this post
    HQ = "hq"  # approved by headquarters and sent to every post


class ExampleStatus(enum.StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"  # queued for headquarters
    APPROVED = "approved"  # curated by headquarters

    @property
    def label(self) -> str:
        return {ExampleStatus.DRAFT: N_("Draft"), ExampleStatus.PROPOSED: N_("Proposed to headquarters"),
                ExampleStatus.APPROVED: N_("Approved by headquarters")}[self]


class GoodExample(Base, SyncedMixin):
    """A good example of IMVO work under a core task, to share between posts."""

    __tablename__ = "good_example"

    core_task: Mapped[CoreTask] = mapped_column(Enum(CoreTask, native_enum=False, length=20,
                                                     values_callable=_values))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    country: Mapped[str] = mapped_column(String(10), default="")
    source: Mapped[ExampleSource] = mapped_column(
        Enum(ExampleSource, native_enum=False, length=10, values_callable=_values), default=ExampleSource.POST)
    status: Mapped[ExampleStatus] = mapped_column(
        Enum(ExampleStatus, native_enum=False, length=20, values_callable=_values), default=ExampleStatus.DRAFT)

