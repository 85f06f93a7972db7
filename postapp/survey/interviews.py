"""The interview guide and structured interview notes.

The study held interviews beside the questionnaire. Notes are kept by theme of the guide, with quotes
and follow-ups, so HQ can count how often a theme came up and read what was said about it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from postapp.domain.base import utcnow
from postapp.errors import NotFoundError, PostAppError, ValidationError
from postapp.i18n import _
from postapp.survey.form import pick
from postapp.survey.models import InterviewNote, InterviewStatus
from postapp.survey.responses import RESOURCES, queue

GUIDE_FILE = RESOURCES / "interview_guide.json"
INTERVIEW_RECORD = "interview_note"
MAX_NOTE = 100_000


@dataclass(frozen=True)
class Theme:
    code: str
    titles: dict[str, str]
    questions: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class Guide:
    guide_id: str
    version: str
    titles: dict[str, str]
    introduction: dict[str, str]
    themes: tuple[Theme, ...]

    def theme(self, code: str) -> Theme | None:
        return next((t for t in self.themes if t.code == code), None)


@cache
def load_guide(path: Path = GUIDE_FILE) -> Guide:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    themes = tuple(Theme(t["code"], dict(t["title"]), tuple(dict(q) for q in t["questions"])) for t in data["themes"])
    return Guide(data["guide_id"], str(data["version"]), dict(data["title"]), dict(data.get("introduction", {})),
                 themes)


def theme_title(code: str, language: str) -> str:
    theme = load_guide().theme(code)
    return pick(theme.titles, language, "nl") if theme is not None else code


def save_note(session: Session, *, note_id: uuid.UUID | None = None, post_code: str, held_on: dt.date,
              interviewee_role: str = "", region: str = "", business_activity: str = "",
              themes: Sequence[str] = (), quotes: Sequence[dict[str, str]] = (), follow_ups: Sequence[str] = (),
              notes: str = "") -> InterviewNote:
    """Creates or updates a draft note; unknown themes and over-long text are refused at the field."""
    guide = load_guide()
    errors: dict[str, str] = {}
    unknown = [code for code in themes if guide.theme(code) is None]
    if unknown:
        errors["themes"] = _("Unknown theme: {code}").format(code=unknown[0])
    texts = [notes, *[q.get("text", "") for q in quotes], *follow_ups]
    if sum(len(t) for t in texts) > MAX_NOTE:
        errors["notes"] = _("The notes are too long: at most {maximum} characters in all.").format(maximum=MAX_NOTE)
    if held_on > dt.date.today() + dt.timedelta(days=1):
        errors["held_on"] = _("The interview date lies in the future.")
    if errors:
        raise ValidationError(errors)
    if note_id is None:
        note = InterviewNote(guide_id=guide.guide_id, guide_version=guide.version, post_code=post_code,
                             held_on=held_on)
        session.add(note)
    else:
        found = session.get(InterviewNote, note_id)
        if found is None or found.is_deleted:
            raise NotFoundError(_("This interview note no longer exists."))
        if found.status is InterviewStatus.FINAL:
            raise PostAppError(_("This interview note is final and can no longer be changed."))
        note = found
    note.held_on = held_on
    note.interviewee_role = interviewee_role.strip()
    note.region, note.business_activity = region, business_activity
    note.themes = list(dict.fromkeys(themes))
    note.quotes = [{"theme": q.get("theme", ""), "text": q["text"].strip()}
                   for q in quotes if q.get("text", "").strip()]
    note.follow_ups = [f.strip() for f in follow_ups if f.strip()]
    note.notes = notes
    note.updated_at = utcnow()
    session.flush()
    return note


def finalise(session: Session, note_id: uuid.UUID) -> InterviewNote:
    note = session.get(InterviewNote, note_id)
    if note is None or note.is_deleted:
        raise NotFoundError(_("This interview note no longer exists."))
    if not note.themes:
        raise ValidationError({"themes": _("Choose at least one theme of the interview guide.")})
    note.status = InterviewStatus.FINAL
    queue(session, INTERVIEW_RECORD, note.id)
    session.flush()
    return note


def notes(session: Session) -> list[InterviewNote]:
    return list(session.scalars(select(InterviewNote).where(InterviewNote.deleted_at.is_(None))
                                .order_by(InterviewNote.held_on.desc())))
