"""Setting HQ up and keeping its list of posts: identity, registration with an enrolment file, revocation."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from postapp.domain.base import utcnow
from postapp.errors import NotFoundError, PostAppError, ValidationError
from postapp.hq.ingest import pinned_keys, secret_hash
from postapp.hq.models import (
    HQActivityCount,
    HQBundle,
    HQGoodExample,
    HQPost,
    HQPostBundle,
    HQUpload,
    HQUploadChunk,
)
from postapp.hq.outgoing import pending_count
from postapp.hq.store import get_setting, set_setting
from postapp.i18n import _
from postapp.survey import responses
from postapp.survey.models import InterviewNote, ResponseStatus, SurveyResponse
from postapp.sync.keys import KeyPair, PublicKeys

CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
HQ_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_COUNTRY = 10  # an ISO country code; the post's enrolment reader takes at most 10 characters


def initialise(session: Session, hq_id: str, keys: KeyPair, server_url: str = "") -> None:
    """Records HQ's identity and public keys and stores the shipped study questionnaire. Running it again
    with the same identity and keys changes nothing; other ones are refused (posts enrolled with the old
    ones could no longer reach HQ)."""
    if not HQ_ID.match(hq_id):
        raise ValidationError({"hq_id": _("An HQ id is 1 to 100 letters, digits, '.', '_' or '-'.")})
    public = keys.public().to_json()
    current = get_setting(session, "hq_id")
    if current is not None:
        if current != hq_id or (get_setting(session, "sign_key"), get_setting(session, "box_key")) != (
                public["sign"], public["box"]):
            raise PostAppError(_("This HQ database was set up as {hq} with other keys; it is left as it is.").format(
                hq=current))
    else:
        set_setting(session, "hq_id", hq_id)
        set_setting(session, "sign_key", public["sign"])
        set_setting(session, "box_key", public["box"])
    if server_url:
        set_setting(session, "server_url", server_url)
    responses.ensure_study_form(session)


def hq_identity(session: Session) -> tuple[str, PublicKeys]:
    hq_id = get_setting(session, "hq_id")
    sign, box = get_setting(session, "sign_key"), get_setting(session, "box_key")
    if hq_id is None or sign is None or box is None:
        raise PostAppError(_("HQ has not been set up yet; run postapp-hq init first."))
    return hq_id, PublicKeys.from_json({"sign": sign, "box": box})


def check_keys(session: Session, keys: KeyPair) -> str:
    """HQ's id, after checking ``keys`` are the ones HQ was set up with."""
    hq_id, public = hq_identity(session)
    if keys.public() != public:
        raise PostAppError(_("These keys are not the ones HQ {hq} was set up with; posts could not read what "
                             "it sends. Use the keys folder given to init.").format(hq=hq_id))
    return hq_id


def _restart(session: Session, post: HQPost) -> None:
    """The post starts afresh: its keys are forgotten (pinned again from its next first bundle), its
    sequence numbers start again from 1 both ways; what HQ received from it stays."""
    for model in (HQBundle, HQPostBundle, HQUploadChunk, HQUpload):
        session.execute(delete(model).where(model.post_code == post.code))
    # Monthly counts keep the seq of the bundle that brought them; the new bundles count from 1 again.
    session.execute(update(HQActivityCount).where(HQActivityCount.post_code == post.code).values(seq=0))
    post.sign_key = post.box_key = None
    post.last_seq = post.out_seq = post.out_upto = post.out_acked = 0


def register_post(session: Session, code: str, *, name: str, country: str) -> HQPost:
    """Registers a post, or enrols a revoked one afresh (its keys are forgotten and pinned again from its
    next first bundle; its sequence numbers start again; an enrolment file written before no longer
    counts: write a new one)."""
    errors: dict[str, str] = {}
    if not CODE.match(code):
        errors["code"] = _("A post code is 1 to 16 capital letters, digits, '_' or '-' (e.g. HAN).")
    if not name.strip() or len(name) > 200:
        errors["name"] = _("Give the post a name of at most 200 characters.")
    if len(country.strip()) > MAX_COUNTRY:
        errors["country"] = _("Give the country as its code (e.g. VN), at most {n} characters.").format(
            n=MAX_COUNTRY)
    if errors:
        raise ValidationError(errors)
    post = session.get(HQPost, code)
    if post is not None and not post.is_revoked:
        post.name, post.country = name.strip(), country.strip().upper()
        session.flush()
        return post
    if post is None:
        post = HQPost(code=code, name=name.strip(), country=country.strip().upper(), enrolled_at=utcnow(),
                      last_seq=0, out_seq=0, out_upto=0, out_acked=0)
        session.add(post)
    else:
        # Re-enrolment: the post makes new keys and counts from 1 again; what HQ received stays.
        _restart(session, post)
        post.name, post.country = name.strip(), country.strip().upper()
        post.enrolled_at, post.revoked_at = utcnow(), None
        post.enrolment_secret_hash = None
    session.flush()
    return post


def revoke_post(session: Session, code: str) -> HQPost:
    post = session.get(HQPost, code)
    if post is None:
        raise NotFoundError(_("Post {code} is not registered at this headquarters.").format(code=code))
    if post.revoked_at is None:
        post.revoked_at = utcnow()
    session.flush()
    return post


def new_enrolment_secret(session: Session, post: HQPost) -> str:
    """A new enrolment secret for ``post``, of which HQ keeps only the hash. This is re-enrolment: an
    earlier file no longer counts, the post's keys are forgotten and its sequence numbers start again, so
    the laptop that imports the new file pins its keys with its first bundle (which must carry the secret)."""
    secret = secrets.token_urlsafe(32)
    _restart(session, post)
    post.enrolment_secret_hash = secret_hash(secret)
    session.flush()
    return secret


def write_enrolment_file(session: Session, code: str, path: Path, keys: KeyPair, server_url: str = "") -> None:
    """Writes the enrolment file for post ``code`` with a new enrolment secret (see ``new_enrolment_secret``:
    writing a file re-enrols the post; only the laptop given the newest file can send to HQ)."""
    from postapp.sync.enrolment import write_enrolment

    hq_id = check_keys(session, keys)
    post = session.get(HQPost, code)
    if post is None or post.is_revoked:
        raise NotFoundError(_("Post {code} is not registered at this headquarters.").format(code=code))
    url = server_url or get_setting(session, "server_url") or ""
    secret = new_enrolment_secret(session, post)
    write_enrolment(path, hq_id=hq_id, server_url=url, hq=keys, post_code=post.code, post_name=post.name,
                    country=post.country, enrolment_secret=secret)


@dataclass(frozen=True)
class PostSummary:
    code: str
    name: str
    country: str
    enrolled_at: datetime
    revoked_at: datetime | None
    fingerprint: str  # of the pinned keys; "" before the first bundle
    last_seq: int
    last_sync_at: datetime | None
    bundles: int
    responses: int
    set_aside: int
    notes: int
    examples: int
    activity_months: int
    waiting_to_send: int


def _counts(session: Session, column: object, *where: object) -> dict[str, int]:
    query = select(column, func.count()).group_by(column)  # type: ignore[call-overload]
    for clause in where:
        query = query.where(clause)
    return {str(code): int(n) for code, n in session.execute(query)}


def post_summaries(session: Session) -> list[PostSummary]:
    """Every post with its last sync and what was received from it."""
    bundles = _counts(session, HQBundle.post_code)
    answered = _counts(session, SurveyResponse.post_code, SurveyResponse.status == ResponseStatus.SUBMITTED)
    aside = _counts(session, SurveyResponse.post_code, SurveyResponse.status == ResponseStatus.SET_ASIDE)
    notes = _counts(session, InterviewNote.post_code)
    examples = _counts(session, HQGoodExample.post_code)
    months = {str(code): int(n) for code, n in session.execute(
        select(HQActivityCount.post_code, func.count(func.distinct(HQActivityCount.month)))
        .group_by(HQActivityCount.post_code))}
    out = []
    for post in session.scalars(select(HQPost).order_by(HQPost.code)):
        keys = pinned_keys(post)
        out.append(PostSummary(post.code, post.name, post.country, post.enrolled_at, post.revoked_at,
                               keys.fingerprint() if keys else "", post.last_seq, post.last_sync_at,
                               bundles.get(post.code, 0), answered.get(post.code, 0), aside.get(post.code, 0),
                               notes.get(post.code, 0), examples.get(post.code, 0), months.get(post.code, 0),
                               pending_count(session, post)))
    return out


def activity_by_post(session: Session, *, since: str | None = None) -> dict[str, dict[str, int]]:
    """Activities per post and core task, summed over the months from ``since`` (YYYY-MM) on, or over all
    months received: to set beside the survey answers, as engagement against Dutch business presence."""
    query = select(HQActivityCount.post_code, HQActivityCount.core_task, func.sum(HQActivityCount.count)).group_by(
        HQActivityCount.post_code, HQActivityCount.core_task)
    if since is not None:
        query = query.where(HQActivityCount.month >= since)
    totals: dict[str, dict[str, int]] = {}
    for code, task, total in session.execute(query):
        totals.setdefault(str(code), {})[str(task)] = int(total or 0)
    return totals
