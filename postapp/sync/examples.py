"""Good examples: written at a post, proposed to headquarters for sharing, and approved ones from HQ."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from postapp.coretasks import CoreTask
from postapp.domain.base import utcnow
from postapp.errors import NotFoundError, PostAppError, ValidationError
from postapp.i18n import _
from postapp.survey.responses import queue
from postapp.sync.bundle import GOOD_EXAMPLE
from postapp.sync.models import ExampleSource, ExampleStatus, GoodExample

MAX_SUMMARY = 20_000


def _get(session: Session, example_id: uuid.UUID) -> GoodExample:
    example = session.get(GoodExample, example_id)
    if example is None or example.is_deleted:
        raise NotFoundError(_("This good example no longer exists."))
    return example


def save_example(session: Session, *, example_id: uuid.UUID | None = None, post_code: str, core_task: CoreTask,
                 title: str, summary: str = "", country: str = "") -> GoodExample:
    """Creates or changes a draft example of this post."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the example a title.")
    elif len(title) > 300:
        errors["title"] = _("The title is too long: at most {maximum} characters.").format(maximum=300)
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = _("The summary is too long: at most {maximum} characters.").format(maximum=MAX_SUMMARY)
    if errors:
        raise ValidationError(errors)
    if example_id is None:
        example = GoodExample(post_code=post_code, core_task=core_task, title=title.strip(),
                              source=ExampleSource.POST, status=ExampleStatus.DRAFT)
        session.add(example)
    else:
        example = _get(session, example_id)
        if example.status is not ExampleStatus.DRAFT:
            raise PostAppError(_("This example has been proposed to headquarters and can no longer be changed."))
    example.core_task, example.title, example.summary = core_task, title.strip(), summary.strip()
    example.country = country.strip().upper()
    example.updated_at = utcnow()
    session.flush()
    return example


def propose(session: Session, example_id: uuid.UUID) -> GoodExample:
    """Proposes a draft example to headquarters: it is locked and queued for the next bundle."""
    example = _get(session, example_id)
    if example.source is not ExampleSource.POST or example.status is not ExampleStatus.DRAFT:
        raise PostAppError(_("Only a draft example written at this post can be proposed."))
    example.status = ExampleStatus.PROPOSED
    example.updated_at = utcnow()
    queue(session, GOOD_EXAMPLE, example.id)
    session.flush()
    return example


def examples(session: Session, status: ExampleStatus | None = None) -> list[GoodExample]:
    query = select(GoodExample).where(GoodExample.deleted_at.is_(None))
    if status is not None:
        query = query.where(GoodExample.status == status)
    return list(session.scalars(query.order_by(GoodExample.core_task, GoodExample.title)))
