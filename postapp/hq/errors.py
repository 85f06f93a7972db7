"""HQ's refusals: each a ``PostAppError`` (translated message) with the HTTP status the server answers."""

from __future__ import annotations

from postapp.errors import PostAppError


class HQError(PostAppError):
    """Something HQ refuses; ``status`` is the HTTP status it answers with."""

    status = 400

    def __init__(self, message: str, **extra: object) -> None:
        super().__init__(message)
        self.extra = extra  # more members of the JSON answer, e.g. ``received`` for an upload conflict


class UnknownPostError(HQError):
    """No post is registered under this code, or it was revoked."""

    status = 403


class AuthError(HQError):
    """The request's signature is missing or does not verify."""

    status = 401


class ReplayError(HQError):
    """The request's nonce was used before."""

    status = 409


class ConflictError(HQError):
    """The request does not fit what HQ holds (an upload offset, a size that changed)."""

    status = 409


class TooLargeError(HQError):
    status = 413


class RefusedBundleError(HQError):
    """A bundle that arrived whole but cannot be taken in (damaged, forged, for another HQ)."""

    status = 422
