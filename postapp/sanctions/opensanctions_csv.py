"""Reader for OpenSanctions' "targets.simple.csv" export: one row per target, aliases and countries
separated by ";".

The file is read as bytes line by line (a UTF-8 line never splits a character), so the importer can
report progress in bytes and memory stays flat; the csv module rejoins quoted fields that hold newlines.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from postapp.i18n import _
from postapp.sanctions.parsed import ListFileError, ParsedEntry, iso_date, unique

# Needed to import a row; the export has more (addresses, identifiers, phones ...) that screening
# does not use. ``program_ids`` came later (older exports lack it), so it is optional.
REQUIRED = ("id", "schema", "name", "aliases", "countries", "sanctions")
DATE_COLUMNS = ("last_change", "last_seen")
PERSON = {"Person"}
ORGANISATION = {"Organization", "Company", "LegalEntity", "PublicBody"}
MAX_PROGRAMME = 2000


def header_of(first_line: str) -> list[str]:
    return [c.strip().lstrip("\ufeff") for c in next(csv.reader([first_line]), [])]


def looks_like_header(columns: list[str]) -> bool:
    return {"id", "schema", "name"} <= set(columns)


def _schema(value: str) -> str:
    if value in PERSON:
        return "person"
    if value in ORGANISATION:
        return "organisation"
    return "other"


def _split(value: str) -> list[str]:
    return unique([part.strip() for part in value.split(";")])


class OpenSanctionsReader:
    """Streams the entries of a targets.simple.csv; ``published`` is the newest change date seen."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.published: dt.date | None = None

    def _lines(self) -> Iterable[str]:
        for number, raw in enumerate(self.fh, 1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise ListFileError(_("The list file is not UTF-8 text (line {line}).").format(line=number)) from exc

    def __iter__(self) -> Iterator[ParsedEntry]:
        reader = csv.reader(self._lines(), strict=True)
        try:
            header = [c.strip() for c in next(reader, [])]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise ListFileError(_("The CSV file is not an OpenSanctions targets.simple.csv export: the "
                                      "columns {columns} are missing.").format(columns=", ".join(missing)))
            col = {name: i for i, name in enumerate(header)}
            programme_col = col.get("program_ids")
            date_cols = [col[c] for c in DATE_COLUMNS if c in col]
            newest = ""
            for row in reader:
                if not row or row == [""]:
                    continue
                if len(row) != len(header):
                    raise ListFileError(_("The CSV file is damaged at line {line}: it has {found} columns where "
                                          "the header has {expected}.").format(
                        line=reader.line_num, found=len(row), expected=len(header)))
                name = row[col["name"]].strip()
                if not name:
                    continue
                for i in date_cols:
                    day = row[i][:10]
                    if day > newest and iso_date(day) is not None:
                        newest = day
                programme = row[programme_col].strip() if programme_col is not None else ""
                yield ParsedEntry(
                    external_id=row[col["id"]].strip(),
                    schema=_schema(row[col["schema"]].strip()),
                    name=name,
                    aliases=[a for a in _split(row[col["aliases"]]) if a != name],
                    countries=[c.upper() for c in _split(row[col["countries"]])],
                    programme=(programme or row[col["sanctions"]].strip())[:MAX_PROGRAMME],
                )
            self.published = iso_date(newest)
        except csv.Error as exc:
            raise ListFileError(_("The CSV file is damaged at line {line}.").format(line=reader.line_num)) from exc
