"""Expertise (core task 1): the post's knowledge notes and its remarks on the shipped risk profile.

Sector and theme keys are those of ``resources/risk/risk_profiles.json`` (or free text where the
reference data has no key), so notes and annotations line up with the risk profile sector × theme.
"""

import datetime as dt

from sqlalchemy import Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from postapp.domain.base import Base, SyncedMixin


class KnowledgeNote(Base, SyncedMixin):
    __tablename__ = "knowledge_note"

    title: Mapped[str] = mapped_column(String(300))
    sector: Mapped[str] = mapped_column(String(120), default="", index=True)
    theme: Mapped[str] = mapped_column(String(120), default="", index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[str] = mapped_column(Text, default="")
    # When the note should be read again; overdue reviews show on the home dashboard.
    review_on: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)


class RiskAnnotation(Base, SyncedMixin):
    """The post's own remark on one cell of the shipped country risk profile (host country, sector, theme)."""

    __tablename__ = "risk_annotation"
    __table_args__ = (UniqueConstraint("country", "sector", "theme", name="uq_risk_annotation_cell"),)

    country: Mapped[str] = mapped_column(String(2))
    sector: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(120))
    # "" keeps the reference level; otherwise the post's view ("low", "medium", "high").
    level: Mapped[str] = mapped_column(String(10), default="")
    note: Mapped[str] = mapped_column(Text, default="")
