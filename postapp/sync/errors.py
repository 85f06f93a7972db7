"""The errors of sync; their messages are translated and fit to show to a user."""

from postapp.errors import PostAppError


class BundleError(PostAppError):
    """A bundle or sync file that cannot be read or applied: truncated, damaged, forged, for someone else,
    of an unsupported format, or out of order. Nothing of it was applied."""


class EnrolmentError(PostAppError):
    """An enrolment file that cannot be used, or an enrolment that would replace another one."""
