"""Checking every row of a contact file (the preview) and writing the good ones in one transaction.

``prepare`` reads the file once, applies the mapping and checks each row with the person form's rules
(``services.validation.Checker``: name required, e-mail format, lengths), collecting per-row errors and
flagging possible duplicates by exact key: the same e-mail, or the same name at the same organisation,
already in the store or earlier in the file. Nothing is written by it.

``write`` runs after the user confirmed: organisations, tags, persons and their tag links are inserted
with Core ``insert()`` in batches of ``BATCH`` rows, in one transaction. A large import suspends the
search-index triggers (``store.search_index.bulk_load``) and rebuilds the index once. ``progress`` may
cancel between batches; a cancel or any failure rolls the whole transaction back, so the store is
exactly as before.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Table, TableClause, column, func, insert, select, table

from postapp.contacts_io.mapping import NAME_PARTS, Field, has_name, missing_name_message
from postapp.contacts_io.sources import FileRefused, Source
from postapp.domain import Gender, LawfulBasis, Organisation, OrganisationKind, Person, Tag
from postapp.domain.base import utcnow
from postapp.domain.persons import person_tag
from postapp.errors import PostAppError
from postapp.i18n import _, format_number, ngettext
from postapp.services.validation import MAX_NOTES, Checker
from postapp.store import search_index

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from postapp.store import Store

BATCH = 5000
BULK_FROM = 1000  # fewer rows: the per-row index triggers are cheaper than rebuilding the whole index
PROGRESS_EVERY = 1000
MULTI = " ::: "  # Google's separator inside one cell: several addresses, several labels
FORMULA_ESCAPED = ("'=", "'+", "'-", "'@")
WORK_PHONE_WORDS = ("business", "mobile", "primary", "company", "werk", "mobiel", "hoofd", "work")

PERSON, ORGANISATION, TAG = (cast("Table", model.__table__) for model in (Person, Organisation, Tag))
Progress = Callable[[int, int], bool]  # (done, total; 0 = not known yet) -> False to cancel


class ImportCancelled(PostAppError):
    """The user stopped the import; nothing was written."""


@dataclass
class ImportOptions:
    create_organisations: bool = True  # unknown organisations are created with kind "company"
    skip_duplicates: bool = True


@dataclass(slots=True)
class PlannedRow:
    row: int
    name: str
    email: str = ""
    phone: str = ""
    organisation: str = ""
    role: str = ""
    notes: str = ""
    tags: tuple[str, ...] = ()
    gender: str = ""
    lawful_basis: str = ""
    consent_date: dt.date | None = None
    errors: tuple[str, ...] = ()
    duplicate: str = ""  # why this row may already exist; "" when it does not

    @property
    def ready(self) -> bool:
        return not self.errors and not self.duplicate


@dataclass
class ImportPlan:
    """The previewed file: every row, checked; nothing of it is in the store yet."""

    source: Source
    fields: list[Field]
    rows: list[PlannedRow] = field(default_factory=list)
    new_organisations: dict[str, str] = field(default_factory=dict)  # casefolded -> as written
    notices: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def duplicate_count(self) -> int:
        return sum(1 for r in self.rows if r.duplicate and not r.errors)

    @property
    def ready_count(self) -> int:
        return sum(1 for r in self.rows if r.ready)

    def to_write(self, options: ImportOptions) -> list[PlannedRow]:
        return [r for r in self.rows if not r.errors and (not r.duplicate or not options.skip_duplicates)]


@dataclass
class ImportResult:
    persons: int = 0
    organisations: int = 0
    tags: int = 0
    skipped_errors: int = 0
    skipped_duplicates: int = 0
    unmatched_organisations: int = 0  # not created (option off): their names went into the notes


def row_messages(plan: ImportPlan) -> Iterator[str]:
    """"Row 12: ..." lines, for the CLI and the dialog's error list."""
    for row in plan.rows:
        for error in row.errors:
            yield _("Row {row}: {problem}").format(row=row.row, problem=error)
        if row.duplicate and not row.errors:
            yield _("Row {row}: possible duplicate ({reason})").format(row=row.row, reason=row.duplicate)


# --- Reading the cells into person values --------------------------------------------------------------


def _gender_words() -> dict[str, str]:
    words = {"": "", "unspecified": "", "unknown": "", "u": "", "n": "", "onbekend": "", "niet opgegeven": "",
             "female": "female", "f": "female", "woman": "female", "vrouw": "female", "v": "female",
             "male": "male", "m": "male", "man": "male",
             "other": "other", "o": "other", "x": "other", "anders": "other", "overig": "other"}
    words.update({_(g.label).casefold(): str(g.value) for g in Gender})
    return words


def _basis_words() -> dict[str, str]:
    words = {"": "", "toestemming": "consent", "gerechtvaardigd belang": "legitimate_interest",
             "legitimate interest": "legitimate_interest", "algemeen belang": "public_task",
             "publieke taak": "public_task", "taak van algemeen belang": "public_task", "public task": "public_task",
             "overeenkomst": "contract"}
    words.update({str(b.value): str(b.value) for b in LawfulBasis})
    words.update({_(b.label).casefold(): str(b.value) for b in LawfulBasis})
    return words


def _cell(cells: list[str], index: int) -> str:
    value = cells[index].strip() if index < len(cells) else ""
    # A leading apostrophe is how spreadsheets (and our own export) keep "=..." from being a formula.
    return value[1:] if value.startswith(FORMULA_ESCAPED) else value


def split_tags(text: str) -> list[str]:
    """Outlook's "Categories" use ";", Google's "Labels" " ::: " (with system groups like "* myContacts",
    dropped, and "* starred", kept without the star); anything else is taken as comma-separated."""
    separator = MULTI if MULTI in text else (";" if ";" in text else ",")
    tags = []
    for item in text.split(separator):
        tag = item.strip()
        if tag.casefold() == "* mycontacts":
            continue
        tag = tag.removeprefix("* ").strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


class RowReader:
    """Turns one row's cells into a ``PlannedRow`` under a fixed mapping."""

    def __init__(self, headers: Sequence[str], fields: Sequence[Field]) -> None:
        self.columns: dict[Field, list[tuple[int, str]]] = {}
        for index, (heading, chosen) in enumerate(zip(headers, fields, strict=False)):
            if chosen is not Field.IGNORE:
                self.columns.setdefault(chosen, []).append((index, heading))
        # A post wants the work number: Outlook.com lists "Home Phone" before "Business Phone".
        phones = self.columns.get(Field.PHONE, [])
        phones.sort(key=lambda column: not any(word in column[1].casefold() for word in WORK_PHONE_WORDS))
        # Column numbers per field, looked up once: the preview reads every cell of 50,000 rows.
        self.indexes: dict[Field, tuple[int, ...]] = {f: tuple(i for i, _h in cols) for f, cols in self.columns.items()}
        self.genders = _gender_words()
        self.bases = _basis_words()
        self.labels = {"name": _("Name"), "phone": _("Phone"), "role": _("Role"), "notes": _("Notes"),
                       "organisation": _("Organisation"), "tags": _("Tag"), "consent_date": _("Consent date")}

    def _first(self, cells: list[str], wanted: Field) -> str:
        size = len(cells)
        for index in self.indexes.get(wanted, ()):
            if index < size:
                value = cells[index].strip()
                if value:
                    return value[1:] if value[0] == "'" and value.startswith(FORMULA_ESCAPED) else value
        return ""

    def _several(self, cells: list[str], wanted: Field, extra: list[str]) -> str:
        """The first value of a field that may fill several columns; the others become note lines."""
        first = ""
        for index, heading in self.columns.get(wanted, ()):
            for value in _cell(cells, index).split(MULTI):
                value = value.strip()
                if not value:
                    continue
                if not first:
                    first = value
                elif value.casefold() != first.casefold():
                    extra.append(f"{heading}: {value}")
        return first

    def read(self, number: int, cells: list[str]) -> PlannedRow:
        check = Checker()
        labels = self.labels
        name = self._first(cells, Field.NAME)
        if not name:
            name = " ".join(p for p in (self._first(cells, part) for part in NAME_PARTS) if p)
        extra: list[str] = []
        email = self._several(cells, Field.EMAIL, extra)
        phone = self._several(cells, Field.PHONE, extra)
        notes = [_cell(cells, i) for i, _h in self.columns.get(Field.NOTES, ())]
        notes_text = "\n\n".join([n for n in notes if n] + (["\n".join(extra)] if extra else []))
        tags: list[str] = []
        for index, _heading in self.columns.get(Field.TAGS, ()):
            tags.extend(t for t in split_tags(_cell(cells, index)) if t not in tags)
        gender_text = self._first(cells, Field.GENDER)
        gender = self.genders.get(gender_text.casefold())
        if gender is None:
            check.fail("gender", _("gender '{value}' is not recognised; use woman, man or other.").format(
                value=gender_text[:40]))
        basis_text = self._first(cells, Field.LAWFUL_BASIS)
        basis = self.bases.get(basis_text.casefold().replace("_", " ")) or self.bases.get(basis_text.casefold())
        if basis is None:
            check.fail("lawful_basis", _("lawful basis '{value}' is not recognised; use consent, legitimate "
                                         "interest, public task or contract.").format(value=basis_text[:40]))
        row = PlannedRow(
            number,
            name=check.required("name", name, labels["name"], 200),
            email=check.email("email", email),
            phone=check.text("phone", phone, labels["phone"], 60),
            organisation=check.text("organisation", self._first(cells, Field.ORGANISATION), labels["organisation"],
                                    300),
            role=check.text("role", self._first(cells, Field.ROLE), labels["role"], 200),
            notes=check.notes("notes", notes_text, labels["notes"]),
            tags=tuple(check.text("tags", t, labels["tags"], 80) for t in tags),
            gender=gender or "",
            lawful_basis=basis or "",
            consent_date=check.date("consent_date", self._first(cells, Field.CONSENT_DATE), labels["consent_date"],
                                    required=False),
        )
        row.errors = tuple(check.errors.values())
        return row


# --- Preview -------------------------------------------------------------------------------------------


@dataclass
class _Known:
    """What the store already holds, for matching organisations and flagging duplicates."""

    organisations: dict[str, tuple[uuid.UUID, str]]  # casefolded name -> (id, name)
    emails: dict[str, str]  # e-mail -> person's name
    keys: set[tuple[str, str]]  # (casefolded name, casefolded organisation name)

    @classmethod
    def read(cls, session: Session) -> _Known:
        organisations: dict[str, tuple[uuid.UUID, str]] = {}
        for org_id, name in session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.deleted_at.is_(None))
                .order_by(Organisation.created_at)):
            organisations.setdefault(name.casefold(), (org_id, name))
        emails: dict[str, str] = {}
        keys: set[tuple[str, str]] = set()
        rows = session.execute(
            select(Person.name, Person.email, Organisation.name)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(Person.deleted_at.is_(None)))
        for name, email, org in rows:
            if email:
                emails.setdefault(email.lower(), name)
            keys.add((name.casefold(), (org or "").casefold()))
        return cls(organisations, emails, keys)


def prepare(store: Store, source: Source, fields: Sequence[Field], progress: Progress | None = None) -> ImportPlan:
    """Reads and checks every row; refuses a mapping without a name column. Writes nothing."""
    fields = list(fields)
    if not has_name(fields):
        raise FileRefused(missing_name_message())
    with store.read() as session:
        known = _Known.read(session)
    plan = ImportPlan(source, fields, notices=list(source.notices))
    reader = RowReader(source.headers, fields)
    seen_emails: dict[str, int] = {}
    seen_keys: dict[tuple[str, str], int] = {}
    for count, (number, cells) in enumerate(source.rows(), start=1):
        row = reader.read(number, cells)
        if not row.errors:
            _flag_duplicate(row, known, seen_emails, seen_keys)
            org_key = row.organisation.casefold()
            if org_key and org_key not in known.organisations:
                plan.new_organisations.setdefault(org_key, row.organisation)
        plan.rows.append(row)
        if progress is not None and count % PROGRESS_EVERY == 0 and not progress(count, 0):
            raise ImportCancelled(_("The preview was cancelled; nothing was imported."))
    if not plan.rows:
        plan.notices.append(_("The file holds no contacts under its heading row."))
    return plan


def _flag_duplicate(row: PlannedRow, known: _Known, seen_emails: dict[str, int],
                    seen_keys: dict[tuple[str, str], int]) -> None:
    key = (row.name.casefold(), row.organisation.casefold())
    if row.email and row.email in known.emails:
        row.duplicate = _("same e-mail as {name}, already in your contacts").format(name=known.emails[row.email])
    elif key in known.keys:
        row.duplicate = _("same name and organisation as a person already in your contacts")
    elif row.email and row.email in seen_emails:
        row.duplicate = _("same e-mail as row {row}").format(row=seen_emails[row.email])
    elif key in seen_keys:
        row.duplicate = _("same name and organisation as row {row}").format(row=seen_keys[key])
    if row.email:
        seen_emails.setdefault(row.email, row.row)
    seen_keys.setdefault(key, row.row)


# --- Writing -------------------------------------------------------------------------------------------


def write(store: Store, plan: ImportPlan, options: ImportOptions | None = None, *, post_code: str = "",
          progress: Progress | None = None) -> ImportResult:
    """Writes the plan's ready rows (and, unless skipped, its duplicates) in one transaction."""
    options = options or ImportOptions()
    rows = plan.to_write(options)
    result = ImportResult(skipped_errors=plan.error_count,
                          skipped_duplicates=plan.duplicate_count if options.skip_duplicates else 0)
    with store.session() as session:
        connection = session.connection()
        known = _Known.read(session)
        if options.skip_duplicates:
            # The store may have changed since the preview (a sync, another window): check again.
            fresh = [r for r in rows if not (r.email and r.email in known.emails)
                     and (r.name.casefold(), r.organisation.casefold()) not in known.keys]
            result.skipped_duplicates += len(rows) - len(fresh)
            rows = fresh
        existing = session.scalar(select(func.count()).select_from(Person)) or 0
        bulk = len(rows) >= max(BULK_FROM, existing // 8)
        now = utcnow()
        with search_index.bulk_load(connection) if bulk else nullcontext():
            org_ids = _organisations(session, rows, known, options, post_code, now, result)
            tag_ids = _tags(session, rows, post_code, now, result)
            total = len(rows)
            stored = _StoredForm(connection.dialect.name == "sqlite", now)
            unmatched_label = _("Organisation")
            for start in range(0, total, BATCH):
                batch = rows[start:start + BATCH]
                people: list[dict[str, Any]] = []
                links: list[dict[str, Any]] = []
                for row in batch:
                    person_id = stored.uuid(uuid.uuid4())
                    org_key = row.organisation.casefold()
                    notes = row.notes
                    org_id = org_ids.get(org_key) if org_key else None
                    if org_key and org_id is None:
                        notes = f"{notes}\n\n{unmatched_label}: {row.organisation}".strip()[:MAX_NOTES]
                    people.append({
                        "id": person_id, "created_at": stored.now, "updated_at": stored.now, "post_code": post_code,
                        "deleted_at": None, "name": row.name, "email": row.email, "phone": row.phone,
                        "organisation_id": None if org_id is None else stored.uuid(org_id), "role": row.role,
                        "sensitive": stored.false, "notes": notes, "gender": row.gender,
                        "lawful_basis": row.lawful_basis, "consent_date": stored.date(row.consent_date)})
                    links.extend({"person_id": person_id, "tag_id": stored.uuid(tag_ids[t.casefold()])}
                                 for t in row.tags)
                stored.insert(connection, people, links)
                result.persons += len(batch)
                if progress is not None and not progress(result.persons, total):
                    raise ImportCancelled(_("The import was cancelled; nothing was imported."))
        # A Cancel pressed during the last batch or the index rebuild still counts: nothing is committed
        # until this last look.
        if progress is not None and not progress(result.persons, len(rows)):
            raise ImportCancelled(_("The import was cancelled; nothing was imported."))
    return result


class _StoredForm:
    """The person and link rows as the column types store them on SQLite (32-hex UUIDs, naive UTC
    "YYYY-MM-DD HH:MM:SS.ffffff", ISO dates, 0/1), inserted through untyped table clauses: this spares
    SQLAlchemy's per-value type processing, most of the Python time of a 50,000-row insert. Another
    database gets the typed tables and Python values. ``test_importer`` checks the stored forms equal
    what the ORM writes."""

    def __init__(self, sqlite: bool, now: dt.datetime) -> None:
        self.sqlite = sqlite
        if sqlite:
            self.person: Table | TableClause = table("person", *(column(c.name) for c in PERSON.columns))
            self.person_tag: Table | TableClause = table("person_tag", *(column(c.name) for c in person_tag.columns))
            self.now: object = now.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
            self.false: object = 0
        else:
            self.person, self.person_tag, self.now, self.false = PERSON, person_tag, now, False

    def uuid(self, value: uuid.UUID) -> object:
        return value.hex if self.sqlite else value

    def insert(self, connection: Connection, people: list[dict[str, Any]], links: list[dict[str, Any]]) -> None:
        """On SQLite the rows go to the driver's ``executemany`` as tuples: even Core statements cost a
        third of the write in per-row parameter handling. Elsewhere Core statements (not the ORM's
        bulk path, twice the cost per row)."""
        if not self.sqlite:
            connection.execute(insert(self.person), people)
            if links:
                connection.execute(insert(self.person_tag), links)
            return
        for name, rows in (("person", people), ("person_tag", links)):
            if not rows:
                continue
            names = list(rows[0])
            sql = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            connection.exec_driver_sql(sql, [tuple(row[n] for n in names) for row in rows])

    def date(self, value: dt.date | None) -> object:
        return value.isoformat() if self.sqlite and value is not None else value


def _organisations(session: Session, rows: list[PlannedRow], known: _Known, options: ImportOptions,
                   post_code: str, now: dt.datetime, result: ImportResult) -> dict[str, uuid.UUID]:
    ids = {key: org_id for key, (org_id, _name) in known.organisations.items()}
    new: dict[str, dict[str, Any]] = {}
    unmatched: set[str] = set()
    for row in rows:
        key = row.organisation.casefold()
        if not key or key in ids or key in new:
            continue
        if not options.create_organisations:
            unmatched.add(key)
            continue
        new[key] = {"id": uuid.uuid4(), "created_at": now, "updated_at": now, "post_code": post_code,
                    "deleted_at": None, "name": row.organisation, "kind": OrganisationKind.COMPANY, "sector": "",
                    "country": "", "employees": None, "turnover_eur": None, "assets_eur": None,
                    "dutch_affiliated": False, "website": "", "notes": ""}
    values = list(new.values())
    for start in range(0, len(values), BATCH):
        session.connection().execute(insert(ORGANISATION), values[start:start + BATCH])
    ids.update({key: value["id"] for key, value in new.items()})
    result.organisations, result.unmatched_organisations = len(new), len(unmatched)
    return ids


def _tags(session: Session, rows: list[PlannedRow], post_code: str, now: dt.datetime,
          result: ImportResult) -> dict[str, uuid.UUID]:
    """Tag ids by casefolded name: an existing tag is reused whatever its capitals ("IMVO" = "imvo")."""
    ids: dict[str, uuid.UUID] = {}
    for tag_id, name in session.execute(select(Tag.id, Tag.name).order_by(Tag.created_at)):
        ids.setdefault(name.casefold(), tag_id)
    new: dict[str, dict[str, Any]] = {}
    for row in rows:
        for tag in row.tags:
            key = tag.casefold()
            if key not in ids and key not in new:
                new[key] = {"id": uuid.uuid4(), "created_at": now, "updated_at": now, "post_code": post_code,
                            "deleted_at": None, "name": tag}
    if new:
        session.connection().execute(insert(TAG), list(new.values()))
    ids.update({key: value["id"] for key, value in new.items()})
    result.tags = len(new)
    return ids


def summary(result: ImportResult) -> str:
    parts = [
        ngettext("Imported {n} person.", "Imported {n} persons.", result.persons),
        ngettext("Created {n} organisation.", "Created {n} organisations.", result.organisations),
        ngettext("Created {n} tag.", "Created {n} tags.", result.tags),
        ngettext("Left out {n} row with errors.", "Left out {n} rows with errors.", result.skipped_errors),
        ngettext("Skipped {n} possible duplicate.", "Skipped {n} possible duplicates.", result.skipped_duplicates),
    ]
    text = " ".join(part.format(n=format_number(count)) for part, count in zip(parts, (
        result.persons, result.organisations, result.tags, result.skipped_errors, result.skipped_duplicates),
        strict=True))
    if result.unmatched_organisations:
        text += " " + ngettext(
            "{n} organisation was not found and not created; its name is in the persons' notes.",
            "{n} organisations were not found and not created; their names are in the persons' notes.",
            result.unmatched_organisations).format(n=format_number(result.unmatched_organisations))
    return text
