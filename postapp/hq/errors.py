"""HQ's refusals: each a ``PostAppError`` (translated message) with the HTTP status the server answers and
a short machine-readable ``code`` (``docs/sync-http.md`` lists them), which the JSON answer carries too."""

from __future__ import annotations

from postapp.errors import PostAppError


class HQError(PostAppError):
    """Something HQ refuses; ``status`` is the HTTP status it answers with, ``code`` says which refusal
    it is (a class's own, unless one is given)."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, **extra: object) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.extra = extra  # more members of the JSON answer, e.g. ``received`` for an upload conflict


class UnknownPostError(HQError):
    """No post is registered under this code (``unknown_post``), or it was revoked (``revoked``)."""

    status = 403
    code = "unknown_post"


class AuthError(HQError):
    """The request's signature is missing or does not verify."""

    status = 401
    code = "unauthenticated"


class ReplayError(HQError):
    """The request's nonce was used before."""

    status = 409
    code = "replay"


class ConflictError(HQError):
    """The request does not fit what HQ holds (an upload offset, a size that changed). ``conflict`` is
    the general code; the server names the upload conflicts more precisely (see ``server.py``)."""

    status = 409
    code = "conflict"


class TooLargeError(HQError):
    status = 413
    code = "too_large"


class RefusedBundleError(HQError):
    """A bundle that arrived whole but cannot be taken in (damaged, forged, for another HQ)."""

    status = 422
    code = "bundle_refused"


class ClientGoneError(HQError):
    """The client's connection broke off before the request's body had arrived (no one reads the answer)."""

    status = 400
    code = "client_disconnected"
