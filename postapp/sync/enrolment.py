"""Enrolment: headquarters writes a signed file naming itself and the post; the post imports it once.

The file (JSON, UTF-8)::

    {"format": "postapp-enrolment/1", "hq_id": ..., "server_url": ..., "hq_keys": {"sign": b64, "box": b64},
     "post": {"code": ..., "name": ..., "country": ...}, "issued_at": ISO, "enrolment_secret": ...,
     "signature": b64}

``signature`` is HQ's Ed25519 signature over the canonical JSON of every other member. It is checked
against the key inside the file (trust on first use of the file: the file must come from HQ by a road
the post trusts); what it guards against is a file damaged or altered on the way.

``enrolment_secret`` is a random secret that HQ made for this file (it keeps only its SHA-256). The post
keeps it and puts it in the encrypted payload of every bundle it sends; HQ pins the post's keys only from
a first bundle carrying it. A new file for the same post (a new secret) is a re-enrolment: both sides
start their sequence numbers afresh.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.exceptions import CryptoError
from nacl.signing import VerifyKey
from sqlalchemy import delete
from sqlalchemy.orm import Session

from postapp.domain.base import utcnow
from postapp.errors import PostAppError
from postapp.i18n import _
from postapp.sync import keys as keyfiles
from postapp.sync.canonical import canonical_json
from postapp.sync.errors import EnrolmentError
from postapp.sync.keys import KeyPair, PublicKeys
from postapp.sync.models import SyncBundle, SyncOutboxBundle, SyncState

FORMAT = "postapp-enrolment/1"
MAX_FILE_BYTES = 64 * 1024
STATE_ID = 1


def enrolment_document(*, hq_id: str, server_url: str, hq: KeyPair, post_code: str, post_name: str,
                       country: str, enrolment_secret: str, issued_at: str | None = None) -> dict[str, Any]:
    """The signed enrolment as a JSON object."""
    body: dict[str, Any] = {
        "format": FORMAT, "hq_id": hq_id, "server_url": server_url, "hq_keys": hq.public().to_json(),
        "post": {"code": post_code, "name": post_name, "country": country},
        "issued_at": issued_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "enrolment_secret": enrolment_secret}
    signature = hq.sign.sign(canonical_json(body)).signature
    return {**body, "signature": base64.b64encode(signature).decode("ascii")}


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def write_enrolment(path: Path, *, hq_id: str, server_url: str, hq: KeyPair, post_code: str, post_name: str,
                    country: str, enrolment_secret: str | None = None) -> str:
    """Writes the enrolment file for a post (used by HQ), atomically, and returns its enrolment secret
    (a new one unless given: HQ must keep its hash to take the post's first bundle)."""
    enrolment_secret = enrolment_secret or new_secret()
    document = enrolment_document(hq_id=hq_id, server_url=server_url, hq=hq, post_code=post_code,
                                  post_name=post_name, country=country, enrolment_secret=enrolment_secret)
    data = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PostAppError(_("Could not write {path}: {problem}").format(
            path=path, problem=exc.strerror or exc)) from exc
    return enrolment_secret


@dataclass(frozen=True)
class Enrolment:
    """A checked enrolment file."""

    hq_id: str
    server_url: str
    hq_keys: PublicKeys
    post_code: str
    post_name: str
    country: str
    issued_at: str
    enrolment_secret: str


def _damaged(path: Path) -> EnrolmentError:
    return EnrolmentError(_("{path} is not a valid enrolment file from headquarters.").format(path=path.name))


def _text(value: Any, limit: int, *, required: bool = True) -> str:
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise ValueError
    return value.strip()


def read_enrolment(path: Path) -> Enrolment:
    """The enrolment in ``path`` after checking its form and signature; ``EnrolmentError`` otherwise."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _damaged(path)
        raw = path.read_bytes()
    except OSError as exc:
        raise PostAppError(_("Could not read {path}: {problem}").format(
            path=path, problem=exc.strerror or exc)) from exc
    try:
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise _damaged(path) from None
    if not isinstance(document, dict):
        raise _damaged(path)
    if document.get("format") != FORMAT:
        if isinstance(document.get("format"), str) and str(document["format"]).startswith("postapp-enrolment/"):
            raise EnrolmentError(_("The enrolment file has format {format}, which this version of PostApp cannot "
                                   "read; update PostApp.").format(format=document["format"]))
        raise _damaged(path)
    body = {k: v for k, v in document.items() if k != "signature"}
    try:
        signature = base64.b64decode(document["signature"], validate=True)
        hq_keys = PublicKeys.from_json(document["hq_keys"])
        post = document["post"]
        if not isinstance(post, dict):
            raise ValueError
        enrolment = Enrolment(_text(document["hq_id"], 100), _text(document["server_url"], 500, required=False),
                              hq_keys, _text(post["code"], 16), _text(post.get("name", ""), 200, required=False),
                              _text(post.get("country", ""), 10, required=False), _text(document["issued_at"], 64),
                              _text(document["enrolment_secret"], 100))
    except (KeyError, TypeError, ValueError, binascii.Error, PostAppError):
        raise _damaged(path) from None
    try:
        VerifyKey(hq_keys.sign).verify(canonical_json(body), signature)
    except (CryptoError, ValueError, TypeError):
        raise EnrolmentError(_("The signature of the enrolment file {path} does not match its contents: the file "
                               "was changed or damaged. Ask headquarters for a new one.").format(
            path=path.name)) from None
    return enrolment


def state(session: Session) -> SyncState | None:
    """The enrolment of this store, or None."""
    return session.get(SyncState, STATE_ID)


def require_state(session: Session) -> SyncState:
    found = state(session)
    if found is None:
        raise PostAppError(_("This data file is not enrolled with headquarters yet; import the enrolment file "
                             "from headquarters first (postapp sync enrol FILE)."))
    return found


def _forget_unacknowledged(session: Session) -> None:
    """Bundles sealed for a previous headquarters are dropped; what they carried and HQ never confirmed
    goes out again to the new one."""
    session.execute(delete(SyncOutboxBundle))
    session.execute(delete(SyncBundle))


def enrol(session: Session, path: Path, keys_folder: Path, *, replace: bool = False) -> SyncState:
    """Takes in HQ's enrolment file: checks it, stores HQ's identity and keys, and makes this post's own key
    pair in ``keys_folder`` if there is none yet. The same HQ again (same id, keys and post code) only
    updates the address and names; another HQ, other HQ keys or another post code is refused unless
    ``replace`` is given, which starts the sequence numbers afresh. A new file from the same HQ for the
    same post (another enrolment secret: HQ re-enrolled the post, and now counts from 1 again) also
    starts afresh, without ``replace``."""
    enrolment = read_enrolment(path)
    current = state(session)
    if current is not None:
        same = (current.hq_id == enrolment.hq_id and current.post_code == enrolment.post_code
                and PublicKeys(current.hq_sign_key, current.hq_box_key) == enrolment.hq_keys)
        if not same and not replace:
            if current.hq_id != enrolment.hq_id:
                raise EnrolmentError(_("This data file is already enrolled with headquarters {current}; the file "
                                       "comes from {other}. To move to the other headquarters, enrol again with "
                                       "--replace.").format(current=current.hq_id, other=enrolment.hq_id))
            raise EnrolmentError(_("This enrolment file names headquarters {hq} with other keys or another post "
                                   "code ({code}) than this data file was enrolled with. If headquarters confirms "
                                   "the change, enrol again with --replace.").format(
                hq=enrolment.hq_id, code=enrolment.post_code))
        if not same or current.enrolment_secret != enrolment.enrolment_secret:
            _forget_unacknowledged(session)
            session.delete(current)
            session.flush()
            current = None
    keyfiles.load_or_generate(keys_folder)
    if current is None:
        current = SyncState(id=STATE_ID, hq_id=enrolment.hq_id, hq_sign_key=enrolment.hq_keys.sign,
                            hq_box_key=enrolment.hq_keys.box, post_code=enrolment.post_code,
                            enrolment_secret=enrolment.enrolment_secret, next_seq=1, last_applied_hq_seq=0,
                            counts_sent={})
        session.add(current)
    current.server_url, current.post_name, current.country = (enrolment.server_url, enrolment.post_name,
                                                               enrolment.country)
    current.enrolled_at = utcnow()
    session.flush()
    return current
