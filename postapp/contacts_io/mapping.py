"""Which source column fills which person field, suggested from the header names.

The suggestions know the headings of Outlook's CSV export (desktop and Outlook.com, English and Dutch),
Google Contacts' CSV (the older "Given Name / E-mail 1 - Value / Group Membership" form and the newer
"First Name / E-mail 1 - Label / Labels" form), vCard properties and the app's own export, so those
files import without hand editing. The user can change every suggestion in the dialog.

Several columns may feed one field: e-mail and phone take the first non-empty one (in column order)
and keep the rest in the notes; tags and notes join them all; the other fields take the first non-empty.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence

from postapp.i18n import N_, _


class Field(enum.StrEnum):
    IGNORE = ""
    NAME = "name"
    FIRST_NAME = "first_name"
    MIDDLE_NAME = "middle_name"
    LAST_NAME = "last_name"
    EMAIL = "email"
    PHONE = "phone"
    ORGANISATION = "organisation"
    ROLE = "role"
    TAGS = "tags"
    NOTES = "notes"
    GENDER = "gender"
    LAWFUL_BASIS = "lawful_basis"
    CONSENT_DATE = "consent_date"

    @property
    def label(self) -> str:
        """Untranslated label (wrap with ``_()`` to show)."""
        return FIELD_LABELS[self]


FIELD_LABELS = {
    Field.IGNORE: N_("(do not import)"), Field.NAME: N_("Name"), Field.FIRST_NAME: N_("First name"),
    Field.MIDDLE_NAME: N_("Middle name"), Field.LAST_NAME: N_("Last name"), Field.EMAIL: N_("E-mail"),
    Field.PHONE: N_("Phone"), Field.ORGANISATION: N_("Organisation"), Field.ROLE: N_("Role"),
    Field.TAGS: N_("Tags"), Field.NOTES: N_("Notes"), Field.GENDER: N_("Gender"),
    Field.LAWFUL_BASIS: N_("Lawful basis"), Field.CONSENT_DATE: N_("Consent date"),
}
NAME_PARTS = (Field.FIRST_NAME, Field.MIDDLE_NAME, Field.LAST_NAME)

# Normalised heading -> field. Normalising lower-cases, turns "-", "_", ":", "/" into spaces and
# collapses spaces, so "E-mail 1 - Value" and "e mail 1 value" meet.
_KNOWN: dict[Field, tuple[str, ...]] = {
    Field.NAME: (
        "name", "full name", "display name", "naam", "volledige naam", "weergavenaam", "fn", "contact",
        "contact name", "contactpersoon",
    ),
    Field.FIRST_NAME: (
        "first name", "given name", "firstname", "voornaam", "roepnaam", "n (given)",
    ),
    Field.MIDDLE_NAME: (
        "middle name", "additional name", "middelste naam", "tussenvoegsel", "tussenvoegsels", "n (additional)",
    ),
    Field.LAST_NAME: (
        "last name", "family name", "surname", "lastname", "achternaam", "familienaam", "n (family)",
    ),
    Field.EMAIL: (
        "e mail", "email", "e mail address", "email address", "e mail 2 address", "e mail 3 address",
        "e mail 1 value", "e mail 2 value", "e mail 3 value", "emailadres", "e mailadres", "e mailadres 2",
        "e mailadres 3", "e mail adres", "mail", "email (other)", "e mail (other)",
    ),
    Field.PHONE: (
        "phone", "telephone", "tel", "tel (other)", "mobile", "mobile phone", "business phone", "business phone 2",
        "primary phone", "company main phone", "home phone", "home phone 2", "other phone", "car phone",
        "phone 1 value", "phone 2 value", "phone 3 value", "telefoon", "telefoonnummer", "mobiel",
        "mobiele telefoon", "telefoon op werk", "telefoon op werk 2", "telefoon werk", "hoofdtelefoon",
        "hoofdtelefoon bedrijf", "telefoon thuis", "telefoon thuis 2", "andere telefoon", "autotelefoon",
    ),
    Field.ORGANISATION: (
        "organisation", "organization", "company", "organization 1 name", "organization name", "org",
        "organisatie", "bedrijf", "firma", "werkgever", "employer",
    ),
    Field.ROLE: (
        "role", "job title", "organization 1 title", "organization title", "title", "position", "function",
        "functie", "rol", "functietitel",
    ),
    Field.TAGS: (
        "tags", "categories", "category", "group membership", "labels", "groups", "categorieën", "categorieen",
        "categorie", "groepen", "trefwoorden",
    ),
    Field.NOTES: (
        "notes", "note", "notities", "notitie", "opmerkingen", "opmerking", "memo", "aantekeningen",
    ),
    Field.GENDER: ("gender", "sex", "geslacht", "gender identity"),
    Field.LAWFUL_BASIS: ("lawful basis", "legal basis", "grondslag", "rechtsgrond", "wettelijke grondslag"),
    Field.CONSENT_DATE: ("consent date", "date of consent", "toestemmingsdatum", "datum toestemming"),
}

# Outlook's "Title" is the salutation (Mr., Dr.), not the job; its "Job Title" is the role. A file with
# both columns is an Outlook file, and its "Title" is left out.
_SALUTATION_FILES = {"title": "job title"}


def normalise(heading: str) -> str:
    text = heading.replace("\ufeff", "").casefold().strip()
    text = re.sub(r"[-_:/.]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_LOOKUP: dict[str, Field] = {normalise(h): f for f, headings in _KNOWN.items() for h in headings}


def suggest(headers: Sequence[str]) -> list[Field]:
    """A field for every column (``Field.IGNORE`` when the heading is not recognised)."""
    keys = [normalise(h) for h in headers]
    own = {normalise(_(label)): f for f, label in FIELD_LABELS.items() if f is not Field.IGNORE}
    present = set(keys)
    fields = []
    for key in keys:
        if key in _SALUTATION_FILES and _SALUTATION_FILES[key] in present:
            fields.append(Field.IGNORE)
            continue
        fields.append(_LOOKUP.get(key) or own.get(key) or Field.IGNORE)
    return fields


def has_name(fields: Sequence[Field]) -> bool:
    return Field.NAME in fields or any(part in fields for part in NAME_PARTS)


def missing_name_message() -> str:
    return _("No column holds the name, which every person needs. Choose the column with the full name for "
             "'Name', or the columns with first and last names for 'First name' and 'Last name'.")
