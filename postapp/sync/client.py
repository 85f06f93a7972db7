"""Sync over the line: push the post's pending bundles to HQ in resumable chunks, then pull HQ's bundles.

``sync_now`` is what the app's background sync and ``postapp sync now`` run. No Qt here; it may run in any
thread (it opens its own sessions on the store). The HTTP contract is ``docs/sync-http.md``:

- every request carries ``X-PostApp-Post``, ``X-PostApp-Nonce`` (16 fresh random bytes, hex) and
  ``X-PostApp-Signature`` (Ed25519 by the post over ``METHOD\\nPATH_WITH_QUERY\\nNONCE\\nsha256hex(body)``);
- a bundle goes up as ``PUT /v1/uploads/{seq}?offset=n&size=total`` chunks from where HQ says it is
  (``GET /v1/uploads/{seq}``), the very bytes stored when it was sealed, never rebuilt;
- HQ's bundles come down one at a time from ``GET /v1/pull?after=N`` until HQ answers 204.

Faults: connection errors, timeouts, 5xx and an upload offset that does not line up (409 with
``received``) are retried with bounded exponential backoff and jitter (tenacity); after a failure the
offset is asked again before anything is sent, so a cut costs at most the chunk that was on the way
(and halves the next chunk, so that a line dropping every few kilobytes still gets through).
401/403 (not or no longer enrolled) and other refusals are not retried. Every step that changes the
post's store (sealing a bundle, recording an acknowledgement, applying one of HQ's bundles) is one
transaction, so a failure or a cancellation leaves nothing half-done: what HQ has not acknowledged
stays pending and goes next time, from where HQ is.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import func, select
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential, wait_random

from postapp.errors import PostAppError
from postapp.i18n import N_, _
from postapp.store import Store
from postapp.sync.enrolment import require_state
from postapp.sync.keys import KeyPair
from postapp.sync.models import SyncBundle
from postapp.sync.post_side import ApplyResult, acknowledge_through, apply_incoming, next_bundle

log = logging.getLogger("postapp.sync")
T = TypeVar("T")

POST_HEADER = "X-PostApp-Post"
NONCE_HEADER = "X-PostApp-Nonce"
SIGNATURE_HEADER = "X-PostApp-Signature"
MAX_CHUNK = 64 * 1024  # what HQ takes per PUT
MIN_CHUNK = 4 * 1024  # the smallest chunk after cuts
TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)
MAX_BUNDLES_PER_SYNC = 1000  # bundles sealed in one go (each up to 20,000 records)
MAX_PULLS_PER_SYNC = 10_000  # HQ's bundles taken in one go
SLEEP_SLICE = 0.25  # seconds: how often a wait asks ``progress`` whether to go on


class SyncError(PostAppError):
    """Sync over the line failed. Nothing was lost: what HQ has not acknowledged stays pending."""


class NotEnrolledError(SyncError):
    """HQ does not accept this post's requests (401/403): unknown, revoked, or other keys."""


class UnreachableError(SyncError):
    """HQ's server could not be reached, or kept failing, after the bounded number of attempts."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


class SyncPhase(enum.StrEnum):
    PREPARING = "preparing"  # sealing what is new into a bundle
    UPLOADING = "uploading"
    WAITING = "waiting"  # before the next attempt after a failure
    DOWNLOADING = "downloading"
    APPLYING = "applying"

    @property
    def label(self) -> str:
        return _({SyncPhase.PREPARING: N_("Preparing the data for headquarters"),
                  SyncPhase.UPLOADING: N_("Sending to headquarters"),
                  SyncPhase.WAITING: N_("No connection; trying again shortly"),
                  SyncPhase.DOWNLOADING: N_("Receiving from headquarters"),
                  SyncPhase.APPLYING: N_("Taking in what headquarters sent")}[self])


@dataclass(frozen=True)
class SyncProgress:
    """What ``sync_now`` is doing; ``progress`` gets one after every step (and while waiting)."""

    phase: SyncPhase
    sent: int  # bytes of this sync's pending bundles that HQ holds (what it had already included)
    total: int  # bytes of this sync's pending bundles
    seq: int | None = None  # our bundle being sent, or HQ's bundle being fetched/applied
    retry_in: float = 0.0  # WAITING: seconds until the next attempt
    attempt: int = 0  # WAITING: the attempt that failed (1 = the first)


@dataclass
class SyncReport:
    server_url: str
    made: list[int] = field(default_factory=list)  # bundles sealed by this sync
    acknowledged: list[int] = field(default_factory=list)  # our bundles HQ confirmed in this sync
    bytes_total: int = 0  # size of the bundles that were pending
    bytes_needed: int = 0  # what HQ lacked of them when first asked
    bytes_sent: int = 0  # chunk bytes put on the line (including chunks resent after a cut)
    retries: int = 0
    applied: list[ApplyResult] = field(default_factory=list)  # HQ's bundles taken in
    cancelled: bool = False

    @property
    def bytes_resent(self) -> int:
        """Bytes sent more than once (chunks cut off on the way and sent again)."""
        return max(0, self.bytes_sent - self.bytes_needed)

    @property
    def records_applied(self) -> int:
        return sum(result.record_count for result in self.applied)


ProgressCallback = Callable[[SyncProgress], bool]


class _Cancelled(Exception):
    pass


class _Transient(Exception):
    """A failure worth another attempt: a 5xx, or an upload offset that does not line up (409)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, _Transient | httpx.TransportError)


def _problem(exc: BaseException) -> str:
    if isinstance(exc, _Transient):
        return exc.problem
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return _("no connection: {detail}").format(detail=exc)
    if isinstance(exc, httpx.TimeoutException):
        return _("no answer in time")
    return _("the connection broke off: {detail}").format(detail=str(exc) or type(exc).__name__)


def signed_text(method: str, path_with_query: str, nonce: str, body: bytes) -> bytes:
    """What a post signs for a request (the contract's ``METHOD\\nPATH_WITH_QUERY\\nNONCE\\nsha256hex(body)``)."""
    return f"{method.upper()}\n{path_with_query}\n{nonce}\n{hashlib.sha256(body).hexdigest()}".encode()


def _error_text(response: httpx.Response) -> str:
    try:
        found = response.json()
    except ValueError:
        return response.reason_phrase or str(response.status_code)
    if isinstance(found, dict) and isinstance(found.get("error"), str):
        return str(found["error"])
    return response.reason_phrase or str(response.status_code)


class _Line:
    """One sync's conversation with HQ: signed requests, each step retried within bounds."""

    def __init__(self, store: Store, keys: KeyPair, post_code: str, hq_id: str, base_url: str,
                 http: httpx.Client, report: SyncReport, progress: ProgressCallback | None, *, chunk_size: int,
                 max_attempts: int, backoff: tuple[float, float]) -> None:
        self.store, self.keys, self.post_code, self.hq_id = store, keys, post_code, hq_id
        self.base_url, self.http, self.report, self.progress = base_url, http, report, progress
        self.chunk_size, self.max_attempts, self.backoff = chunk_size, max_attempts, backoff
        self.chunk = chunk_size  # the next chunk's size: halved after a cut, doubled after a chunk arrived
        self.min_chunk = min(MIN_CHUNK, chunk_size)
        self.sent_before = 0  # bytes of the bundles done in this sync, for progress
        self.last: SyncProgress = SyncProgress(SyncPhase.PREPARING, 0, 0)
        self.attempt = 0  # the attempt that failed last, for WAITING

    # ---- progress and waiting -------------------------------------------------------------------------

    def tell(self, phase: SyncPhase, *, sent: int | None = None, seq: int | None = None, retry_in: float = 0.0,
             attempt: int = 0) -> None:
        """Reports progress; raises ``_Cancelled`` when the callback answers False."""
        current = SyncProgress(phase, self.last.sent if sent is None else sent, self.report.bytes_total,
                               seq, retry_in, attempt)
        if phase is not SyncPhase.WAITING:
            self.last = current
        if self.progress is not None and self.progress(current) is False:
            raise _Cancelled

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.tell(SyncPhase.WAITING, seq=self.last.seq, retry_in=left, attempt=self.attempt)
            time.sleep(min(left, SLEEP_SLICE))

    def _before_sleep(self, state: RetryCallState) -> None:
        self.report.retries += 1
        self.attempt = state.attempt_number
        failure = state.outcome.exception() if state.outcome is not None else None
        log.info("sync: attempt %d failed (%s); trying again", state.attempt_number,
                 _problem(failure) if failure is not None else "?")

    def retrying(self, step: Callable[[], T]) -> T:
        """Runs ``step`` until it succeeds, at most ``max_attempts`` times, waiting longer after each
        transient failure; anything else (refusals, cancellation) goes through at once."""
        initial, longest = self.backoff
        retrying = Retrying(stop=stop_after_attempt(self.max_attempts),
                            wait=wait_exponential(multiplier=initial, max=longest) + wait_random(0, initial),
                            retry=retry_if_exception(_transient), sleep=self._sleep, before_sleep=self._before_sleep,
                            reraise=True)
        try:
            return retrying(step)
        except (_Transient, httpx.TransportError) as exc:
            raise UnreachableError(_(
                "Headquarters' server at {url} could not be reached or kept failing, {attempts} attempts in a row "
                "({problem}). Nothing was lost: what headquarters has not acknowledged stays pending and goes "
                "with the next sync.").format(url=self.base_url, attempts=self.max_attempts,
                                              problem=_problem(exc)), self.max_attempts) from exc

    # ---- requests -------------------------------------------------------------------------------------

    def send(self, method: str, path: str, body: bytes = b"") -> httpx.Response:
        """One signed request; returns a 2xx answer, raises ``_Transient`` for what may pass, and a
        ``SyncError`` for a refusal."""
        request = self.http.build_request(method, path, content=body)
        nonce = secrets.token_hex(16)
        target = request.url.raw_path.decode("ascii")
        signature = self.keys.sign.sign(signed_text(method, target, nonce, body)).signature
        request.headers.update({POST_HEADER: self.post_code, NONCE_HEADER: nonce,
                                SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii")})
        response = self.http.send(request)
        status = response.status_code
        if 200 <= status < 300:
            return response
        error = _error_text(response)
        if status in (401, 403):
            raise NotEnrolledError(_(
                "This laptop is not (or no longer) enrolled at headquarters {hq}: {reason} Ask headquarters for "
                "a new enrolment file and import it (postapp sync enrol FILE --replace). Nothing was lost: what "
                "is pending stays here.").format(hq=self.hq_id, reason=error))
        if status >= 500:
            raise _Transient(_("headquarters' server answered with error {status}: {error}").format(
                status=status, error=error))
        if status == 409 and isinstance(self._json_or_none(response).get("received"), int):
            raise _Transient(_("the upload did not line up with what headquarters holds: {error}").format(
                error=error))
        raise SyncError(_("Headquarters refused the request ({status}): {error}").format(status=status, error=error))

    @staticmethod
    def _json_or_none(response: httpx.Response) -> dict[str, Any]:
        try:
            found = response.json()
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}

    def answer(self, response: httpx.Response) -> dict[str, Any]:
        found = self._json_or_none(response)
        if not found:
            raise SyncError(_("The answer from {url} is not that of a PostApp headquarters server; check the "
                              "server address in the enrolment.").format(url=self.base_url))
        return found

    # ---- up -------------------------------------------------------------------------------------------

    def where(self, seq: int, size: int) -> int | None:
        """How much of bundle ``seq`` HQ holds; None when it has the whole bundle (accepted)."""
        answer = self.answer(self.send("GET", f"/v1/uploads/{seq}"))
        if answer.get("status") == "accepted":
            return None
        received, known = answer.get("received"), answer.get("size")
        if known != size or not isinstance(received, int) or not 0 <= received < size:
            return 0  # nothing yet, or a bundle of another size under this number: HQ starts it afresh
        return received

    def upload(self, seq: int, data: bytes) -> None:
        """Sends bundle ``seq`` from where HQ is, chunk by chunk, until HQ accepts it; then records the
        acknowledgement. Raises ``_Cancelled`` between chunks when asked to stop.

        A chunk cut off on the way halves the next one (down to ``MIN_CHUNK``), so a line that drops every
        few kilobytes still gets the bundle through; each chunk that arrives doubles it again, up to
        ``chunk_size``."""
        size = len(data)
        offset: int | None = None
        asked = False

        def step() -> bool:
            nonlocal offset, asked
            try:
                if offset is None:
                    offset = self.where(seq, size)
                    if not asked:
                        asked = True
                        self.report.bytes_needed += size - offset if offset is not None else 0
                    if offset is None:
                        return True
                chunk = data[offset:offset + self.chunk]
                self.report.bytes_sent += len(chunk)
                try:
                    answer = self.answer(self.send("PUT", f"/v1/uploads/{seq}?offset={offset}&size={size}", chunk))
                except httpx.TransportError:
                    self.chunk = max(self.min_chunk, self.chunk // 2)
                    raise
            except BaseException:
                offset = None  # ask HQ where it is before sending anything again
                raise
            self.chunk = min(self.chunk_size, self.chunk * 2)
            if answer.get("status") == "accepted":
                return True
            received = answer.get("received")
            if not isinstance(received, int) or not offset < received <= size:
                raise SyncError(_("The answer from {url} does not fit the upload; check the server address in "
                                  "the enrolment.").format(url=self.base_url))
            offset = received
            return False

        # Each round either moves the upload on by a chunk or ends it; the bound only stops a server
        # that keeps answering without taking anything in.
        for _round in range(2 * (size // self.min_chunk + 2) + 2 * self.max_attempts):
            done = self.retrying(step)
            if done:
                break
            self.tell(SyncPhase.UPLOADING, sent=self.sent_before + (offset or 0), seq=seq)
        else:
            raise SyncError(_("Headquarters' server at {url} does not take bundle {seq} in; try again later.").format(
                url=self.base_url, seq=seq))
        with self.store.session() as session:
            self.report.acknowledged += acknowledge_through(session, seq)
        self.sent_before += size
        self.tell(SyncPhase.UPLOADING, sent=self.sent_before, seq=seq)

    # ---- down -----------------------------------------------------------------------------------------

    def pull(self, overrides: Path | None) -> None:
        for _round in range(MAX_PULLS_PER_SYNC):
            with self.store.read() as session:
                after = require_state(session).last_applied_hq_seq
            self.tell(SyncPhase.DOWNLOADING, seq=after + 1)
            response = self.retrying(lambda: self.send("GET", f"/v1/pull?after={after}"))  # noqa: B023
            if response.status_code == 204:
                return
            self.tell(SyncPhase.APPLYING, seq=after + 1)
            with self.store.session() as session:
                result = apply_incoming(session, response.content, self.keys, overrides=overrides)
            self.report.applied.append(result)
            self.report.acknowledged += result.acknowledged
            if result.already_applied:  # HQ answered with a bundle we have: asking again would loop
                log.warning("sync: HQ sent bundle %s again after %s; stopping the pull", result.seq, after)
                return


def _pending_sizes(store: Store) -> list[tuple[int, int]]:
    with store.read() as session:
        rows = session.execute(select(SyncBundle.seq, func.length(SyncBundle.data))
                               .where(SyncBundle.acknowledged_at.is_(None)).order_by(SyncBundle.seq))
        return [(int(seq), int(size)) for seq, size in rows]


def _bundle_data(store: Store, seq: int) -> bytes | None:
    with store.read() as session:
        found = session.get(SyncBundle, seq)
        return None if found is None or found.acknowledged_at is not None else bytes(found.data)


def sync_now(store: Store, keys: KeyPair, *, transport: httpx.BaseTransport | None = None,
             chunk_size: int = MAX_CHUNK, progress: ProgressCallback | None = None, max_attempts: int = 8,
             server_url: str | None = None, overrides: Path | None = None,
             backoff: tuple[float, float] = (1.0, 30.0)) -> SyncReport:
    """Seals what is new, sends every bundle HQ has not acknowledged (oldest first, resuming where HQ
    is), records HQ's acknowledgements, then fetches and applies HQ's bundles until HQ has no more.

    ``progress`` gets a ``SyncProgress`` after every step; answering False stops cleanly at the next
    step (``SyncReport.cancelled``): nothing is half-applied and the upload resumes next time.
    ``chunk_size`` is the largest chunk (HQ takes up to 64 KiB); ``max_attempts`` bounds the attempts of
    one step in a row; ``server_url`` overrides the enrolment's address; ``overrides`` is where HQ's
    guideline and risk files go (default ``post_side.hq_overrides_dir()``); ``backoff`` is (first wait,
    longest wait) in seconds between attempts, with jitter.

    Raises ``NotEnrolledError`` (HQ refuses this post; not retried), ``UnreachableError`` (``max_attempts``
    failures in a row), ``SyncError`` (another refusal) or ``BundleError`` (a bundle from HQ that cannot be
    applied; nothing of it was)."""
    if not 1 <= chunk_size <= MAX_CHUNK:
        raise ValueError(f"chunk_size must be from 1 to {MAX_CHUNK}")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    with store.read() as session:
        state = require_state(session)
        hq_id, post_code, enrolled_url = state.hq_id, state.post_code, state.server_url
    base_url = (server_url or enrolled_url or "").strip().rstrip("/")
    if not base_url:
        raise SyncError(_("The enrolment from headquarters names no server address, so this post cannot sync "
                          "over the line; use sync files instead (postapp sync export / import)."))
    if not base_url.startswith(("https://", "http://")):
        raise SyncError(_("The server address {url} is not a web address (https://…).").format(url=base_url))
    report = SyncReport(base_url)
    with httpx.Client(base_url=base_url, timeout=TIMEOUT, transport=transport, http1=True, http2=False,
                      follow_redirects=False, headers={"User-Agent": "PostApp-sync/1"}) as http:
        line = _Line(store, keys, post_code, hq_id, base_url, http, report, progress, chunk_size=chunk_size,
                     max_attempts=max_attempts, backoff=backoff)
        try:
            line.tell(SyncPhase.PREPARING, sent=0)
            for _round in range(MAX_BUNDLES_PER_SYNC):
                with store.session() as session:
                    made = next_bundle(session, keys)
                if made is None:
                    break
                report.made.append(made[0])
            pending = _pending_sizes(store)
            report.bytes_total = sum(size for _seq, size in pending)
            for seq, size in pending:
                line.tell(SyncPhase.UPLOADING, seq=seq)
                data = _bundle_data(store, seq)
                if data is None:  # acknowledged meanwhile (by an earlier bundle's answer)
                    line.sent_before += size
                else:
                    line.upload(seq, data)
            line.pull(overrides)
        except _Cancelled:
            report.cancelled = True
            log.info("sync cancelled: %d bytes sent, bundles %s acknowledged", report.bytes_sent, report.acknowledged)
    return report
