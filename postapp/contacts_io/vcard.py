"""vCard files (3.0, RFC 2426, and 4.0, RFC 6350) through vobject: cards in as rows, persons out as cards.

A card becomes a row under fixed headings named after the vCard properties, so the same mapping,
preview and checks serve vCards and spreadsheets alike. A card with several e-mail addresses or phone
numbers puts the preferred one (PREF) first; the others go in the "(other)" columns, joined by " ::: ",
and the importer keeps them in the notes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import vobject  # type: ignore[import-untyped]

from postapp.contacts_io.sources import FileRefused, Row
from postapp.i18n import _

FN, GIVEN, ADDITIONAL, FAMILY = "FN", "N (given)", "N (additional)", "N (family)"
EMAIL, EMAIL_OTHER, TEL, TEL_OTHER = "EMAIL", "EMAIL (other)", "TEL", "TEL (other)"
ORG, TITLE, ROLE, NOTE, CATEGORIES, GENDER = "ORG", "TITLE", "ROLE", "NOTE", "CATEGORIES", "GENDER"
CARD_HEADERS = (FN, GIVEN, ADDITIONAL, FAMILY, EMAIL, EMAIL_OTHER, TEL, TEL_OTHER, ORG, TITLE, ROLE, NOTE,
                CATEGORIES, GENDER)
MULTI = " ::: "


def _preferred_first(lines: list[Any]) -> list[str]:
    def preferred(line: Any) -> bool:
        types = ",".join(line.params.get("TYPE", [])).lower().split(",")
        return "pref" in types or bool(line.params.get("PREF"))

    ordered = sorted(lines, key=lambda line: not preferred(line))  # stable: file order otherwise
    values = []
    for line in ordered:
        value = str(line.value or "").strip()
        if value.lower().startswith("tel:"):  # vCard 4.0 writes phone numbers as tel: URIs
            value = value[4:].split(";", 1)[0]
        elif value.lower().startswith("mailto:"):
            value = value[7:]
        if value:
            values.append(value)
    return values


def _text(card: Any, name: str) -> str:
    line = card.contents.get(name, [None])[0]
    if line is None:
        return ""
    value = line.value
    if isinstance(value, list):  # ORG is structured: organisation; unit; unit
        return "; ".join(str(v).strip() for v in value if str(v).strip()) if name != "org" else str(
            value[0] if value else "").strip()
    return str(value or "").strip()


def card_cells(card: Any) -> list[str]:
    contents = card.contents
    given = additional = family = ""
    if contents.get("n"):
        n = contents["n"][0].value
        if isinstance(n, vobject.vcard.Name):
            given, additional, family = (" ".join(p) if isinstance(p, list) else str(p or "")
                                         for p in (n.given, n.additional, n.family))
    emails = _preferred_first(contents.get("email", []))
    phones = _preferred_first(contents.get("tel", []))
    categories: list[str] = []
    for line in contents.get("categories", []):
        values = line.value if isinstance(line.value, list) else str(line.value).split(",")
        categories.extend(str(v).strip() for v in values if str(v).strip())
    notes = "\n\n".join(str(line.value or "").strip() for line in contents.get("note", []) if line.value)
    gender = _text(card, "gender").split(";", 1)[0]  # 4.0: sex component; identity text after ';'
    return [_text(card, "fn"), given.strip(), additional.strip(), family.strip(),
            emails[0] if emails else "", MULTI.join(emails[1:]), phones[0] if phones else "", MULTI.join(phones[1:]),
            _text(card, "org"), _text(card, "title"), _text(card, "role"), notes, MULTI.join(categories), gender]


def card_rows(path: Path, encoding: str) -> Iterator[Row]:
    """One row per card, numbered from 1 in file order; read line by line (``allowQP`` makes vobject
    stream, and also reads vCard 2.1's quoted-printable)."""
    number = 0
    try:
        with path.open("r", encoding=encoding or "utf-8", newline="") as text:
            for number, card in enumerate(vobject.readComponents(text, allowQP=True), start=1):
                if card.name.upper() != "VCARD":
                    continue
                cells = card_cells(card)
                if any(cells):
                    yield number, cells
    except OSError as exc:
        raise FileRefused(_("Could not read {path}: {problem}").format(path=path, problem=exc.strerror)) from exc
    except FileRefused:
        raise
    except Exception as exc:  # vobject raises ParseError and, on odd input, plain ValueErrors and others
        raise FileRefused(_("Card {number} of {path} cannot be read as a vCard ({problem}); nothing was imported.")
                          .format(number=number + 1, path=path.name, problem=str(exc)[:120])) from exc


# --- Export --------------------------------------------------------------------------------------------

VCARD_GENDER = {"female": "F", "male": "M", "other": "O"}


@dataclass
class CardPerson:
    """What a card carries of a person."""

    name: str
    email: str = ""
    phone: str = ""
    organisation: str = ""
    role: str = ""
    notes: str = ""
    gender: str = ""
    tags: list[str] = field(default_factory=list)
    uid: str = ""


def to_card(person: CardPerson) -> str:
    """A vCard 4.0 card; ``N`` carries the whole name as family name, since the app never splits names."""
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = person.name
    card.add("n").value = vobject.vcard.Name(family=person.name)
    if person.uid:
        card.add("uid").value = f"urn:uuid:{person.uid}"
    if person.email:
        card.add("email").value = person.email
    if person.phone:
        card.add("tel").value = person.phone
    if person.organisation:
        card.add("org").value = [person.organisation]
    if person.role:
        card.add("title").value = person.role
    if person.notes:
        card.add("note").value = person.notes
    if person.tags:
        card.add("categories").value = list(person.tags)
    if person.gender in VCARD_GENDER:
        card.add("gender").value = VCARD_GENDER[person.gender]
    text: str = card.serialize()
    return text


def write_cards(out: TextIO, persons: Iterator[CardPerson]) -> int:
    count = 0
    for person in persons:
        out.write(to_card(person))
        count += 1
    return count


def read_cards_text(text: str) -> list[list[str]]:
    """The cells of every card in ``text`` (for tests and small checks)."""
    return [card_cells(card) for card in vobject.readComponents(io.StringIO(text), allowQP=True)]
