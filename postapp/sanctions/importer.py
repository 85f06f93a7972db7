"""Importing a downloaded sanctions list file into the store, all or nothing.

The whole import runs in a savepoint: a damaged file, a cancel or any error leaves the store as it was,
with the list imported before still active. Only when the new file was read to the end does it replace
the previous list of the same source, which is then deleted (a list is only ever used whole, and the
EU list alone is tens of thousands of rows).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from postapp.domain.base import utcnow
from postapp.errors import PostAppError
from postapp.i18n import _, format_date
from postapp.sanctions import eu_xml, opensanctions_csv
from postapp.sanctions.models import SanctionsEntry, SanctionsList, SanctionsName
from postapp.sanctions.names import VERSION, normalise
from postapp.sanctions.parsed import ListFileError, ParsedEntry

EU, OPENSANCTIONS = "eu", "opensanctions"
CHUNK = 2000
HEAD_BYTES = 64 * 1024
PROGRESS_STEPS = 100
CHECK_EVERY = 250  # entries between looking at the cancel flag and the file position

Progress = Callable[[int, int], object]
Cancelled = Callable[[], bool]


class Reader(Protocol):
    """What ``eu_xml.EuReader`` and ``opensanctions_csv.OpenSanctionsReader`` have in common."""

    published: dt.date | None

    def __iter__(self) -> Iterator[ParsedEntry]: ...


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise ListFileError(_("The file cannot be read: {reason}.").format(reason=exc.strerror or exc)) from exc


def _sniff(path: Path) -> str:
    with _open(path) as fh:
        head = fh.read(HEAD_BYTES)
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text:
            raise ListFileError(_("The file is empty."))
        if text.startswith(b"<"):
            fh.seek(0)
            if eu_xml.root_tag(fh) == eu_xml.ROOT:
                return EU
            raise ListFileError(_("This XML file is not the EU consolidated sanctions list."))
    if text[:1] in (b"{", b"["):  # JSON, such as OpenSanctions' other exports
        raise ListFileError(_("This file is neither the EU consolidated sanctions list (XML) nor an OpenSanctions "
                              "targets.simple.csv export."))
    first_line = text.split(b"\n", 1)[0]
    try:
        columns = opensanctions_csv.header_of(first_line.decode("utf-8"))
    except UnicodeDecodeError:
        columns = []
    if opensanctions_csv.looks_like_header(columns):
        return OPENSANCTIONS
    if len(columns) > 1:
        raise ListFileError(_("The CSV file is not an OpenSanctions targets.simple.csv export: its columns are "
                              "not the expected ones (id, schema, name, aliases, countries ...)."))
    raise ListFileError(_("This file is neither the EU consolidated sanctions list (XML) nor an OpenSanctions "
                          "targets.simple.csv export."))


def detect_format(path: Path | str) -> str:
    """``"eu"`` or ``"opensanctions"``, judged by the content (a download's name says little)."""
    return _sniff(Path(path))


class _Writer:
    """Collects entries and their names and inserts them in chunks with one executemany per table."""

    def __init__(self, session: Session, list_id: uuid.UUID) -> None:
        self.session = session
        self.list_id = list_id
        # Keys are handed out here so names can point at their entry without a round trip per row.
        self.next_id = (session.scalar(select(func.max(SanctionsEntry.id))) or 0) + 1
        self.entries: list[dict[str, object]] = []
        self.names: list[dict[str, object]] = []
        self.count = 0

    def add(self, entry: ParsedEntry) -> None:
        entry_id = self.next_id
        self.next_id += 1
        self.count += 1
        self.entries.append({"id": entry_id, "list_id": self.list_id, "external_id": entry.external_id[:200],
                             "schema": entry.schema, "name": entry.name, "countries": ",".join(entry.countries),
                             "programme": entry.programme})
        seen: set[str] = set()
        for name in (entry.name, *entry.aliases):
            normalised = normalise(name)
            if normalised and normalised not in seen:  # spellings that normalise alike match alike
                seen.add(normalised)
                self.names.append({"entry_id": entry_id, "name": name, "normalised": normalised})
        if len(self.entries) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        entry_table: Table = SanctionsEntry.__table__  # type: ignore[assignment]
        name_table: Table = SanctionsName.__table__  # type: ignore[assignment]
        if self.entries:
            self.session.execute(insert(entry_table), self.entries)
        if self.names:
            self.session.execute(insert(name_table), self.names)
        self.entries, self.names = [], []


class _Meter:
    """Calls ``progress`` at most about ``PROGRESS_STEPS`` times, however large the file."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.step = max(1, total // PROGRESS_STEPS)
        self.next_at = 0

    def __call__(self, done: int, final: bool = False) -> None:
        if self.progress is not None and (done >= self.next_at or final):
            self.progress(min(done, self.total), self.total)
            self.next_at = done + self.step


def _reader(source: str, fh: BinaryIO) -> Reader:
    return eu_xml.EuReader(fh) if source == EU else opensanctions_csv.OpenSanctionsReader(fh)


def _load(session: Session, path: Path, source: str, reader: Reader, fh: BinaryIO, meter: _Meter,
          cancelled: Cancelled | None) -> SanctionsList:
    new = SanctionsList(source=source, file_name=path.name[:300], imported_at=utcnow(), active=False,
                        normalised_with=VERSION)
    session.add(new)
    session.flush()
    writer = _Writer(session, new.id)
    for entry in reader:
        writer.add(entry)
        if writer.count % CHECK_EVERY == 0:
            if cancelled is not None and cancelled():
                raise ListFileError(_("The import was cancelled."))
            meter(fh.tell())
    writer.flush()
    if writer.count == 0:
        raise ListFileError(_("The list file holds no entries."))
    # The older list of this source goes entirely; its entries and names follow by ON DELETE CASCADE.
    session.execute(delete(SanctionsList).where(SanctionsList.source == source, SanctionsList.id != new.id),
                    execution_options={"synchronize_session": False})
    new.published = reader.published
    new.entry_count = writer.count
    new.active = True
    session.flush()
    meter(meter.total, final=True)
    return new


def _with_consequence(session: Session, source: str | None, problem: str) -> str:
    """The problem, plus what it means for screening: which list stays in use, if any."""
    current = session.scalars(select(SanctionsList).where(SanctionsList.active)).all()
    same = [lst for lst in current if lst.source == source]
    if same:
        when = format_date(same[0].published) or format_date(same[0].imported_at.date())
        return _("{problem} Nothing was imported; the list of {date} stays in use.").format(problem=problem,
                                                                                            date=when)
    if current:
        return _("{problem} Nothing was imported; the lists imported before stay in use.").format(problem=problem)
    return _("{problem} Nothing was imported.").format(problem=problem)


def import_list(session: Session, path: Path | str, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> SanctionsList:
    """Imports the list file at ``path`` and makes it the active list of its source.

    ``progress(done_bytes, total_bytes)`` is called a bounded number of times; ``cancelled()`` returning
    True stops the import. Either way a failure raises ``PostAppError`` and changes nothing.
    """
    path = Path(path)
    source: str | None = None
    try:
        source = detect_format(path)
        with _open(path) as fh:
            total = path.stat().st_size
            meter = _Meter(progress, total)
            meter(0)
            reader = _reader(source, fh)
            with session.begin_nested():
                return _load(session, path, source, reader, fh, meter, cancelled)
    except ListFileError as exc:
        raise PostAppError(_with_consequence(session, source, str(exc))) from exc
    except OSError as exc:
        problem = _("The file cannot be read: {reason}.").format(reason=exc.strerror or exc)
        raise PostAppError(_with_consequence(session, source, problem)) from exc
