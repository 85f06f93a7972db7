"""Errors that carry a message meant for the user, in the user's language.

Anything raised as a ``PostAppError`` is an expected situation (bad input, a damaged file, a full disk)
and is shown as one line or one dialog; anything else is a bug and is logged with its traceback.
"""


class PostAppError(Exception):
    """An expected failure whose ``str()`` is already translated and fit to show to a user."""


class ValidationError(PostAppError):
    """Input that cannot be stored; ``errors`` maps a field name to its translated message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class NotFoundError(PostAppError):
    """A record that was asked for by id and does not exist (or was deleted)."""
