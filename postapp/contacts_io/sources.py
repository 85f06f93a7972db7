"""Contact files as a header row and a stream of text rows, whatever their format.

Files come from Outlook, Google, Excel and phones on Windows laptops: any of UTF-8 (with or without BOM),
UTF-16 with BOM or Windows-1252; commas, semicolons (Dutch Excel) or tabs; notes with line breaks
inside quotes. Rows are read lazily, so a large file never sits in memory whole; a file over
``MAX_FILE_BYTES`` is refused before a byte of it is read, and an .xlsx that would unpack to far more
than it holds (a zip bomb) before openpyxl opens it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import enum
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from postapp.errors import PostAppError
from postapp.i18n import _, format_number

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_COLUMNS = 500
MAX_CELL_CHARS = 1_000_000  # csv's own limit is 128 KB; longer notes are refused per row, not per file
# An .xlsx is a zip archive: refuse one that unpacks to more than this, or a large member packed more
# tightly than real spreadsheets are (the check of postapp/survey/xlsform.py, with contact-sized limits).
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024
SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class FileRefused(PostAppError):
    """A file that cannot be imported at all (unreadable, too large, damaged, no name column)."""


class SourceKind(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    VCARD = "vcard"


Row = tuple[int, list[str]]  # (row number as the user sees it: header = 1, or the card's number; cells)


@dataclass
class Source:
    """An opened contact file. ``rows()`` may be called more than once (preview, then import)."""

    path: Path
    kind: SourceKind
    headers: list[str]
    encoding: str = ""
    delimiter: str = ""
    notices: list[str] = field(default_factory=list)  # translated remarks for the preview

    def rows(self) -> Iterator[Row]:
        if self.kind is SourceKind.CSV:
            return _csv_rows(self)
        if self.kind is SourceKind.XLSX:
            return _xlsx_rows(self.path, len(self.headers))
        from postapp.contacts_io.vcard import card_rows

        return card_rows(self.path, self.encoding)


def _size_checked(path: Path) -> int:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileRefused(_("Could not read {path}: {problem}").format(path=path, problem=exc.strerror)) from exc
    if path.is_dir():
        raise FileRefused(_("{path} is a folder, not a contacts file.").format(path=path))
    if size > MAX_FILE_BYTES:
        raise FileRefused(_("{path} is {size} MB; contact files up to {limit} MB can be imported. Split the file "
                            "or export fewer contacts at a time.").format(
            path=path.name, size=format_number(size // (1024 * 1024)), limit=format_number(MAX_FILE_BYTES // 2**20)))
    if size == 0:
        raise FileRefused(_("{path} is empty.").format(path=path.name))
    return size


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise FileRefused(_("Could not read {path}: {problem}").format(path=path, problem=exc.strerror)) from exc


def detect_encoding(path: Path, head: bytes) -> tuple[str, list[str]]:
    """The encoding to read ``path`` with, and a notice when it was a guess the user should check.

    A BOM decides; without one, UTF-16 shows as NUL bytes every other byte; otherwise the whole file is
    checked as strict UTF-8 in chunks (nothing kept) and, failing that, read as Windows-1252, which is
    what Outlook and Excel write on Western European Windows."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding, []
    sample = head[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le", []
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be", []
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(CHUNK_BYTES):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        except OSError as exc:
            raise FileRefused(_("Could not read {path}: {problem}").format(path=path, problem=exc.strerror)) from exc
        if encoding == "utf-8":
            return encoding, []
        return encoding, [_("The file is not UTF-8; it was read as Windows-1252 (Western European). Check that "
                            "accented letters look right in the preview.")]
    return "latin-1", [_("The file's character encoding was not recognised; it was read as Latin-1. Check that "
                         "accented letters look right in the preview.")]


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office documents (.xls, .doc)


def detect_kind(path: Path, head: bytes) -> SourceKind:
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        return SourceKind.XLSX
    text = head[:200]
    for bom, _encoding in BOMS:
        text = text.removeprefix(bom)
    stripped = text.replace(b"\x00", b"").lstrip().upper()
    if suffix in (".vcf", ".vcard") or stripped.startswith(b"BEGIN:VCARD"):
        return SourceKind.VCARD
    return SourceKind.CSV


def open_source(path: Path | str) -> Source:
    """Opens a contact file far enough to know its format and header row; refuses what cannot be read."""
    path = Path(path)
    _size_checked(path)
    head = _head(path)
    if head.startswith(OLE2_MAGIC) or path.suffix.lower() == ".xls":
        # The old Excel format: read as text it would give columns of rubbish, not an error.
        raise FileRefused(_("{path} is an old Excel file (.xls). Open it in Excel and save it as .xlsx or as "
                            "CSV, then import that file.").format(path=path.name))
    kind = detect_kind(path, head)
    if kind is SourceKind.XLSX:
        headers, notices = _xlsx_headers(path)
        return Source(path, kind, headers, notices=notices)
    encoding, notices = detect_encoding(path, head)
    if kind is SourceKind.VCARD:
        from postapp.contacts_io.vcard import CARD_HEADERS

        return Source(path, kind, list(CARD_HEADERS), encoding=encoding, notices=notices)
    source = Source(path, kind, [], encoding=encoding, notices=notices)
    source.delimiter = _sniff_delimiter(path, encoding)
    with _open_text(source) as text:
        reader = _reader(text, source.delimiter)
        try:
            first = next(reader, None)
        except csv.Error as exc:
            raise FileRefused(_("The first row of {path} cannot be read as CSV: {problem}").format(
                path=path.name, problem=exc)) from exc
        except UnicodeDecodeError as exc:
            raise FileRefused(_("Row {row} holds characters that are not {encoding}.").format(
                row=1, encoding=source.encoding)) from exc
    if first is None or not any(cell.strip() for cell in first):
        raise FileRefused(_("The first row of {path} is empty; it must hold the column headings.").format(
            path=path.name))
    if len(first) > MAX_COLUMNS:
        raise FileRefused(_("The file has {count} columns; at most {limit} are supported.").format(
            count=format_number(len(first)), limit=format_number(MAX_COLUMNS)))
    source.headers, more = unique_headers(first)
    source.notices.extend(more)
    return source


def unique_headers(cells: list[Any]) -> tuple[list[str], list[str]]:
    """Headings made unique: a repeated heading gets " (2)", " (3)" and a notice naming it; an empty one
    becomes "Column N". Refusing the file would force the hand editing the import exists to avoid."""
    headers: list[str] = []
    notices: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells, start=1):
        heading = cell_text(cell).replace("\n", " ").strip() or _("Column {number}").format(number=index)
        key = heading.casefold()
        if key in seen:
            seen[key] += 1
            unique = f"{heading} ({seen[key]})"
            notices.append(_("The heading '{heading}' appears more than once; column {number} is shown as "
                             "'{unique}'. Check which one to import.").format(
                heading=heading, number=index, unique=unique))
            heading = unique
        else:
            seen[key] = 1
        headers.append(heading)
    return headers, notices


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed into Excel comes back as 31612345678.0
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- CSV -----------------------------------------------------------------------------------------------


def _open_text(source: Source) -> IO[str]:
    try:
        return source.path.open("r", encoding=source.encoding, newline="", errors="strict")
    except OSError as exc:
        raise FileRefused(_("Could not read {path}: {problem}").format(
            path=source.path, problem=exc.strerror)) from exc


def _reader(text: IO[str], delimiter: str) -> Iterator[list[str]]:
    csv.field_size_limit(MAX_CELL_CHARS)
    return csv.reader(text, delimiter=delimiter, quotechar='"', doublequote=True, skipinitialspace=False)


def _header_line(sample: str) -> str:
    """The first record of the sample, quoted newlines included."""
    quoted = False
    for index, char in enumerate(sample):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return sample[:index]
    return sample


def _sniff_delimiter(path: Path, encoding: str) -> str:
    """csv.Sniffer over the first 64 KB, limited to the delimiters contact files use; when it cannot tell
    (or picks one the header row does not contain), the delimiter most frequent in the header row wins."""
    try:
        with path.open("r", encoding=encoding, newline="", errors="replace") as fh:
            sample = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise FileRefused(_("Could not read {path}: {problem}").format(path=path, problem=exc.strerror)) from exc
    header = _header_line(sample.removeprefix("\ufeff"))
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and counts.get(sniffed, 0) > 0:
        return sniffed
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _csv_rows(source: Source) -> Iterator[Row]:
    with _open_text(source) as text:
        reader = _reader(text, source.delimiter)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                if number == 1:
                    continue
                if any(cell.strip() for cell in cells):
                    yield number, cells
        except csv.Error as exc:
            raise FileRefused(_("Row {row} cannot be read as CSV: {problem}").format(row=number + 1, problem=exc)) \
                from exc
        except UnicodeDecodeError as exc:
            raise FileRefused(_("Row {row} holds characters that are not {encoding}.").format(
                row=number + 1, encoding=source.encoding)) from exc


# --- XLSX ----------------------------------------------------------------------------------------------


def _zip_checked(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRefused(_("{path} is not an Excel workbook (.xlsx), or it is damaged.").format(
            path=path.name)) from exc
    total = sum(member.file_size for member in members)
    tight = any(member.file_size > RATIO_CHECK_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1)
                for member in members)
    if total > MAX_UNPACKED_BYTES or tight:
        raise FileRefused(_("{path} unpacks to far more data than a contact list holds; it is refused as possibly "
                            "harmful.").format(path=path.name))


def _sheet_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    _zip_checked(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel features it skips
            workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook fails in many ways inside openpyxl, zipfile and the XML parser
        raise FileRefused(_("{path} is not an Excel workbook (.xlsx), or it is damaged.").format(
            path=path.name)) from exc
    try:
        if not workbook.worksheets:
            raise FileRefused(_("{path} has no sheets.").format(path=path.name))
        sheet = workbook.worksheets[0]
        if isinstance(sheet, ReadOnlyWorksheet):
            sheet.reset_dimensions()  # trust the cells, not the stated size, which may be wrong
        try:
            yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        except FileRefused:
            raise
        except Exception as exc:
            raise FileRefused(_("{path} is damaged part-way through its first sheet.").format(
                path=path.name)) from exc
    finally:
        workbook.close()


def _xlsx_headers(path: Path) -> tuple[list[str], list[str]]:
    rows = _sheet_rows(path)
    try:
        first = next(rows, None)
    finally:
        rows.close()  # type: ignore[attr-defined]
    if first is None or not any(cell_text(c).strip() for c in first):
        raise FileRefused(_("The first row of the first sheet of {path} is empty; it must hold the column "
                            "headings.").format(path=path.name))
    cells = list(first)
    while cells and cell_text(cells[-1]).strip() == "":
        cells.pop()  # openpyxl pads to the widest row
    return unique_headers(cells)


def _xlsx_rows(path: Path, width: int) -> Iterator[Row]:
    for number, values in enumerate(_sheet_rows(path), start=1):
        if number == 1:
            continue
        cells = [v if isinstance(v, str) else cell_text(v) for v in values[:width]]
        if any(cell.strip() for cell in cells):
            yield number, cells
