"""The HQ server (Starlette on uvicorn): resumable bundle uploads from the posts and pulls of HQ's bundles.

``docs/sync-http.md`` is the contract. Every request is authenticated (``postapp.hq.auth``);
bodies are read up to a limit and no further; database work runs in worker threads, each step in one
transaction. Errors are JSON ``{"error": message, "code": code}``: the message in the server's language,
the code a short name a client can act on (``postapp.hq.errors``; the list is in the contract).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from postapp.errors import PostAppError
from postapp.hq import auth
from postapp.hq.errors import ClientGoneError, ConflictError, HQError, RefusedBundleError, TooLargeError
from postapp.hq.ingest import HTTP, find_post, ingest
from postapp.hq.models import HQPost, HQUpload
from postapp.hq.outgoing import next_for_post
from postapp.hq.posts import check_keys
from postapp.hq.store import HQStore, HQStoreError
from postapp.hq.uploads import MAX_CHUNK, assemble, discard, put_chunk, upload_state
from postapp.i18n import _
from postapp.sync.errors import BundleError
from postapp.sync.keys import KeyPair

log = logging.getLogger("postapp.hq")
T = TypeVar("T")
MAX_SEQ = 2**31 - 1
PRUNE_EVERY = 1000  # requests between two clean-ups of old nonces
DB_WORKERS = 8  # requests doing database work at one time; below the store's connection pool of 15


class BadRequest(HQError):
    status = 400


def _int(request: Request, name: str, *, query: bool = True) -> int:
    raw = request.query_params.get(name) if query else request.path_params.get(name)
    text = str(raw) if raw is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > MAX_SEQ:
        raise BadRequest(_("{name} must be a whole number from 0.").format(name=name))
    return int(text)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it would pass ``limit`` bytes."""
    def too_large() -> TooLargeError:
        if not limit:
            return TooLargeError(_("This request takes no body."))
        return TooLargeError(_("A chunk may hold at most {size} KB.").format(size=limit // 1024))

    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise too_large()
    parts, total = [], 0
    try:
        async for part in request.stream():
            total += len(part)
            if total > limit:
                raise too_large()
            parts.append(part)
    except ClientDisconnect:
        # A line that drops mid-upload: nothing of the request is kept, and the post goes on with its
        # sync from where HQ is. Worth one line in the log, not a traceback (nor an answer: no one reads it).
        log.info("connection broke off during %s %s (post %r) after %d bytes of the body", request.method,
                 request.url.path, request.headers.get(auth.POST_HEADER, "?")[:16], total)
        raise ClientGoneError(_("The connection broke off before the request had arrived whole.")) from None
    return b"".join(parts)


def _upload_conflict(session: Session, post: HQPost, seq: int, offset: int, size: int) -> str:
    """The code of an upload conflict ``put_chunk`` raised without one, from what HQ holds (the session
    as ``put_chunk`` left it): ``out_of_order`` (not the next bundle), ``size_changed`` (a chunk of a
    resealed bundle not sent from 0), ``offset_mismatch`` (not where the last chunk ended) or
    ``chunk_mismatch`` (a chunk that does not fit the bundle's size)."""
    if seq != post.last_seq + 1:
        return "out_of_order"
    if size < 1 or offset < 0:
        return "chunk_mismatch"
    upload = session.get(HQUpload, (post.code, seq))
    if upload is not None and upload.size != size:
        return "size_changed"
    if offset != (upload.received if upload is not None else 0):
        return "offset_mismatch"
    return "chunk_mismatch"


def _path_with_query(request: Request) -> str:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string") or b""
    return (raw + (b"?" + query if query else b"")).decode("latin-1")


def create_app(store: HQStore, hq_keys: KeyPair, hq_id: str | None = None) -> Starlette:
    """The ASGI app serving HQ's store with HQ's keys (checked against the ones HQ was set up with)."""
    with store.read() as session:
        checked = check_keys(session, hq_keys)
    if hq_id is not None and hq_id != checked:
        raise PostAppError(_("HQ's database belongs to {hq}, not to {other}.").format(hq=checked, other=hq_id))
    identity = checked
    requests = itertools.count()
    workers = anyio.CapacityLimiter(DB_WORKERS)  # requests beyond this wait for a turn (and a connection)

    def authenticated(request: Request, body: bytes) -> str:
        with store.session() as session:
            post = auth.authenticate(
                session, post_code=request.headers.get(auth.POST_HEADER),
                nonce=request.headers.get(auth.NONCE_HEADER), signature=request.headers.get(auth.SIGNATURE_HEADER),
                method=request.method, path_with_query=_path_with_query(request), body=body)
            if next(requests) % PRUNE_EVERY == 0:
                auth.forget_old_nonces(session)
            return post.code

    async def in_thread(fn: Callable[[], T]) -> T:
        return await anyio.to_thread.run_sync(fn, limiter=workers)

    async def get_upload(request: Request) -> Response:
        seq = _int(request, "seq", query=False)
        body = await _body(request, 0)

        def work() -> dict[str, Any]:
            code = authenticated(request, body)
            with store.read() as session:
                return upload_state(session, find_post(session, code), seq)

        return JSONResponse(await in_thread(work))

    async def put_upload(request: Request) -> Response:
        seq = _int(request, "seq", query=False)
        offset, size = _int(request, "offset"), _int(request, "size")
        body = await _body(request, MAX_CHUNK)

        def work() -> dict[str, Any]:
            code = authenticated(request, body)
            refused: PostAppError | None = None
            with store.session() as session:
                post = find_post(session, code, lock=True)
                if seq <= post.last_seq:  # sent again after the answer was lost: it is here already
                    return {"status": "accepted", "ack": seq, "received": size}
                try:
                    chunk = put_chunk(session, post, seq, offset, size, body)
                except ConflictError as exc:
                    if exc.code == ConflictError.code:
                        exc.code = _upload_conflict(session, post, seq, offset, size)
                    raise
                if not chunk.complete:
                    return {"received": chunk.received}
                data = assemble(session, post, seq)
                try:
                    with session.begin_nested():
                        ingest(session, data, hq_keys, identity, via=HTTP, expect_post=code, expect_seq=seq)
                except (BundleError, HQError) as exc:
                    refused = exc  # whole but unusable: the post sends it again from 0
                discard(session, code, seq)  # applied, or refused: the chunks are of no more use
            if refused is not None:
                raise refused if isinstance(refused, HQError) else RefusedBundleError(str(refused))
            log.info("bundle %s of post %s accepted", seq, code)
            return {"status": "accepted", "ack": seq, "received": chunk.received}

        return JSONResponse(await in_thread(work))

    async def pull(request: Request) -> Response:
        after = _int(request, "after")
        body = await _body(request, 0)

        def work() -> bytes | None:
            code = authenticated(request, body)
            with store.session() as session:
                post = find_post(session, code, lock=True)
                return next_for_post(session, post, after, hq_keys, identity)

        data = await in_thread(work)
        if data is None:
            return Response(status_code=204)
        return Response(data, media_type="application/octet-stream")

    async def refused(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HQError):
            return JSONResponse({"error": str(exc), "code": exc.code, **exc.extra}, status_code=exc.status)
        if isinstance(exc, HQStoreError):
            log.warning("database unavailable: %s", exc)
            return JSONResponse({"error": str(exc), "code": "unavailable"}, status_code=503)
        return JSONResponse({"error": str(exc), "code": "refused"}, status_code=400)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        messages = {404: _("There is nothing at this address."), 405: _("This method is not allowed here.")}
        codes = {404: "not_found", 405: "method_not_allowed"}
        return JSONResponse({"error": messages.get(exc.status_code, _("The request was refused.")),
                             "code": codes.get(exc.status_code, "bad_request")}, status_code=exc.status_code)

    async def failed(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"error": _("HQ's server ran into an unexpected error; nothing of this request was "
                                        "kept. Try again later."), "code": "internal_error"}, status_code=500)

    routes = [
        Route("/v1/uploads/{seq}", get_upload, methods=["GET"]),
        Route("/v1/uploads/{seq}", put_upload, methods=["PUT"]),
        Route("/v1/pull", pull, methods=["GET"]),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Any]] = {
        PostAppError: refused, HTTPException: http_error, Exception: failed}
    return Starlette(routes=routes, exception_handlers=handlers)
