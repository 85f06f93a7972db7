"""Use cases of a condition check: start it, record answers and evidence, screen, assess, decide,
confirm (four eyes), amend. Every change is written to the audit log in the same transaction.

A check that is decided is locked: the decision waits for a second person, who confirms it or sends
it back; a confirmed check never changes again, an amendment is a new version linked to it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from postapp.conditions import audit, risk_data
from postapp.conditions.models import (
    OECD_STEPS,
    CheckStatus,
    ConditionCheck,
    Decision,
    DueDiligenceStep,
    RiskLevel,
    ScreeningHit,
    StepAnswer,
    SupportKind,
    Verdict,
)
from postapp.conditions.risk_data import RiskData
from postapp.conditions.rules import GENDER_QUESTIONS, MINERALS, Assessment, assess, missing_for_decision
from postapp.domain import Organisation, OrganisationKind
from postapp.domain.base import utcnow
from postapp.errors import PostAppError, ValidationError
from postapp.i18n import _, format_number
from postapp.sanctions.screening import ListStatus, list_status
from postapp.services.records import get_live
from postapp.services.validation import Checker

RECORD = "condition_check"
STALE_AFTER_DAYS = 30


class LockedError(PostAppError):
    """A decided or confirmed check was asked to change."""


class ListState(NamedTuple):
    """The sanctions lists a check is screened against, as the store holds them now."""

    lists: list[ListStatus]

    @property
    def available(self) -> bool:
        return bool(self.lists)

    @property
    def published(self) -> dt.date | None:
        """The publication date of the oldest active list: the one the staleness warning is about."""
        dates = [lst.published or lst.imported_at.date() for lst in self.lists]
        return min(dates) if dates else None

    @property
    def imported_at(self) -> dt.datetime | None:
        """When the newest list came in: a screening from before that must be run again."""
        return max((lst.imported_at for lst in self.lists), default=None)


def sanctions_state(session: Session) -> ListState:
    return ListState(list_status(session))


def _log(session: Session, check: ConditionCheck, actor: str, action: str, payload: dict[str, object]) -> None:
    """Appends to the audit chain and keeps the chain head on the check, so a removed tail shows."""
    entry = audit.append(session, actor, action, RECORD, check.id, payload)
    check.audit_seq, check.audit_hash = entry.seq, entry.hash
    if not check.locked:
        _propose(check)
    session.flush()


def _propose(check: ConditionCheck) -> None:
    """Keeps a draft's proposed risk level current, so open work can be listed highest risk first."""
    try:
        check.risk_level = assess(check, risk_data.load()).level
    except PostAppError:
        check.risk_level = None  # no reference data: the form says so; the list just cannot rank it


def get_check(session: Session, check_id: uuid.UUID) -> ConditionCheck:
    return get_live(session, ConditionCheck, check_id, _("This condition check no longer exists."))


def _editable(session: Session, check_id: uuid.UUID) -> ConditionCheck:
    check = get_check(session, check_id)
    if check.locked:
        raise LockedError(_("This check is decided and locked. Amend it to make a new version."))
    return check


def start_check(session: Session, organisation_id: uuid.UUID, support_kind: str | SupportKind,
                host_country: str, actor: str, post_code: str = "") -> ConditionCheck:
    check_ = Checker()
    org = session.get(Organisation, organisation_id)
    if org is None or org.is_deleted:
        check_.fail("organisation", _("Choose the company the post would support."))
    elif org.kind is not OrganisationKind.COMPANY:
        check_.fail("organisation", _("IMVO conditions apply to companies; this organisation is not a company."))
    try:
        kind = SupportKind(support_kind)
    except ValueError:
        check_.fail("support_kind", _("Choose the kind of support."))
        kind = SupportKind.OTHER
    country = check_.country("host_country", host_country)
    if not country:
        check_.fail("host_country", _("Country must be a two-letter ISO code, for example VN or GH."))
    check_.done()
    check = ConditionCheck(organisation_id=organisation_id, support_kind=kind, host_country=country,
                           post_code=post_code, minerals=[], gender_answers={}, risk_reasons=[], conditions=[])
    check.steps = [DueDiligenceStep(step=n, post_code=post_code) for n in range(1, OECD_STEPS + 1)]
    session.add(check)
    session.flush()
    _log(session, check, actor, "start", {
        "organisation": str(organisation_id), "organisation_name": org.name if org else "",
        "support_kind": kind.value, "host_country": country})
    return check


@dataclass
class CheckAnswers:
    """The company's answers outside the six steps, as the form holds them."""

    oecd_declared: bool | None = None
    conflict_minerals: bool | None = None
    minerals_from_cahra: bool | None = None
    minerals: list[str] = field(default_factory=list)
    gender_answers: dict[str, str] = field(default_factory=dict)
    ncp_complaints: str = ""


def record_answers(session: Session, check_id: uuid.UUID, answers: CheckAnswers, actor: str) -> ConditionCheck:
    check = _editable(session, check_id)
    checker = Checker()
    ncp = checker.notes("ncp_complaints", answers.ncp_complaints, _("Complaints at the NCP"))
    unknown = [m for m in answers.minerals if m not in MINERALS]
    if unknown:
        checker.fail("minerals", _("Conflict minerals are tin, tantalum, tungsten and gold."))
    valid = {a.value for a in StepAnswer}
    if any(k not in GENDER_QUESTIONS or v not in valid for k, v in answers.gender_answers.items()):
        checker.fail("gender_answers", _("Answer each gender question with yes, partly, no or not yet known."))
    checker.done()
    check.oecd_declared = answers.oecd_declared
    check.conflict_minerals = answers.conflict_minerals
    check.minerals_from_cahra = answers.minerals_from_cahra if answers.conflict_minerals else None
    check.minerals = sorted(set(answers.minerals)) if answers.conflict_minerals else []
    check.gender_answers = dict(answers.gender_answers)
    check.ncp_complaints = ncp
    session.flush()
    _log(session, check, actor, "answers", {
        "oecd_declared": check.oecd_declared, "conflict_minerals": check.conflict_minerals,
        "minerals_from_cahra": check.minerals_from_cahra, "minerals": check.minerals,
        "gender_answers": check.gender_answers, "ncp_complaints": check.ncp_complaints})
    return check


@dataclass
class StepData:
    answer: str | StepAnswer = StepAnswer.UNKNOWN
    evidence_ref: str = ""
    evidence_link: str = ""
    note: str = ""


def record_step(session: Session, check_id: uuid.UUID, number: int, data: StepData, actor: str) -> DueDiligenceStep:
    check = _editable(session, check_id)
    checker = Checker()
    try:
        answer = StepAnswer(data.answer)
    except ValueError:
        checker.fail("answer", _("Answer with yes, partly, no or not yet known."))
        answer = StepAnswer.UNKNOWN
    ref = checker.text("evidence_ref", data.evidence_ref, _("Document reference"), 300)
    link = checker.text("evidence_link", data.evidence_link, _("Link"), 500)
    note = checker.notes("note", data.note, _("Note"))
    step = next((s for s in check.steps if s.step == number), None)
    if step is None:
        checker.fail("step", _("There are six due-diligence steps."))
    checker.done()
    assert step is not None
    step.answer, step.evidence_ref, step.evidence_link, step.note = answer, ref, link, note
    session.flush()
    _log(session, check, actor, "step", {
        "step": number, "answer": answer.value, "evidence_ref": ref, "evidence_link": link, "note": note})
    return step


class HitData(NamedTuple):
    """A screening candidate as the sanctions screener reports it."""

    list_source: str
    list_published: dt.date | None
    external_id: str
    matched_name: str
    primary_name: str
    score: float
    schema: str
    countries: str
    programme: str


def record_screening(session: Session, check_id: uuid.UUID, hits: list[HitData], actor: str) -> ConditionCheck:
    """Stores a screening run: verdicts already given on the same list entry are kept."""
    check = _editable(session, check_id)
    assessed = {(h.list_source, h.external_id): h for h in check.hits if h.verdict is not Verdict.UNDECIDED}
    kept = list(assessed.values())
    for hit in hits:
        if (hit.list_source, hit.external_id) in assessed:
            continue
        kept.append(ScreeningHit(post_code=check.post_code, **hit._asdict()))
    check.hits = kept
    check.screened_at = utcnow()
    session.flush()
    state = sanctions_state(session)
    _log(session, check, actor, "screen", {
        "lists": [{"source": lst.source, "published": lst.published} for lst in state.lists],
        "candidates": [{"source": h.list_source, "id": h.external_id, "name": h.primary_name,
                        "score": round(h.score, 1)} for h in hits]})
    return check


def assess_hit(session: Session, hit_id: uuid.UUID, verdict: str | Verdict, reason: str, actor: str) -> ScreeningHit:
    hit = get_live(session, ScreeningHit, hit_id, _("This sanctions hit no longer exists."))
    check = _editable(session, hit.check_id)
    checker = Checker()
    try:
        value = Verdict(verdict)
    except ValueError:
        value = Verdict.UNDECIDED
    if value is Verdict.UNDECIDED:
        checker.fail("verdict", _("Mark the hit as a true or a false match."))
    text = checker.required("reason", reason, _("Reason"), 2000)
    checker.done()
    hit.verdict, hit.reason, hit.assessed_by = value, text, actor
    session.flush()
    _log(session, check, actor, "hit", {
        "hit": str(hit.id), "name": hit.primary_name, "verdict": value.value, "reason": text})
    return hit


class Review(NamedTuple):
    """Everything the form shows about where a check stands."""

    assessment: Assessment
    missing: list[str]
    warnings: list[str]


def review(check: ConditionCheck, data: RiskData, lists: ListState, decision: Decision | None = Decision.SUPPORT,
           today: dt.date | None = None, stale_after_days: int = STALE_AFTER_DAYS) -> Review:
    result = assess(check, data)
    missing = missing_for_decision(check, result.level, decision, lists.available, lists.imported_at)
    warnings = []
    today = today or dt.date.today()
    published = lists.published
    if not lists.available:
        warnings.append(_("No sanctions list has been imported: the company was not screened."))
    elif published is not None and (today - published).days > stale_after_days:
        warnings.append(_("The sanctions list is {days} days old; import a recent one before deciding.").format(
            days=format_number((today - published).days)))
    return Review(result, missing, warnings)


def decide(session: Session, check_id: uuid.UUID, decision: str | Decision, conditions: list[str], rationale: str,
           decided_by: str, data: RiskData) -> ConditionCheck:
    """Records the decision of the first person; refused with what is missing when the evidence is not there.
    The sanctions lists are looked up here, not taken from the caller, so no screening can be skipped."""
    lists = sanctions_state(session)
    check = _editable(session, check_id)
    checker = Checker()
    try:
        chosen: Decision | None = Decision(decision)
    except ValueError:
        checker.fail("decision", _("Choose support, support with conditions or no support."))
        chosen = None
    items = [c.strip() for c in conditions if c.strip()]
    if chosen is Decision.SUPPORT_WITH_CONDITIONS and not items:
        checker.fail("conditions", _("List the conditions of the support."))
    text = checker.required("rationale", rationale, _("Rationale"), 20_000)
    who = checker.required("decided_by", decided_by, _("Decided by"), 200)
    result = assess(check, data)
    missing = missing_for_decision(check, result.level, chosen, lists.available, lists.imported_at)
    if missing:
        checker.fail("missing", " ".join(missing))
    checker.done()
    assert chosen is not None
    check.decision, check.conditions, check.rationale = chosen, items, text
    check.risk_level, check.risk_reasons = result.level, [r.stored() for r in result.reasons]
    check.decided_by, check.decided_at, check.status = who, utcnow(), CheckStatus.DECIDED
    session.flush()
    _log(session, check, who, "decide", {
        "decision": chosen.value, "conditions": items, "rationale": text, "risk_level": result.level.value,
        "reasons": check.risk_reasons})
    return check


def same_person(a: str, b: str) -> bool:
    """Names compared without case, spacing and punctuation: "Alice." is not a second person to "alice"."""
    def key(name: str) -> str:
        return "".join(ch for ch in name.casefold() if ch.isalnum())

    return key(a) == key(b)


def confirm(session: Session, check_id: uuid.UUID, confirmed_by: str) -> ConditionCheck:
    """The second pair of eyes: someone other than the decider confirms, and the check is locked."""
    check = get_check(session, check_id)
    checker = Checker()
    who = checker.required("confirmed_by", confirmed_by, _("Confirmed by"), 200)
    if check.status is not CheckStatus.DECIDED:
        checker.fail("status", _("Only a decided check waiting for confirmation can be confirmed."))
    elif same_person(who, check.decided_by):
        checker.fail("confirmed_by", _("A second person must confirm the decision (four eyes)."))
    checker.done()
    check.confirmed_by, check.confirmed_at, check.status = who, utcnow(), CheckStatus.CONFIRMED
    session.flush()
    _log(session, check, who, "confirm", {"decision": check.decision.value if check.decision else None,
                                          "decided_by": check.decided_by})
    return check


def send_back(session: Session, check_id: uuid.UUID, reviewer: str, reason: str) -> ConditionCheck:
    """The second person does not confirm: the decision is withdrawn and the check is a draft again."""
    check = get_check(session, check_id)
    checker = Checker()
    who = checker.required("confirmed_by", reviewer, _("Confirmed by"), 200)
    why = checker.required("reason", reason, _("Reason"), 2000)
    if check.status is not CheckStatus.DECIDED:
        checker.fail("status", _("Only a decided check waiting for confirmation can be sent back."))
    checker.done()
    previous = check.decision.value if check.decision else None
    check.status, check.decision, check.decided_by, check.decided_at = CheckStatus.DRAFT, None, "", None
    session.flush()
    _log(session, check, who, "send_back", {"decision": previous, "reason": why})
    return check


def amend(session: Session, check_id: uuid.UUID, actor: str) -> ConditionCheck:
    """A new draft version of a confirmed check, with its answers, evidence and hit verdicts copied."""
    old = get_check(session, check_id)
    if old.status is not CheckStatus.CONFIRMED:
        raise ValidationError({"status": _("Only a confirmed check can be amended; edit the draft instead.")})
    newer = session.scalar(select(ConditionCheck.id).where(ConditionCheck.previous_id == old.id,
                                                           ConditionCheck.deleted_at.is_(None)))
    if newer is not None:
        raise ValidationError({"status": _("This check already has a newer version; amend that one.")})
    new = ConditionCheck(
        organisation_id=old.organisation_id, support_kind=old.support_kind, host_country=old.host_country,
        version=old.version + 1, previous_id=old.id, post_code=old.post_code, oecd_declared=old.oecd_declared,
        conflict_minerals=old.conflict_minerals, minerals_from_cahra=old.minerals_from_cahra,
        minerals=list(old.minerals), gender_answers=dict(old.gender_answers), ncp_complaints=old.ncp_complaints,
        screened_at=old.screened_at, risk_reasons=[], conditions=list(old.conditions))
    new.steps = [DueDiligenceStep(step=s.step, answer=s.answer, evidence_ref=s.evidence_ref,
                                  evidence_link=s.evidence_link, note=s.note, post_code=s.post_code)
                 for s in old.steps]
    new.hits = [ScreeningHit(list_source=h.list_source, list_published=h.list_published, external_id=h.external_id,
                             matched_name=h.matched_name, primary_name=h.primary_name, score=h.score,
                             schema=h.schema, countries=h.countries, programme=h.programme, verdict=h.verdict,
                             reason=h.reason, assessed_by=h.assessed_by, post_code=h.post_code)
                for h in old.hits]
    session.add(new)
    session.flush()
    _log(session, new, actor, "amend", {"previous": str(old.id), "version": new.version})
    return new


class CheckRow(NamedTuple):
    id: uuid.UUID
    organisation: str
    support_kind: SupportKind
    status: CheckStatus
    risk_level: RiskLevel | None
    decision: Decision | None
    version: int
    updated_at: dt.datetime


def check_rows(session: Session, offset: int = 0, limit: int = 200) -> list[CheckRow]:
    """Open work first (drafts, then awaiting confirmation), highest risk first, newest first."""
    status_order = case((ConditionCheck.status == CheckStatus.DRAFT, 0),
                        (ConditionCheck.status == CheckStatus.DECIDED, 1), else_=2)
    risk_order = case((ConditionCheck.risk_level == RiskLevel.HIGH, 0),
                      (ConditionCheck.risk_level == RiskLevel.MEDIUM, 1), else_=2)
    stmt = (
        select(ConditionCheck.id, Organisation.name, ConditionCheck.support_kind, ConditionCheck.status,
               ConditionCheck.risk_level, ConditionCheck.decision, ConditionCheck.version, ConditionCheck.updated_at)
        .join(Organisation, Organisation.id == ConditionCheck.organisation_id)
        .where(ConditionCheck.deleted_at.is_(None))
        .order_by(status_order, risk_order, ConditionCheck.updated_at.desc(), ConditionCheck.id)
        .offset(offset).limit(limit)
    )
    return [CheckRow(*row) for row in session.execute(stmt)]


def versions(session: Session, check_id: uuid.UUID) -> list[ConditionCheck]:
    """The chain of versions this check belongs to, oldest first."""
    check = get_check(session, check_id)
    chain = [check]
    while chain[0].previous_id is not None:
        previous = session.get(ConditionCheck, chain[0].previous_id)
        if previous is None:
            break
        chain.insert(0, previous)
    while True:
        newer = session.scalar(select(ConditionCheck).where(ConditionCheck.previous_id == chain[-1].id))
        if newer is None:
            break
        chain.append(newer)
    return chain
