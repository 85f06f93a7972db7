"""A synthetic round of the usability study, so the analysis and the study report can be shown and
measured without real answers.

Everything it makes is marked synthetic: the ``synthetic`` flag on every response and interview note
(which every output of the analysis reports), post codes starting with ``SYN`` and remarks that say so.
The figures are drawn to resemble the study's published findings (nearly 80% positive; extra actions
more common where Dutch business is more active), not anyone's answers.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from postapp.domain.base import utcnow
from postapp.errors import PostAppError
from postapp.i18n import _, format_number
from postapp.survey import answering
from postapp.survey.analysis import MEASURES, TASKS, rating_name
from postapp.survey.form import AnswerValue
from postapp.survey.interviews import load_guide
from postapp.survey.models import (
    InterviewNote,
    InterviewStatus,
    OutboxEntry,
    ResponseStatus,
    SurveyResponse,
)
from postapp.survey.responses import ensure_study_form

MAX_POSTS = 20_000
SYNTHETIC_PREFIX = "SYN"
REGIONS = {"africa": 0.25, "americas": 0.15, "asia_oceania": 0.25, "europe": 0.20, "middle_east_north_africa": 0.15}
ACTIVITY = {"low": 0.30, "medium": 0.40, "high": 0.30}
ROLES = {"head_of_post": 0.2, "deputy_head": 0.15, "economic_officer": 0.35, "policy_officer": 0.2,
         "local_staff": 0.1}
# Chance that a post planned or took extra actions, by how active Dutch business is in the country.
ACTION_CHANCE = {"low": 0.45, "medium": 0.72, "high": 0.88}
ACTIONS = {"imvo_sessions": 0.6, "company_advice": 0.45, "trade_mission_screening": 0.3,
           "host_government_dialogue": 0.3, "civil_society_network": 0.25, "staff_training": 0.2,
           "good_example_shared": 0.1}
SUPPORT = {"good_examples": 0.35, "training": 0.3, "templates": 0.25, "country_risk_info": 0.28,
           "hq_helpdesk": 0.15, "exchange_between_posts": 0.22}
REMARKS = [
    "[synthetic] De voorbeelden uit andere landen zouden helpen.",
    "[synthetic] The guideline on IMVO conditions takes time to apply before a trade mission.",
    "[synthetic] Meer aandacht voor gender in de toolkit.",
    "[synthetic] Short templates for company conversations would save time.",
]
QUOTES = [
    "[synthetic] Without Dutch companies here, awareness sessions have no audience.",
    "[synthetic] De richtlijn is helder, maar de tijd ontbreekt.",
    "[synthetic] We would like to see how other posts organise IMVO sessions.",
]


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _rating(rng: random.Random, base: float) -> str:
    return str(min(5, max(1, round(base + rng.gauss(0, 0.3)))))


def clear_synthetic(session: Session) -> int:
    """Removes an earlier synthetic round; real responses are never touched."""
    ids = list(session.scalars(select(SurveyResponse.id).where(SurveyResponse.synthetic.is_(True))))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        session.execute(delete(OutboxEntry).where(OutboxEntry.record_id.in_(chunk)))
        session.execute(delete(SurveyResponse).where(SurveyResponse.id.in_(chunk)))
    session.execute(delete(InterviewNote).where(InterviewNote.synthetic.is_(True)))
    return len(ids)


def generate_round(session: Session, posts: int, *, seed: int = 2026, interviews: bool = True) -> int:
    """Replaces any earlier synthetic round with one response per post, all submitted; returns the
    number of responses. Runs inside the caller's transaction: all or nothing."""
    if not 1 <= posts <= MAX_POSTS:
        raise PostAppError(_("The number of posts must be from 1 to {maximum}.").format(
            maximum=format_number(MAX_POSTS)))
    rng = random.Random(seed)
    record = ensure_study_form(session)
    clear_synthetic(session)
    now = utcnow()
    responses: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    guide = load_guide()
    for number in range(1, posts + 1):
        rid = uuid.UUID(int=rng.getrandbits(128), version=4)
        post = f"{SYNTHETIC_PREFIX}{number:03d}"
        submitted = now - dt.timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 1440))
        responses.append({"id": rid, "form_id": record.form_id, "form_version": record.version,
                          "status": ResponseStatus.SUBMITTED, "language": rng.choice(["nl", "en"]), "page": 0,
                          "started_at": submitted - dt.timedelta(minutes=rng.randint(8, 40)),
                          "submitted_at": submitted, "synthetic": True, "payload": None, "set_aside_reason": "",
                          "created_at": submitted, "updated_at": submitted, "post_code": post,
                          "deleted_at": None})
        region, activity = _weighted(rng, REGIONS), _weighted(rng, ACTIVITY)
        values: dict[str, AnswerValue] = {
            "region": region, "business_activity": activity, "role": _weighted(rng, ROLES),
            "imvo_fte": round(rng.uniform(0.1, 3.0), 1)}
        base = rng.gauss(4.25, 0.55)
        for measure in MEASURES:
            values[f"overall_{measure}"] = _rating(rng, base)
            for task in TASKS:
                values[rating_name(measure, task)] = _rating(rng, base - (0.3 if task == "agenda" else 0.0))
        if rng.random() < ACTION_CHANCE[activity]:
            values["extra_actions"] = rng.choice(["planned", "taken", "planned_and_taken"])
            chosen = tuple(name for name, p in ACTIONS.items() if rng.random() < p) or ("imvo_sessions",)
            values["actions_which"] = chosen
        else:
            values["extra_actions"] = "none"
        wished = tuple(name for name, p in SUPPORT.items() if rng.random() < p)
        if wished:
            values["support_wished"] = wished
        if rng.random() < 0.2:
            values["remarks"] = rng.choice(REMARKS)
        responses[-1]["answers"] = {name: answering.to_plain(value) for name, value in values.items()}
        if interviews and rng.random() < 0.1:
            themes = rng.sample([t.code for t in guide.themes], k=rng.randint(2, 4))
            notes.append({"id": uuid.UUID(int=rng.getrandbits(128), version=4), "guide_id": guide.guide_id,
                          "guide_version": guide.version, "held_on": submitted.date(),
                          "interviewee_role": "[synthetic]", "region": region, "business_activity": activity,
                          "themes": themes, "quotes": [{"theme": themes[0], "text": rng.choice(QUOTES)}],
                          "follow_ups": [], "notes": "[synthetic]", "status": InterviewStatus.FINAL,
                          "synthetic": True, "created_at": submitted, "updated_at": submitted, "post_code": post,
                          "deleted_at": None})
    for model, rows in ((SurveyResponse, responses), (InterviewNote, notes)):
        for start in range(0, len(rows), 5000):
            session.execute(insert(model), rows[start:start + 5000])
    return posts
