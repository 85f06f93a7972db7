"""Request authentication: every request is signed by the post's Ed25519 key and carries a fresh nonce.

The signed text is ``METHOD\\nPATH_WITH_QUERY\\nNONCE\\nsha256hex(body)``; HQ keeps the nonces it has seen,
so the same request sent a second time is refused (409). No clock is involved: a post whose clock is
hours wrong signs just as well. Nonces are forgotten after ``NONCE_DAYS`` days of HQ's own time; a request
replayed later than that could only repeat an idempotent upload step or fetch a bundle encrypted for the
post itself.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from postapp.domain.base import utcnow
from postapp.hq.errors import AuthError, ReplayError
from postapp.hq.ingest import find_post
from postapp.hq.models import HQNonce, HQPost
from postapp.i18n import _

POST_HEADER = "X-PostApp-Post"
NONCE_HEADER = "X-PostApp-Nonce"
SIGNATURE_HEADER = "X-PostApp-Signature"
NONCE = re.compile(r"^[0-9a-f]{32}$")
NONCE_DAYS = 30


def signed_text(method: str, path_with_query: str, nonce: str, body: bytes) -> bytes:
    return f"{method.upper()}\n{path_with_query}\n{nonce}\n{hashlib.sha256(body).hexdigest()}".encode()


def sign_headers(sign_key: object, method: str, path_with_query: str, body: bytes, post_code: str,
                 nonce: str) -> dict[str, str]:
    """The three headers for a request (what a post's client sends; used by tests and tools)."""
    from nacl.signing import SigningKey

    assert isinstance(sign_key, SigningKey)
    signature = sign_key.sign(signed_text(method, path_with_query, nonce, body)).signature
    return {POST_HEADER: post_code, NONCE_HEADER: nonce, SIGNATURE_HEADER: base64.b64encode(signature).decode()}


def authenticate(session: Session, *, post_code: str | None, nonce: str | None, signature: str | None,
                 method: str, path_with_query: str, body: bytes) -> HQPost:
    """The post that signed this request. ``UnknownPostError`` (403) for an unknown or revoked post,
    ``AuthError`` (401) for missing headers or a bad signature, ``ReplayError`` (409) for a nonce seen
    before. The nonce is recorded in the caller's transaction, which should be committed on its own.

    A post whose keys are not pinned yet (its first bundle has not arrived) cannot be checked: its
    requests are let through to the upload of that first bundle, which is itself signed and verified,
    and whose keys are pinned then; nothing is encrypted for such a post, so a pull returns nothing."""
    if not post_code or not nonce or not signature:
        raise AuthError(_("The request is not signed by a post."))
    post = find_post(session, post_code[:16])
    if not NONCE.match(nonce):
        raise AuthError(_("The request's nonce must be 16 random bytes in hexadecimal."))
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise AuthError(_("The request's signature does not match.")) from None
    if post.sign_key is not None:
        try:
            VerifyKey(post.sign_key).verify(signed_text(method, path_with_query, nonce, body), raw)
        except (BadSignatureError, ValueError, TypeError):
            raise AuthError(_("The request's signature does not match the keys HQ knows for post {code}.").format(
                code=post.code)) from None
    try:
        with session.begin_nested():
            session.add(HQNonce(post_code=post.code, nonce=nonce, seen_at=utcnow()))
    except IntegrityError:
        raise ReplayError(_("This request was sent before (its nonce was used already); it is refused.")) from None
    return post


def forget_old_nonces(session: Session, days: int = NONCE_DAYS) -> int:
    result = session.execute(delete(HQNonce).where(HQNonce.seen_at < utcnow() - dt.timedelta(days=days)))
    return int(getattr(result, "rowcount", 0) or 0)
