"""Creating, editing and (softly) deleting the post's organisations and persons.

Deletion is soft (``deleted_at``) so a deletion can later travel to HQ as a change and can be undone
from a backup; soft-deleted records disappear from lists and search.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from postapp.domain import Gender, LawfulBasis, Organisation, OrganisationKind, Person, SectorAgreement, Tag
from postapp.i18n import _
from postapp.services.records import get_live, soft_delete
from postapp.services.validation import Checker


@dataclass
class PersonData:
    """What a person form (or an import row) holds, as typed."""

    name: str = ""
    email: str = ""
    phone: str = ""
    role: str = ""
    organisation_id: uuid.UUID | None = None
    notes: str = ""
    sensitive: bool = False
    tags: list[str] = field(default_factory=list)
    gender: str | Gender = Gender.UNKNOWN
    lawful_basis: str | LawfulBasis = LawfulBasis.UNKNOWN
    consent_date: str | dt.date | None = None  # as typed (ISO or the locale's short form), or a date


@dataclass
class OrganisationData:
    name: str = ""
    kind: str | OrganisationKind = OrganisationKind.COMPANY
    sector: str = ""
    country: str = ""
    employees: str | int | None = None
    turnover_eur: str | int | Decimal | None = None
    assets_eur: str | int | Decimal | None = None
    dutch_affiliated: bool = False
    website: str = ""
    notes: str = ""
    agreements: list[str] = field(default_factory=list)


def _tags(session: Session, names: list[str], post_code: str) -> list[Tag]:
    wanted = sorted({n.strip() for n in names if n.strip()}, key=str.casefold)
    if not wanted:
        return []
    existing = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(wanted)))}
    tags = []
    for name in wanted:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name, post_code=post_code)
            session.add(tag)
        tags.append(tag)
    return tags


def _lawful_basis(check: Checker, data: PersonData) -> tuple[Gender, LawfulBasis, dt.date | None]:
    """GDPR art. 6 and 7: consent must be provable, so a consent basis needs the date it was given."""
    try:
        gender = Gender(data.gender)
    except ValueError:
        check.fail("gender", _("Choose the gender from the list, or leave it not recorded."))
        gender = Gender.UNKNOWN
    try:
        basis = LawfulBasis(data.lawful_basis)
    except ValueError:
        check.fail("lawful_basis", _("Choose the lawful basis from the list."))
        basis = LawfulBasis.UNKNOWN
    consent = check.date("consent_date", data.consent_date, _("Consent date"), required=False)
    if basis == LawfulBasis.CONSENT and consent is None and "consent_date" not in check.errors:
        check.fail("consent_date", _("Enter the date the person gave consent: it is the lawful basis."))
    if consent is not None and consent > dt.date.today():
        check.fail("consent_date", _("The consent date cannot be in the future."))
    return gender, basis, consent


def _apply_person(session: Session, person: Person, data: PersonData, post_code: str) -> None:
    check = Checker()
    name = check.required("name", data.name, _("Name"), 200)
    email = check.email("email", data.email)
    phone = check.text("phone", data.phone, _("Phone"), 60)
    role = check.text("role", data.role, _("Role"), 200)
    notes = check.notes("notes", data.notes, _("Notes"))
    for tag in data.tags:
        check.text("tags", tag, _("Tag"), 80)
    gender, basis, consent = _lawful_basis(check, data)
    if data.organisation_id is not None:
        org = session.get(Organisation, data.organisation_id)
        if org is None or org.is_deleted:
            check.fail("organisation", _("The chosen organisation no longer exists."))
    check.done()
    person.name, person.email, person.phone, person.role, person.notes = name, email, phone, role, notes
    person.gender, person.lawful_basis, person.consent_date = gender, basis, consent
    person.organisation_id = data.organisation_id
    person.sensitive = data.sensitive
    person.tags = _tags(session, data.tags, post_code)


def create_person(session: Session, data: PersonData, post_code: str = "") -> Person:
    person = Person(post_code=post_code)
    _apply_person(session, person, data, post_code)
    session.add(person)
    session.flush()
    return person


def get_person(session: Session, person_id: uuid.UUID) -> Person:
    return get_live(session, Person, person_id, _("This person no longer exists."))


def update_person(session: Session, person_id: uuid.UUID, data: PersonData) -> Person:
    person = get_person(session, person_id)
    _apply_person(session, person, data, person.post_code)
    session.flush()
    return person


def delete_person(session: Session, person_id: uuid.UUID) -> None:
    soft_delete(session, get_person(session, person_id))


def person_data(person: Person) -> PersonData:
    """The editable view of a stored person, to fill a form."""
    return PersonData(
        name=person.name, email=person.email, phone=person.phone, role=person.role,
        organisation_id=person.organisation_id, notes=person.notes, sensitive=person.sensitive,
        tags=[t.name for t in person.tags], gender=person.gender, lawful_basis=person.lawful_basis,
        consent_date=person.consent_date,
    )


def _kind(check: Checker, value: str | OrganisationKind) -> OrganisationKind:
    try:
        return OrganisationKind(value)
    except ValueError:
        check.fail("kind", _("Choose the kind of organisation."))
        return OrganisationKind.COMPANY


def _agreements(session: Session, names: list[str], post_code: str) -> list[SectorAgreement]:
    wanted = sorted({n.strip() for n in names if n.strip()})
    existing = {a.name: a for a in session.scalars(select(SectorAgreement).where(SectorAgreement.name.in_(wanted)))}
    result = []
    for name in wanted:
        agreement = existing.get(name)
        if agreement is None:
            agreement = SectorAgreement(name=name, post_code=post_code)
            session.add(agreement)
        result.append(agreement)
    return result


def _apply_organisation(session: Session, org: Organisation, data: OrganisationData, post_code: str) -> None:
    # Everything is checked before anything is assigned: a rejected edit leaves the record as it was.
    check = Checker()
    name = check.required("name", data.name, _("Name"), 300)
    kind = _kind(check, data.kind)
    sector = check.text("sector", data.sector, _("Sector"), 120)
    country = check.country("country", data.country)
    employees = check.integer("employees", data.employees, _("Employees"))
    turnover = check.amount("turnover_eur", data.turnover_eur, _("Turnover"))
    assets = check.amount("assets_eur", data.assets_eur, _("Assets"))
    website = check.text("website", data.website, _("Website"), 300)
    notes = check.notes("notes", data.notes, _("Notes"))
    for agreement in data.agreements:
        check.text("agreements", agreement, _("Sector agreement"), 200)
    check.done()
    org.name, org.kind, org.sector, org.country, org.website, org.notes = name, kind, sector, country, website, notes
    org.employees, org.turnover_eur, org.assets_eur = employees, turnover, assets
    org.dutch_affiliated = data.dutch_affiliated
    org.agreements = _agreements(session, data.agreements, post_code)


def create_organisation(session: Session, data: OrganisationData, post_code: str = "") -> Organisation:
    org = Organisation(post_code=post_code)
    # Validate before adding so a rejected form leaves nothing pending in the session.
    _apply_organisation(session, org, data, post_code)
    session.add(org)
    session.flush()
    return org


def get_organisation(session: Session, org_id: uuid.UUID) -> Organisation:
    return get_live(session, Organisation, org_id, _("This organisation no longer exists."))


def update_organisation(session: Session, org_id: uuid.UUID, data: OrganisationData) -> Organisation:
    org = get_organisation(session, org_id)
    _apply_organisation(session, org, data, org.post_code)
    session.flush()
    return org


def delete_organisation(session: Session, org_id: uuid.UUID) -> None:
    """Soft-deletes the organisation; its persons stay, without an organisation."""
    org = get_organisation(session, org_id)
    for person in session.scalars(select(Person).where(Person.organisation_id == org_id)):
        person.organisation_id = None
    soft_delete(session, org)


def organisation_data(org: Organisation) -> OrganisationData:
    return OrganisationData(
        name=org.name, kind=org.kind, sector=org.sector, country=org.country, employees=org.employees,
        turnover_eur=org.turnover_eur, assets_eur=org.assets_eur, dutch_affiliated=org.dutch_affiliated,
        website=org.website, notes=org.notes, agreements=[a.name for a in org.agreements],
    )


def organisation_choices(session: Session) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of every live organisation, for a picker."""
    rows = session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.deleted_at.is_(None))
        .order_by(Organisation.name.collate("NOCASE"))
    )
    return [(r[0], r[1]) for r in rows]
