"""The conversation brief for one organisation (usually a company): its profile, the IMVO risks of its
sector in the host country, its contacts, its history with the post (newest first) and its condition
checks with their outcome."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from postapp.conditions import risk_data
from postapp.conditions.models import ConditionCheck
from postapp.domain import Activity, Organisation, Person
from postapp.domain.activities import activity_organisation, activity_person
from postapp.errors import NotFoundError, PostAppError
from postapp.i18n import _, format_date, format_money, format_number, ngettext
from postapp.reports.fonts import clip, register_fonts
from postapp.reports.options import PackContent, ReportOptions, format_period, in_language, post_defaults
from postapp.reports.style import Cell, Flowable, chapter, facts, note, nothing, para, table

PROFILE, RISKS, CONTACTS, HISTORY, CHECKS = "profile", "risks", "contacts", "history", "checks"
SECTIONS = (PROFILE, RISKS, CONTACTS, HISTORY, CHECKS)
NOTES_CHARS = 400


def yes_no(value: bool | None) -> str:
    if value is None:
        return "–"
    return _("Yes") if value else _("No")


def find_organisation(session: Session, reference: str) -> Organisation:
    """The organisation with this id, or with exactly this name (ignoring case)."""
    try:
        found = session.get(Organisation, uuid.UUID(reference.strip()))
    except ValueError:
        matches = list(session.scalars(select(Organisation).where(
            Organisation.name.ilike(reference.strip()), Organisation.deleted_at.is_(None)).limit(6)))
        if len(matches) > 1:
            raise PostAppError(_("{count} organisations are called {name}; give the id of one: {ids}").format(
                count=len(matches), name=reference, ids=", ".join(str(o.id) for o in matches[:5]))) from None
        found = matches[0] if matches else None
    if found is None or found.is_deleted:
        raise NotFoundError(_("There is no organisation {reference} in this data file.").format(
            reference=reference))
    return found


def _date(value: dt.datetime | None) -> str:
    return format_date(value.date(), "long") if value else "–"


def _profile(org: Organisation, country_label: str) -> list[Flowable]:
    agreements = ", ".join(sorted(a.name for a in org.agreements)) or _("None")
    pairs = [
        (_("Name"), org.name), (_("Kind"), _(org.kind.label)), (_("Sector"), org.sector or "–"),
        (_("Country"), country_label or org.country or "–"),
        (_("Employees"), format_number(org.employees) or "–"),
        (_("Turnover"), format_money(org.turnover_eur) or "–"), (_("Assets"), format_money(org.assets_eur) or "–"),
        (_("Dutch company"), yes_no(org.dutch_affiliated)),
        (_("In the 90% target group"), yes_no(org.in_target_group)),
        (_("IMVO sector agreements"), agreements), (_("Website"), org.website or "–"),
    ]
    if org.notes.strip():
        pairs.append((_("Notes"), org.notes))
    return [*chapter(_("Profile")), facts(pairs),
            note(_("The 90% target group: at least 500 employees and more than € 20 million in assets or € 40 million "
                   "turnover."))]


def _risks(org: Organisation, country: str) -> list[Flowable]:
    story = chapter(_("IMVO risks of the sector"))
    try:
        reference = risk_data.load()
    except PostAppError as exc:
        return [*story, para(str(exc))]
    country_label = reference.country_label(country)
    risks = reference.lookup(country, org.sector) if org.sector else None
    if not risks:
        return [*story, para(_("The risk reference data does not cover the sector {sector} in {country}.").format(
            sector=org.sector or "–", country=country_label))]
    key = reference.sector_key(org.sector) or org.sector
    story.append(para(_("{sector} in {country}, from the reference data in the shape of the CSR Risk Check.").format(
        sector=reference.sector_label(key), country=country_label)))
    levels = {"high": _("high"), "medium": _("medium"), "low": _("low")}
    rows: list[list[str | Cell]] = [
        [Cell(reference.theme_label(r.theme), bold=r.level == "high"), Cell(levels[r.level], bold=r.level == "high"),
         Cell("{text}\n{label} {advice}".format(text=risk_data.pick(r.text), label=_("Advice:"),
                                                  advice=risk_data.pick(r.advice))),
         Cell(f"{r.source} ({r.year})" if r.year else r.source)]
        for r in sorted(risks, key=lambda r: ("high", "medium", "low").index(r.level))]
    story.append(table([_("Theme"), _("Level"), _("Risk and advice"), _("Source")], rows, [78, 58, 246, 100]))
    return [*story, note(risk_data.pick(reference.note))]


def _contacts(session: Session, org: Organisation, options: ReportOptions) -> tuple[list[Flowable], int]:
    story = chapter(_("Contacts"))
    people = list(session.scalars(select(Person).where(Person.organisation_id == org.id, Person.deleted_at.is_(None))
                                  .order_by(Person.name)))
    shown = [p for p in people if options.include_sensitive or not p.sensitive]
    left_out = len(people) - len(shown)
    if left_out:
        story.append(para(ngettext("{count} sensitive contact left out.", "{count} sensitive contacts left out.",
                                   left_out).format(count=format_number(left_out)), bold=True))
    if not shown:
        return [*story, nothing(in_period=False)], left_out
    sensitive = _("sensitive")
    story.append(table([_("Name"), _("Role"), _("E-mail")],
                       [[Cell(f"{p.name} ({sensitive})" if p.sensitive else p.name, bold=p.sensitive), Cell(p.role),
                         Cell(p.email or "–")] for p in shown], [170, 140, 172]))
    return story, left_out


def _history(session: Session, org: Organisation, options: ReportOptions) -> list[Flowable]:
    story = chapter(_("History with the post"))
    via_person = select(activity_person.c.activity_id).join(Person, Person.id == activity_person.c.person_id).where(
        Person.organisation_id == org.id)
    direct = select(activity_organisation.c.activity_id).where(activity_organisation.c.organisation_id == org.id)
    query = select(Activity).where(Activity.deleted_at.is_(None),
                                   or_(Activity.id.in_(direct), Activity.id.in_(via_person)))
    if options.date_from:
        query = query.where(Activity.date >= options.date_from)
    if options.date_to:
        query = query.where(Activity.date <= options.date_to)
    activities = list(session.scalars(query.order_by(Activity.date.desc(), Activity.title)))
    if not activities:
        return [*story, nothing(in_period=bool(options.date_from or options.date_to))]
    story.append(para(ngettext("{count} activity, newest first.", "{count} activities, newest first.",
                               len(activities)).format(count=format_number(len(activities)))))
    rows: list[list[str | Cell]] = []
    for activity in activities:
        text = activity.title
        if activity.outcome.strip():
            text += "\n" + _("Outcome: {outcome}").format(outcome=clip(activity.outcome.strip(), NOTES_CHARS))
        rows.append([Cell(format_date(activity.date, "long")), Cell(_(activity.core_task.label)),
                     Cell(_(activity.kind.label)), Cell(text)])
    story.append(table([_("Date"), _("Core task"), _("Kind"), _("Activity")], rows, [78, 92, 86, 226]))
    return story


def _checks(session: Session, org: Organisation) -> list[Flowable]:
    story = chapter(_("Condition checks"))
    checks = list(session.scalars(select(ConditionCheck).where(
        ConditionCheck.organisation_id == org.id, ConditionCheck.deleted_at.is_(None))
        .options(selectinload(ConditionCheck.steps))
        .order_by(ConditionCheck.created_at.desc(), ConditionCheck.version.desc())))
    if not checks:
        return [*story, nothing(in_period=False)]
    rows: list[list[str | Cell]] = []
    for check in checks:
        decision = _(check.decision.label) if check.decision else "–"
        if check.conditions:
            decision += "\n" + "\n".join(f"• {c}" for c in check.conditions)
        decided = "–"
        if check.decided_at:
            decided = f"{_date(check.decided_at)}\n{check.decided_by}"
        confirmed = "–"
        if check.confirmed_at:
            confirmed = f"{_date(check.confirmed_at)}\n{check.confirmed_by}"
        rows.append([Cell(_date(check.created_at)), Cell(_(check.support_kind.label)), format_number(check.version),
                     Cell(_(check.status.label)), Cell(_(check.risk_level.label) if check.risk_level else "–"),
                     Cell(decision), Cell(decided), Cell(confirmed)])
    story.append(table([_("Started"), _("Support"), _("Version"), _("Status"), _("Risk level"), _("Decision"),
                        _("Decided"), _("Confirmed")], rows, [58, 78, 38, 62, 67, 71, 54, 54], numeric=(2,)))
    return story


def build_company(session: Session, options: ReportOptions) -> PackContent:
    with in_language(options.language):
        register_fonts()
        if options.company_id is None:
            raise PostAppError(_("Choose the organisation the brief is about."))
        org = find_organisation(session, str(options.company_id))
        options = post_defaults(session, options)
        if options.date_from and options.date_to and options.date_from > options.date_to:
            raise PostAppError(_("The period starts after it ends."))
        try:
            country_label = risk_data.load().country_label(org.country) if org.country else ""
        except PostAppError:
            country_label = org.country
        story: list[Flowable] = []
        left_out = 0
        if options.wants(PROFILE):
            story += _profile(org, country_label)
        if options.wants(RISKS):
            story += _risks(org, options.country)
        if options.wants(CONTACTS):
            contacts, left_out = _contacts(session, org, options)
            story += contacts
        if options.wants(HISTORY):
            story += _history(session, org, options)
        if options.wants(CHECKS):
            story += _checks(session, org)
        period = format_period(options.date_from, options.date_to)
        return PackContent(kind="company", title=_("Conversation brief: {name}").format(name=org.name),
                           subtitle=_("Profile, history with the post and IMVO condition checks"), story=story,
                           period=period, left_out_sensitive=left_out, post_name=options.post_name)
