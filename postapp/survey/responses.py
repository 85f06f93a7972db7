"""Questionnaires in the store and the life of a response: draft, saved as you go, submitted and queued.

Every save is its own short transaction, so a crash loses at most the field being typed; submitting
checks the whole response against the form and locks it in the same transaction that queues it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Mapping
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from postapp.domain.base import utcnow
from postapp.errors import NotFoundError, PostAppError, ValidationError
from postapp.i18n import _
from postapp.paths import resources_dir
from postapp.survey import answering
from postapp.survey.form import Answers, AnswerValue, Form
from postapp.survey.models import OutboxEntry, ResponseStatus, StoredForm, SurveyResponse
from postapp.survey.xlsform import load_form

RESOURCES = resources_dir() / "questionnaires"
STUDY_FORM_FILE = RESOURCES / "imvo_guidelines_study.xlsx"
STUDY_FORM_ID = "imvo_guidelines_study"
RESPONSE_RECORD = "survey_response"


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Orders versions as people write them: 2026.10 after 2026.9, v10 after v9, 2026110101 after
    2026103101: runs of digits compare as numbers, the rest as text."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|[^\d.\-]+", version))


@lru_cache(maxsize=32)
def _parse(sha256: str, source: bytes) -> Form:
    return load_form(source)


def form_of(record: StoredForm) -> Form:
    return _parse(record.sha256, record.source)


def _answered_versions(session: Session, form_id: str) -> set[str]:
    rows = session.scalars(select(SurveyResponse.form_version).where(
        SurveyResponse.form_id == form_id, SurveyResponse.status != ResponseStatus.SET_ASIDE,
        SurveyResponse.deleted_at.is_(None)).distinct())
    return set(rows)


def import_form(session: Session, source: bytes) -> StoredForm:
    """Stores a questionnaire version. The same file twice is harmless; a version older than one
    already answered, or an answered version with other content, is refused: the answers would no
    longer match the questions they were given to."""
    form = load_form(source)
    sha = hashlib.sha256(source).hexdigest()
    existing = session.scalars(select(StoredForm).where(
        StoredForm.form_id == form.form_id, StoredForm.version == form.version)).one_or_none()
    answered = _answered_versions(session, form.form_id)
    # Compared by content: a workbook saved again (Excel, or the build script) differs in its bytes only.
    if existing is not None and (existing.sha256 == sha or form_of(existing) == form):
        return existing
    newer = [v for v in answered if version_key(v) > version_key(form.version)]
    if newer:
        raise PostAppError(_("Version {version} of questionnaire {form} is older than version {answered}, which "
                             "has already been answered; raise the version in the settings sheet.").format(
            version=form.version, form=form.form_id, answered=max(newer, key=version_key)))
    if existing is not None:
        if form.version in answered:
            raise PostAppError(_("Version {version} of questionnaire {form} has already been answered with other "
                                 "questions; give the changed form a new version in the settings sheet.").format(
                version=form.version, form=form.form_id))
        existing.source, existing.sha256, existing.titles = source, sha, dict(form.titles)
        session.flush()
        retake_set_aside(session, existing)
        return existing
    record = StoredForm(form_id=form.form_id, version=form.version, titles=dict(form.titles), source=source,
                        sha256=sha)
    session.add(record)
    session.flush()
    retake_set_aside(session, record)
    return record


def ensure_study_form(session: Session) -> StoredForm:
    """The study questionnaire to answer: the newest version in the data file (HQ may have sent a newer
    one than the app ships), importing the shipped one when it is newer or missing."""
    source = STUDY_FORM_FILE.read_bytes()
    shipped = _parse(hashlib.sha256(source).hexdigest(), source)  # cached: this runs on every new response
    stored = [r for r in stored_forms(session) if r.form_id == shipped.form_id]
    if stored and version_key(stored[-1].version) >= version_key(shipped.version):
        return stored[-1]
    return import_form(session, source)


def stored_forms(session: Session) -> list[StoredForm]:
    records = list(session.scalars(select(StoredForm).where(StoredForm.deleted_at.is_(None))))
    return sorted(records, key=lambda r: (r.form_id, version_key(r.version)))


def latest_form(session: Session, form_id: str) -> StoredForm:
    versions = [r for r in stored_forms(session) if r.form_id == form_id]
    if not versions:
        raise NotFoundError(_("There is no questionnaire {form} in this data file.").format(form=form_id))
    return versions[-1]


def find_form(session: Session, form_id: str, version: str) -> StoredForm | None:
    return session.scalars(select(StoredForm).where(
        StoredForm.form_id == form_id, StoredForm.version == version, StoredForm.deleted_at.is_(None))).one_or_none()


def form_for(session: Session, response: SurveyResponse) -> Form:
    record = find_form(session, response.form_id, response.form_version)
    if record is None:
        raise NotFoundError(_("Questionnaire {form} version {version} is not in this data file.").format(
            form=response.form_id, version=response.form_version))
    return form_of(record)


def get_response(session: Session, response_id: uuid.UUID) -> SurveyResponse:
    response = session.get(SurveyResponse, response_id)
    if response is None or response.is_deleted:
        raise NotFoundError(_("This response no longer exists."))
    return response


def start_response(session: Session, record: StoredForm, *, post_code: str, language: str = "") -> SurveyResponse:
    response = SurveyResponse(form_id=record.form_id, form_version=record.version, post_code=post_code,
                              language=language)
    session.add(response)
    session.flush()
    return response


def open_drafts(session: Session, form_id: str | None = None) -> list[SurveyResponse]:
    query = select(SurveyResponse).where(SurveyResponse.status == ResponseStatus.DRAFT,
                                         SurveyResponse.deleted_at.is_(None))
    if form_id is not None:
        query = query.where(SurveyResponse.form_id == form_id)
    return list(session.scalars(query.order_by(SurveyResponse.updated_at.desc())))


def load_answers(session: Session, response: SurveyResponse, form: Form | None = None) -> dict[str, AnswerValue]:
    questions = {q.name: q for q in form.questions()} if form is not None else {}
    answers: dict[str, AnswerValue] = {}
    for name, stored in (response.answers or {}).items():
        value = answering.from_stored(questions.get(name), stored)
        if value is not None:
            answers[name] = value
    return answers


def _lock_check(response: SurveyResponse) -> None:
    if response.status is not ResponseStatus.DRAFT:
        raise PostAppError(_("This response has been submitted and can no longer be changed."))


def _write(session: Session, response: SurveyResponse, form: Form, values: Mapping[str, AnswerValue | None]) -> None:
    questions = {q.name: q for q in form.questions()}
    unknown = [name for name in values if name not in questions]
    if unknown:
        raise ValidationError({unknown[0]: _("The questionnaire has no question {name}.").format(name=unknown[0])})
    updated = dict(response.answers or {})
    for name, value in values.items():
        checked = answering.normalise(form, questions[name], value)
        if checked is None:
            updated.pop(name, None)
        else:
            updated[name] = answering.to_plain(checked)
    response.answers = updated  # a new object: SQLAlchemy does not see changes inside a JSON value


def save_answers(session: Session, response_id: uuid.UUID, values: Mapping[str, AnswerValue | None], *,
                 page: int | None = None) -> None:
    """Saves part of a draft; a value of None clears an answer. Constraints are not checked here, so a
    half-typed answer is never lost; they are checked at the field and at submit."""
    response = get_response(session, response_id)
    _lock_check(response)
    _write(session, response, form_for(session, response), values)
    if page is not None:
        response.page = page
    response.updated_at = utcnow()
    session.flush()


def submit(session: Session, response_id: uuid.UUID, language: str) -> SurveyResponse:
    """Checks the whole response, keeps only the answers that show, locks it and queues it for HQ.
    Raises ValidationError with every blocking field."""
    response = get_response(session, response_id)
    _lock_check(response)
    form = form_for(session, response)
    answers = load_answers(session, response, form)
    found = answering.problems(form, answers, language)
    if found:
        raise ValidationError(found)
    kept = answering.kept_answers(form, answers)
    dropped = {name: None for name in answers if name not in kept}
    _write(session, response, form, dropped)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = utcnow()
    queue(session, RESPONSE_RECORD, response.id)
    session.flush()
    return response


def queue(session: Session, record_type: str, record_id: uuid.UUID) -> None:
    exists = session.scalars(select(OutboxEntry.seq).where(OutboxEntry.record_type == record_type,
                                                           OutboxEntry.record_id == record_id)).first()
    if exists is None:
        session.add(OutboxEntry(record_type=record_type, record_id=record_id))


def discard_draft(session: Session, response_id: uuid.UUID) -> None:
    response = get_response(session, response_id)
    _lock_check(response)
    response.deleted_at = utcnow()
    session.flush()


def _moment(value: object) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _take_in(session: Session, response: SurveyResponse, payload: Mapping[str, object]) -> str:
    """Fills a received response's answers from ``payload``; returns why it cannot be taken in, or ""."""
    record = find_form(session, response.form_id, response.form_version)
    if record is None:
        return _("Questionnaire {form} version {version} is not known here.").format(
            form=response.form_id, version=response.form_version)
    raw_answers = payload.get("answers")
    if not isinstance(raw_answers, dict):
        return _("The response holds no answers.")
    form = form_of(record)
    try:
        values = {str(k): answering.from_plain(form, form.question(str(k)), v) for k, v in raw_answers.items()}
    except KeyError as exc:
        return _("The answers do not fit the questionnaire: {problem}").format(
            problem=_("unknown question {name}").format(name=exc.args[0]))
    except ValidationError as exc:
        return _("The answers do not fit the questionnaire: {problem}").format(problem=str(exc))
    answers = {name: value for name, value in values.items() if value is not None}
    found = answering.problems(form, answers, response.language)
    if found:
        name, message = next(iter(found.items()))
        return _("The answers break the questionnaire's rules: {name}: {problem}").format(name=name, problem=message)
    _write(session, response, form, answering.kept_answers(form, answers))
    return ""


def receive(session: Session, payload: Mapping[str, object]) -> SurveyResponse:
    """Takes in a submitted response that arrived from elsewhere (sync, a file) with its own id and
    timestamps. One for a form or version not known here, with answers that do not fit the form or
    break its rules, or even without a valid id, is kept aside with the reason, never dropped; it is
    taken in once the form arrives (``retake_set_aside``). The same response twice is stored once."""
    reason = ""
    try:
        response_id = uuid.UUID(str(payload.get("id")))
    except ValueError:
        response_id = uuid.uuid4()
        reason = _("The response has no valid id; it was given a new one.")
    existing = session.get(SurveyResponse, response_id)
    if existing is not None:
        return existing
    now = utcnow()
    submitted = _moment(payload.get("submitted_at")) or now
    response = SurveyResponse(id=response_id, form_id=str(payload.get("form_id", ""))[:100],
                              form_version=str(payload.get("form_version", ""))[:50],
                              post_code=str(payload.get("post_code", ""))[:16],
                              language=str(payload.get("language", ""))[:10],
                              synthetic=bool(payload.get("synthetic", False)), status=ResponseStatus.SUBMITTED,
                              started_at=_moment(payload.get("started_at")) or submitted, submitted_at=submitted)
    session.add(response)
    session.flush()
    reason = reason or _take_in(session, response, payload)
    if reason:
        response.status = ResponseStatus.SET_ASIDE
        response.payload = dict(payload)
        response.set_aside_reason = reason
    session.flush()
    return response


def retake_set_aside(session: Session, record: StoredForm) -> int:
    """Takes in the responses set aside for want of this questionnaire version; returns how many."""
    taken = 0
    for response in session.scalars(select(SurveyResponse).where(
            SurveyResponse.status == ResponseStatus.SET_ASIDE, SurveyResponse.form_id == record.form_id,
            SurveyResponse.form_version == record.version)):
        if response.payload is not None and not _take_in(session, response, response.payload):
            response.status, response.payload, response.set_aside_reason = ResponseStatus.SUBMITTED, None, ""
            taken += 1
    session.flush()
    return taken


def export_payload(session: Session, response: SurveyResponse) -> dict[str, object]:
    """A submitted response as it travels: plain JSON values, select_multiple as lists."""
    answers = dict(response.answers or {})
    return {"id": str(response.id), "form_id": response.form_id, "form_version": response.form_version,
            "post_code": response.post_code, "synthetic": response.synthetic, "language": response.language,
            "started_at": response.started_at.isoformat(),
            "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
            "answers": answers}


def answers_of(session: Session, response: SurveyResponse) -> Answers:
    return load_answers(session, response, form_for(session, response))
