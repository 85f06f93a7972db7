"""Persons out to CSV (for Excel) or vCard 4.0 (for Outlook and phones).

Sensitive persons (human rights defenders, trade unionists at risk) are left out unless the caller
passes ``include_sensitive=True``: an export is a file that can travel, and the default must be the
safe one. Persons are read in pages and written as they come; the file is written beside the target
and renamed, so a failure never leaves half a file under the chosen name.
"""

from __future__ import annotations

import csv
import enum
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import func, select

from postapp.contacts_io.vcard import CardPerson, write_cards
from postapp.domain import Organisation, Person, Tag
from postapp.domain.persons import person_tag
from postapp.errors import PostAppError
from postapp.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from postapp.store import Store

PAGE = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    VCF = "vcf"


@dataclass
class ExportResult:
    path: Path
    persons: int
    sensitive_left_out: int


def csv_safe(value: str) -> str:
    """A leading = + - @ would make Excel run the cell as a formula (a note is whatever someone typed);
    an apostrophe in front keeps it text. The importer strips it again."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_header() -> list[str]:
    """The app's own headings, in the user's language; ``mapping.suggest`` recognises them back."""
    return [_("Name"), _("E-mail"), _("Phone"), _("Organisation"), _("Role"), _("Tags"), _("Notes"), _("Gender"),
            _("Lawful basis"), _("Consent date")]


def _persons(session: Session, include_sensitive: bool) -> Iterator[tuple[CardPerson, str, str]]:
    """(person, lawful basis, consent date) in name order, a page at a time (keyset on name and id)."""
    last: tuple[str, uuid.UUID] | None = None
    while True:
        query = (select(Person.id, Person.name, Person.email, Person.phone, Organisation.name, Person.role,
                        Person.notes, Person.gender, Person.lawful_basis, Person.consent_date)
                 .outerjoin(Organisation, Organisation.id == Person.organisation_id)
                 .where(Person.deleted_at.is_(None))
                 .order_by(Person.name, Person.id).limit(PAGE))
        if not include_sensitive:
            query = query.where(Person.sensitive.is_(False))
        if last is not None:
            query = query.where((Person.name > last[0]) | ((Person.name == last[0]) & (Person.id > last[1])))
        page = session.execute(query).all()
        if not page:
            return
        tags: dict[uuid.UUID, list[str]] = {}
        for person_id, tag in session.execute(
                select(person_tag.c.person_id, Tag.name).join(Tag, Tag.id == person_tag.c.tag_id)
                .where(person_tag.c.person_id.in_([r[0] for r in page])).order_by(Tag.name)):
            tags.setdefault(person_id, []).append(tag)
        for r in page:
            yield (CardPerson(name=r[1], email=r[2], phone=r[3], organisation=r[4] or "", role=r[5], notes=r[6],
                              gender=str(r[7].value if isinstance(r[7], enum.Enum) else r[7] or ""),
                              tags=tags.get(r[0], []), uid=str(r[0])),
                   str(r[8].value if isinstance(r[8], enum.Enum) else r[8] or ""),
                   r[9].isoformat() if r[9] else "")
        last = (page[-1][1], page[-1][0])


def _write_csv(out: TextIO, rows: Iterator[tuple[CardPerson, str, str]]) -> int:
    writer = csv.writer(out)
    writer.writerow(csv_header())
    count = 0
    for person, basis, consent in rows:
        writer.writerow([csv_safe(v) for v in (person.name, person.email, person.phone, person.organisation,
                                               person.role, "; ".join(person.tags), person.notes, person.gender,
                                               basis, consent)])
        count += 1
    return count


def atomic_text_write(path: Path, write: Callable[[TextIO], int], encoding: str) -> int:
    """Streams into a temporary file beside ``path``, then renames it over ``path``."""
    path = path.resolve()
    temp = path.parent / f".postapp-{uuid.uuid4().hex}.part"
    try:
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            count = write(out)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise PostAppError(_("Could not write {path}: {problem}").format(path=path, problem=exc.strerror)) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return count


def export_contacts(store: Store, path: Path | str, fmt: ExportFormat | str, *,
                    include_sensitive: bool = False) -> ExportResult:
    fmt = ExportFormat(fmt)
    path = Path(path)
    with store.read() as session:
        sensitive = session.scalar(select(func.count()).select_from(Person).where(
            Person.deleted_at.is_(None), Person.sensitive.is_(True))) or 0
        rows = _persons(session, include_sensitive)
        if fmt is ExportFormat.CSV:
            # The BOM lets Excel read the accents right.
            count = atomic_text_write(path, lambda out: _write_csv(out, rows), "utf-8-sig")
        else:
            count = atomic_text_write(path, lambda out: write_cards(out, (person for person, _b, _c in rows)),
                                      "utf-8")
    return ExportResult(path, count, 0 if include_sensitive else sensitive)
