"""Expertise (core task 1): what the post knows about the local context, in three forms.

Knowledge notes per sector and theme, read again on their review date so they do not go stale; the
country risk profile, the shipped reference table (sector × theme) with the post's own view per cell;
and the stakeholder overview, which organisations the post works with and how recently.
Sector and theme keys are those of the risk reference data, so notes and annotations line up with it.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from postapp.conditions import risk_data
from postapp.conditions.risk_data import RiskData
from postapp.domain import Activity, KnowledgeNote, Organisation, OrganisationKind, Person, RiskAnnotation
from postapp.domain.activities import activity_organisation
from postapp.errors import PostAppError
from postapp.i18n import _
from postapp.services.records import get_live, soft_delete
from postapp.services.validation import Checker

LEVELS = ("low", "medium", "high")


def level_label(level: str) -> str:
    """The translated name of a risk level ("" is a cell the reference data lists no risk for)."""
    return {"": _("Not listed"), "low": _("Low"), "medium": _("Medium"), "high": _("High")}.get(level, level)


# Knowledge notes.

@dataclass
class NoteData:
    title: str = ""
    sector: str = ""  # a reference key ("textiles") or free text
    theme: str = ""
    body: str = ""
    sources: str = ""
    review_on: str | dt.date | None = None


def reference_key(text: str, table: dict[str, dict[str, Any]]) -> str:
    """The reference key for a sector or theme as typed: the key itself, or a name or alias of it in any
    language ("Textiel en kleding" -> "textiles"); anything else stays the free text it is."""
    wanted = text.strip()
    folded = wanted.casefold()
    if not folded:
        return ""
    for key, entry in table.items():
        names = [key, *(v for k, v in entry.items() if k not in ("heading", "aliases") and isinstance(v, str)),
                 *entry.get("aliases", [])]
        if any(folded == str(name).casefold() for name in names):
            return key
    return wanted


def _reference() -> RiskData | None:
    try:
        return risk_data.load()
    except PostAppError:  # notes are kept without the reference data; keys then stay as typed
        return None


def _apply_note(note: KnowledgeNote, data: NoteData) -> None:
    check = Checker()
    title = check.required("title", data.title, _("Title"), 300)
    sector = check.text("sector", data.sector, _("Sector"), 120)
    theme = check.text("theme", data.theme, _("Theme"), 120)
    body = check.notes("body", data.body, _("Note"))
    sources = check.notes("sources", data.sources, _("Sources"))
    review_on = check.date("review_on", data.review_on, _("Review on"), required=False)
    check.done()
    reference = _reference()
    if reference is not None:
        sector, theme = reference_key(sector, reference.sectors), reference_key(theme, reference.themes)
    note.title, note.sector, note.theme, note.body, note.sources = title, sector, theme, body, sources
    note.review_on = review_on


def create_note(session: Session, data: NoteData, post_code: str = "") -> KnowledgeNote:
    note = KnowledgeNote(post_code=post_code)
    _apply_note(note, data)
    session.add(note)
    session.flush()
    return note


def get_note(session: Session, note_id: uuid.UUID) -> KnowledgeNote:
    return get_live(session, KnowledgeNote, note_id, _("This knowledge note no longer exists."))


def update_note(session: Session, note_id: uuid.UUID, data: NoteData) -> KnowledgeNote:
    note = get_note(session, note_id)
    _apply_note(note, data)
    session.flush()
    return note


def delete_note(session: Session, note_id: uuid.UUID) -> None:
    soft_delete(session, get_note(session, note_id))


def note_data(note: KnowledgeNote) -> NoteData:
    return NoteData(title=note.title, sector=note.sector, theme=note.theme, body=note.body, sources=note.sources,
                    review_on=note.review_on)


class NoteRow(NamedTuple):
    id: uuid.UUID
    title: str
    sector: str
    theme: str
    review_on: dt.date | None
    updated_at: dt.datetime


def _note_where(sector: str | None, theme: str | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [KnowledgeNote.deleted_at.is_(None)]
    if sector is not None:
        where.append(KnowledgeNote.sector == sector)
    if theme is not None:
        where.append(KnowledgeNote.theme == theme)
    return where


def note_rows(session: Session, sector: str | None = None, theme: str | None = None, offset: int = 0,
              limit: int = 200) -> list[NoteRow]:
    """Notes by title; ``sector``/``theme`` (a key or free text as stored) narrow the list."""
    stmt = (
        select(KnowledgeNote.id, KnowledgeNote.title, KnowledgeNote.sector, KnowledgeNote.theme,
               KnowledgeNote.review_on, KnowledgeNote.updated_at)
        .where(*_note_where(sector, theme))
        .order_by(KnowledgeNote.title.collate("NOCASE"), KnowledgeNote.id)
        .offset(offset).limit(limit)
    )
    return [NoteRow(*row) for row in session.execute(stmt)]


def count_notes(session: Session, sector: str | None = None, theme: str | None = None) -> int:
    return session.scalar(select(func.count()).select_from(KnowledgeNote).where(*_note_where(sector, theme))) or 0


class DueReview(NamedTuple):
    id: uuid.UUID
    title: str
    review_on: dt.date


def reviews_due(session: Session, until: dt.date) -> list[DueReview]:
    """Notes to read again on or before ``until`` (overdue included), soonest first: ``(id, title, review_on)``."""
    stmt = (
        select(KnowledgeNote.id, KnowledgeNote.title, KnowledgeNote.review_on)
        .where(KnowledgeNote.deleted_at.is_(None), KnowledgeNote.review_on.is_not(None),
               KnowledgeNote.review_on <= until)
        .order_by(KnowledgeNote.review_on, KnowledgeNote.title, KnowledgeNote.id)
    )
    return [DueReview(r[0], r[1], r[2]) for r in session.execute(stmt) if r[2] is not None]


def used_values(session: Session, column: str) -> list[str]:
    """The sectors (``column="sector"``) or themes the notes use, for the filter lists."""
    col = KnowledgeNote.sector if column == "sector" else KnowledgeNote.theme
    stmt = select(col).where(KnowledgeNote.deleted_at.is_(None), col != "").distinct().order_by(col)
    return list(session.scalars(stmt))


# The country risk profile.

class RiskCell(NamedTuple):
    reference: str  # the shipped level, "" when the reference data lists no risk for the cell
    level: str  # the post's view, "" to keep the reference level
    note: str

    @property
    def effective(self) -> str:
        return self.level or self.reference

    @property
    def annotated(self) -> bool:
        return bool(self.level or self.note)


EMPTY_CELL = RiskCell("", "", "")


class RiskProfile(NamedTuple):
    country: str
    covered: bool  # whether the reference data has any profile for the country
    sectors: list[str]
    themes: list[str]
    cells: dict[tuple[str, str], RiskCell]

    def cell(self, sector: str, theme: str) -> RiskCell:
        return self.cells.get((sector, theme), EMPTY_CELL)


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def risk_profile(session: Session, country: str, data: RiskData | None = None) -> RiskProfile:
    """The reference table sector × theme for ``country`` with the post's annotations laid over it.

    A sector listing several risks under one theme (a general and a gender-specific one) shows the
    highest level; annotations on sectors or themes the current reference data lacks are left out.
    """
    data = data or risk_data.load()
    country = country.strip().upper()
    cells: dict[tuple[str, str], RiskCell] = {}
    covered = False
    for sector in data.sectors:
        for risk in data.profiles.get((country, sector), ()):
            covered = True
            reference = cells.get((sector, risk.theme), EMPTY_CELL).reference
            if _rank(risk.level) > _rank(reference):
                cells[(sector, risk.theme)] = RiskCell(risk.level, "", "")
    for annotation in session.scalars(select(RiskAnnotation).where(
            RiskAnnotation.country == country, RiskAnnotation.deleted_at.is_(None))):
        key = (annotation.sector, annotation.theme)
        if annotation.sector in data.sectors and annotation.theme in data.themes:
            cells[key] = RiskCell(cells.get(key, EMPTY_CELL).reference, annotation.level, annotation.note)
    return RiskProfile(country, covered, list(data.sectors), list(data.themes), cells)


def set_annotation(session: Session, country: str, sector: str, theme: str, level: str, note: str,
                   post_code: str = "", data: RiskData | None = None) -> RiskAnnotation | None:
    """Records the post's view of one cell, replacing an earlier one; an empty level and note clear it
    (returns None). One annotation per country, sector and theme, however often it is set."""
    data = data or risk_data.load()
    check = Checker()
    code = check.country("country", country)
    if not code:
        check.fail("country", _("Country must be a two-letter ISO code, for example VN or GH."))
    if sector not in data.sectors:
        check.fail("sector", _("Choose a sector of the risk profile."))
    if theme not in data.themes:
        check.fail("theme", _("Choose a theme of the risk profile."))
    level = (level or "").strip().lower()
    if level and level not in LEVELS:
        check.fail("level", _("Choose low, medium or high, or keep the reference level."))
    text = check.notes("note", note, _("Note"))
    check.done()
    # Soft-deleted ones included: the cell is unique in the table, so a cleared annotation comes back.
    annotation = session.scalar(select(RiskAnnotation).where(
        RiskAnnotation.country == code, RiskAnnotation.sector == sector, RiskAnnotation.theme == theme))
    if not level and not text:
        if annotation is not None and not annotation.is_deleted:
            soft_delete(session, annotation)
        return None
    if annotation is None:
        annotation = RiskAnnotation(country=code, sector=sector, theme=theme, post_code=post_code)
        session.add(annotation)
    annotation.level, annotation.note, annotation.deleted_at = level, text, None
    session.flush()
    return annotation


def clear_annotation(session: Session, country: str, sector: str, theme: str, data: RiskData | None = None) -> None:
    set_annotation(session, country, sector, theme, "", "", data=data)


# The stakeholder overview.

class KindSummary(NamedTuple):
    kind: OrganisationKind
    organisations: int
    persons: int  # sensitive persons included, never named
    activities: int  # in the last twelve months
    last_activity: dt.date | None


class StakeholderRow(NamedTuple):
    id: uuid.UUID
    name: str
    kind: OrganisationKind
    persons: int
    activities: int
    last_activity: dt.date | None


# The overview counts over every organisation, person and activity of the post; grouping those rows
# by organisation (tens of thousands of keys) would sort them all each time the tab opens. So the
# summary groups by kind (a handful of keys), and a page of organisations is counted for its ids only.
# Activities count up to ``today``: a planned meeting is not contact yet.

def _kind_order() -> ColumnElement[int]:
    return case({kind.value: i for i, kind in enumerate(OrganisationKind)}, value=Organisation.kind, else_=99)


def stakeholder_rows(session: Session, today: dt.date, kind: OrganisationKind | None = None, offset: int = 0,
                     limit: int = 200) -> list[StakeholderRow]:
    """Organisations by kind (in the order of the kinds), then by name, with their counts."""
    stmt = select(Organisation.id, Organisation.name, Organisation.kind).where(Organisation.deleted_at.is_(None))
    if kind is not None:
        stmt = stmt.where(Organisation.kind == kind)
    page = session.execute(stmt.order_by(_kind_order(), Organisation.name.collate("NOCASE"), Organisation.id)
                           .offset(offset).limit(limit)).all()
    ids = [row[0] for row in page]
    if not ids:
        return []
    persons: dict[uuid.UUID, int] = {
        org: n for org, n in session.execute(
            select(Person.organisation_id, func.count())
            .where(Person.organisation_id.in_(ids), Person.deleted_at.is_(None))
            .group_by(Person.organisation_id)) if org is not None}
    since = today - dt.timedelta(days=365)
    contact: dict[uuid.UUID, tuple[int, dt.date | None]] = {
        org: (int(n or 0), last) for org, n, last in session.execute(
            select(activity_organisation.c.organisation_id, func.sum(case((Activity.date > since, 1), else_=0)),
                   func.max(Activity.date))
            .join(Activity, Activity.id == activity_organisation.c.activity_id)
            .where(activity_organisation.c.organisation_id.in_(ids), Activity.deleted_at.is_(None),
                   Activity.date <= today)
            .group_by(activity_organisation.c.organisation_id))}
    return [StakeholderRow(org_id, name, org_kind, persons.get(org_id, 0), *contact.get(org_id, (0, None)))
            for org_id, name, org_kind in page]


def count_stakeholders(session: Session, kind: OrganisationKind | None = None) -> int:
    stmt = select(func.count()).select_from(Organisation).where(Organisation.deleted_at.is_(None))
    if kind is not None:
        stmt = stmt.where(Organisation.kind == kind)
    return session.scalar(stmt) or 0


def stakeholder_summary(session: Session, today: dt.date) -> list[KindSummary]:
    """Per kind of organisation: how many, their persons, activities in the last year, latest contact.

    An activity with two organisations of one kind counts once for that kind."""
    live = Organisation.deleted_at.is_(None)
    organisations = {kind: n for kind, n in session.execute(
        select(Organisation.kind, func.count()).where(live).group_by(Organisation.kind))}
    persons = {kind: n for kind, n in session.execute(
        select(Organisation.kind, func.count()).select_from(Person)
        .join(Organisation, Organisation.id == Person.organisation_id)
        .where(Person.deleted_at.is_(None), live).group_by(Organisation.kind))}
    since = today - dt.timedelta(days=365)
    contact = {kind: (int(n or 0), last) for kind, n, last in session.execute(
        select(Organisation.kind, func.count(func.distinct(case((Activity.date > since, Activity.id)))),
               func.max(Activity.date))
        .select_from(Activity)
        .join(activity_organisation, activity_organisation.c.activity_id == Activity.id)
        .join(Organisation, Organisation.id == activity_organisation.c.organisation_id)
        .where(Activity.deleted_at.is_(None), Activity.date <= today, live)
        .group_by(Organisation.kind))}
    return [KindSummary(kind, organisations[kind], persons.get(kind, 0), *contact.get(kind, (0, None)))
            for kind in OrganisationKind if kind in organisations]


# Demo data.

DEMO_NOTES = [
    ("Living wages in the garment sector", "textiles", "living_wage",
     "Regional minimum wages in zones I–IV remain below the Asia Floor Wage and WageIndicator estimates; "
     "overtime is structural in export factories. Useful for company questions on benchmarks.",
     "WageIndicator Foundation, living wage estimates 2024; ILO Better Work Vietnam annual report", 20),
    ("Trade unions and the revised Labour Code", "", "freedom_of_association",
     "The 2019 Labour Code allows worker representative organisations outside the VGCL from 2021; few "
     "have been registered so far. Discuss carefully: contacts may be at risk.",
     "ILO, Viet Nam labour law reform briefs; EU–Viet Nam TSD chapter reports", -15),
    ("EU deforestation regulation and coffee", "agriculture", "deforestation",
     "Coffee from the Central Highlands falls under the EUDR; smallholder geolocation data is the bottleneck. "
     "Dutch roasters ask about traceability pilots.",
     "IDH coffee landscape programme updates; EU Regulation 2023/1115", 60),
    ("Child labour risk in small workshops", "wood_paper", "child_labour",
     "Home-based and small workshops in furniture clusters show the highest risk; audits rarely reach them.",
     "UNICEF Viet Nam, national child labour survey 2018", 5),
    ("Water use in textile dyeing", "textiles", "water",
     "Dyeing and finishing mills in the Red River delta; wastewater permits and enforcement vary by province.",
     "Partnership for Cleaner Textile (PaCT) reports", 120),
]
DEMO_ANNOTATIONS = [
    ("textiles", "freedom_of_association", "high",
     "Confirmed in our conversations with union contacts in Binh Duong (2025)."),
    ("agriculture", "land_rights", "",
     "Land-use right conflicts around coffee expansion in Dak Lak; watch the provincial planning."),
]


def add_demo_notes(session: Session, rng: random.Random, today: dt.date, post_code: str, country: str = "VN") -> int:
    """A handful of knowledge notes for the demo post (and two annotations on its risk profile when the
    reference data can be read); returns the number of notes made."""
    made = 0
    for title, sector, theme, body, sources, review_in in DEMO_NOTES:
        create_note(session, NoteData(title=title, sector=sector, theme=theme, body=body, sources=sources,
                                      review_on=today + dt.timedelta(days=review_in + rng.randint(0, 3))), post_code)
        made += 1
    data = _reference()
    if data is not None:
        for sector, theme, level, note in DEMO_ANNOTATIONS:
            set_annotation(session, country, sector, theme, level, note, post_code, data)
    return made
