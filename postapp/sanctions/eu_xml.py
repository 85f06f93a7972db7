"""Reader for the EU consolidated list of persons, groups and entities subject to EU financial sanctions
(the Financial Sanctions Files "xmlFullSanctionsList_1_1" export, schema 1.1).

The file is tens of megabytes, so it is streamed: each ``sanctionEntity`` is read whole (a few kB),
turned into a ``ParsedEntry`` and dropped before the next one, keeping memory flat whatever the size.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

from postapp.i18n import _
from postapp.sanctions.parsed import ListFileError, ParsedEntry, iso_date, unique

NS = "http://eu.europa.ec/fpi/fsd/export"
ROOT = f"{{{NS}}}export"
ENTITY = f"{{{NS}}}sanctionEntity"
NAME_ALIAS = f"{{{NS}}}nameAlias"
SUBJECT_TYPE = f"{{{NS}}}subjectType"
REGULATION = f"{{{NS}}}regulation"
COUNTRY_HOLDERS = (f"{{{NS}}}citizenship", f"{{{NS}}}address", f"{{{NS}}}birthdate")
# Expat's codes for input that stops in the middle: no root closed, a tag, a character or CDATA cut off.
TRUNCATED = {3, 5, 6, 20}
UNKNOWN_COUNTRY = "00"


def parse_error(exc: ET.ParseError) -> ListFileError:
    line, column = exc.position
    if exc.code in TRUNCATED:
        return ListFileError(_("The list file ends too early, at line {line}: it looks cut off, for example by an "
                               "interrupted download.").format(line=line))
    return ListFileError(_("The list file is not well-formed XML: there is an error at line {line}, "
                           "column {column}.").format(line=line, column=column))


def root_tag(fh: BinaryIO) -> str:
    """The qualified name of the document's root element, reading no further than its start tag."""
    try:
        for _event, elem in ET.iterparse(fh, events=("start",)):
            return str(elem.tag)
    except ET.ParseError as exc:
        raise parse_error(exc) from exc
    return ""


def _schema(entity: ET.Element) -> str:
    subject = entity.find(SUBJECT_TYPE)
    code = (subject.get("code", "") if subject is not None else "").casefold()
    if code == "person":
        return "person"
    if code in ("enterprise", "entity", "organisation", "organization"):
        return "organisation"
    return "other"


def _whole_name(alias: ET.Element) -> str:
    whole = (alias.get("wholeName") or "").strip()
    if whole:
        return whole
    parts = (alias.get(key, "").strip() for key in ("firstName", "middleName", "lastName"))
    return " ".join(p for p in parts if p)


def _entry(entity: ET.Element) -> ParsedEntry | None:
    aliases = entity.findall(NAME_ALIAS)
    names = unique([_whole_name(a) for a in aliases])
    if not names:
        return None
    # The primary name: the first English-language alias, as the EU's own search shows it.
    english = [_whole_name(a) for a in aliases if a.get("regulationLanguage", "en") == "en" and _whole_name(a)]
    primary = english[0] if english else names[0]
    countries = unique([
        (holder.get("countryIso2Code") or "").strip().upper()
        for tag in COUNTRY_HOLDERS for holder in entity.iter(tag)
    ])
    programmes = unique([(r.get("programme") or "").strip() for r in entity.iter(REGULATION)])
    return ParsedEntry(
        external_id=entity.get("logicalId") or entity.get("euReferenceNumber") or "",
        schema=_schema(entity),
        name=primary,
        aliases=[n for n in names if n != primary],
        countries=[c for c in countries if c != UNKNOWN_COUNTRY],
        programme=", ".join(programmes),
    )


class EuReader:
    """Streams the entries of an EU list file; ``published`` is known once the root has been read."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.published: dt.date | None = None

    def __iter__(self) -> Iterator[ParsedEntry]:
        root: ET.Element | None = None
        depth = 0
        try:
            for event, elem in ET.iterparse(self.fh, events=("start", "end")):
                if event == "start":
                    depth += 1
                    if root is None:
                        if elem.tag != ROOT:
                            raise ListFileError(_("This XML file is not the EU consolidated sanctions list."))
                        root = elem
                        self.published = iso_date(elem.get("generationDate"))
                    continue
                depth -= 1
                if elem.tag == ENTITY and depth == 1:
                    entry = _entry(elem)
                    # Drop what was read: the root would otherwise keep every entity to the end.
                    if root is not None:
                        root.clear()
                    if entry is not None:
                        yield entry
        except ET.ParseError as exc:
            raise parse_error(exc) from exc
