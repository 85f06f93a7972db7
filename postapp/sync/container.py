"""Sync files for the road without a line (USB stick, e-mail, pouch).

A sync file (``.pab``) is either one bundle as it is, or a ZIP archive (stored, not deflated: bundles
are compressed already) whose entries ``bundle-<seq>.pab`` are bundles. Readers take both, tell them
apart by their first bytes (``PAB1`` or ``PK``) and order bundles by the sequence number in their
headers, never by entry names. ``postapp sync export`` always writes the ZIP form.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path

from postapp.errors import PostAppError
from postapp.i18n import _
from postapp.sync.bundle import MAGIC_FAMILY, MAX_BUNDLE_BYTES, read_header
from postapp.sync.errors import BundleError

ZIP_MAGIC = b"PK\x03\x04"
MAX_ENTRIES = 10_000
MAX_FILE_BYTES = 1024 * 1024 * 1024


def entry_name(seq: int) -> str:
    return f"bundle-{seq}.pab"


def pack(bundles: Iterable[bytes]) -> bytes:
    """The ZIP form of a sync file holding ``bundles`` (each named by the seq in its header)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for data in bundles:
            info = zipfile.ZipInfo(entry_name(read_header(data).seq), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def unpack(data: bytes) -> list[bytes]:
    """The bundles in a sync file, in the order of their sequence numbers. Only the container is checked
    here (and that every entry starts like a bundle header); each bundle is checked when it is opened."""
    if data[:3] == MAGIC_FAMILY:
        read_header(data)
        return [data]
    if data[:4] != ZIP_MAGIC:
        raise BundleError(_("This is not a PostApp sync file."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            if len(infos) > MAX_ENTRIES:
                raise BundleError(_("The sync file holds too many entries."))
            bundles = []
            for info in infos:
                if info.file_size > MAX_BUNDLE_BYTES:
                    raise BundleError(_("The sync file holds an entry that is too large."))
                with archive.open(info) as entry:
                    content = entry.read(MAX_BUNDLE_BYTES + 1)
                if len(content) > MAX_BUNDLE_BYTES:
                    raise BundleError(_("The sync file holds an entry that is too large."))
                bundles.append(content)
    except BundleError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError):
        # zipfile raises these for damaged, truncated, encrypted or unusual archives
        raise BundleError(_("The sync file is damaged or incomplete.")) from None
    if not bundles:
        raise BundleError(_("The sync file holds no bundles."))
    return sorted(bundles, key=lambda b: read_header(b).seq)


def read_file(path: Path) -> list[bytes]:
    """The bundles of the sync file at ``path``; ``BundleError``/``PostAppError`` when it cannot be used."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BundleError(_("{path} is too large for a sync file.").format(path=path))
        data = path.read_bytes()
    except OSError as exc:
        raise PostAppError(_("Could not read {path}: {problem}").format(
            path=path, problem=exc.strerror or exc)) from exc
    return unpack(data)


def write_file(path: Path, bundles: Iterable[bytes]) -> None:
    """Writes the ZIP form atomically: a reader never sees half a file, a failure leaves no file."""
    data = pack(bundles)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PostAppError(_("Could not write {path}: {problem}").format(
            path=path, problem=exc.strerror or exc)) from exc
