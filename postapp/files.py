"""Writing a file the user asked for so that it is either whole or not there.

Through a temporary file in the same folder, flushed to disk, then renamed over the target: a file
that was there stays whole if anything fails, and a half-written file never carries the name. The
temporary file is created owner-only (``mkstemp``), which suits exports that hold personal data.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from postapp.errors import PostAppError
from postapp.i18n import _


def write_atomically(path: Path, content: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise PostAppError(_("Could not write {path}: {problem}").format(
            path=path, problem=exc.strerror or exc)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise PostAppError(_("Could not write {path}: {problem}").format(
            path=path, problem=exc.strerror or exc)) from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
