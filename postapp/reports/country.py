"""The country briefing: the host country's IMVO risk profile, the post's work per core task over the
period, coming events, the stakeholders the post works with most, and good examples from the guidelines.

Gathering (``gather``, queries only) and laying out (``render``) are separate, so the benchmark can time
the layout against plain ReportLab on the very same figures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from postapp.conditions import risk_data
from postapp.coretasks import CoreTask
from postapp.domain import Activity, ActivityKind, Organisation, OrganisationKind, Person
from postapp.domain.activities import activity_organisation, activity_person
from postapp.errors import PostAppError
from postapp.i18n import _, format_date, format_number, format_percent, ngettext
from postapp.reports import charts
from postapp.reports.fonts import register_fonts
from postapp.reports.options import PackContent, ReportOptions, format_period, in_language, post_defaults
from postapp.reports.style import (
    LEVEL_FILL,
    Cell,
    Flowable,
    chapter,
    gap,
    heading,
    note,
    nothing,
    para,
    table,
    together,
)

RISK, WORK, EVENTS, STAKEHOLDERS, EXAMPLES = "risk", "work", "events", "stakeholders", "examples"
SECTIONS = (RISK, WORK, EVENTS, STAKEHOLDERS, EXAMPLES)
EVENT_KINDS = (ActivityKind.EVENT, ActivityKind.TRAINING)
UPCOMING_DAYS = 90
MAX_MONTH_BARS = 25
LEVELS = ("high", "medium", "low")


class Upcoming(NamedTuple):
    date: dt.date
    title: str
    kind: ActivityKind
    task: CoreTask
    organisations: str


class OrgRow(NamedTuple):
    name: str
    kind: OrganisationKind
    sector: str
    activities: int


class PersonRow(NamedTuple):
    name: str
    organisation: str
    role: str
    sensitive: bool
    activities: int


class RiskRow(NamedTuple):
    sector: str
    risks: tuple[risk_data.Risk, ...]


class ExampleRow(NamedTuple):
    task: CoreTask
    title: str
    text: str
    post: str


@dataclass
class CountryData:
    country: str
    country_label: str
    start: dt.date
    end: dt.date
    risk_problem: str = ""
    risk_note: str = ""
    headings: dict[str, str] = field(default_factory=dict)  # heading key -> label
    theme_heading: dict[str, str] = field(default_factory=dict)  # theme key -> heading key
    theme_labels: dict[str, str] = field(default_factory=dict)
    risks: list[RiskRow] = field(default_factory=list)
    task_kind: Counter[tuple[CoreTask, ActivityKind]] = field(default_factory=Counter)
    months: list[tuple[dt.date, int]] = field(default_factory=list)
    upcoming: list[Upcoming] = field(default_factory=list)
    organisations: list[OrgRow] = field(default_factory=list)
    organisation_kinds: Counter[OrganisationKind] = field(default_factory=Counter)
    persons: list[PersonRow] = field(default_factory=list)
    left_out_sensitive: int = 0
    examples: list[ExampleRow] = field(default_factory=list)
    examples_problem: str = ""

    @property
    def activities(self) -> int:
        return sum(self.task_kind.values())


def period_of(options: ReportOptions) -> tuple[dt.date, dt.date]:
    """The options' period; by default the twelve months up to the day the pack is made."""
    end = options.date_to or options.day
    start = options.date_from or end - dt.timedelta(days=364)
    return start, end


def _months(start: dt.date, end: dt.date, dates: list[dt.date]) -> list[tuple[dt.date, int]]:
    counts = Counter(d.replace(day=1) for d in dates)
    month, last, out = start.replace(day=1), end.replace(day=1), []
    while month <= last:
        out.append((month, counts.get(month, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def _gather_risks(data: CountryData, details: bool) -> None:
    try:
        reference = risk_data.load()
    except PostAppError as exc:
        data.risk_problem = str(exc)
        return
    data.country_label = reference.country_label(data.country)
    if not details:
        return
    data.risk_note = risk_data.pick(reference.note)
    data.headings = {key: risk_data.pick(label) for key, label in reference.headings.items()}
    data.theme_heading = {key: theme.get("heading", "") for key, theme in reference.themes.items()}
    data.theme_labels = {key: reference.theme_label(key) for key in reference.themes}
    data.risks = [RiskRow(reference.sector_label(sector), risks)
                  for (country, sector), risks in reference.profiles.items() if country == data.country]


def _gather_work(session: Session, data: CountryData, today: dt.date) -> None:
    in_period = (Activity.deleted_at.is_(None), Activity.date >= data.start, Activity.date <= data.end)
    dates = []
    for task, kind, date in session.execute(select(Activity.core_task, Activity.kind, Activity.date).where(*in_period)):
        data.task_kind[(task, kind)] += 1
        dates.append(date)
    data.months = _months(data.start, data.end, dates)

    horizon = max(data.end, today + dt.timedelta(days=UPCOMING_DAYS))
    events = list(session.execute(
        select(Activity.id, Activity.date, Activity.title, Activity.kind, Activity.core_task)
        .where(Activity.deleted_at.is_(None), Activity.kind.in_(EVENT_KINDS), Activity.date > today,
               Activity.date <= horizon)
        .order_by(Activity.date, Activity.title)))
    names: dict[Any, list[str]] = {}
    if events:
        rows = session.execute(
            select(activity_organisation.c.activity_id, Organisation.name)
            .join(Organisation, Organisation.id == activity_organisation.c.organisation_id)
            .where(activity_organisation.c.activity_id.in_([e.id for e in events]),
                   Organisation.deleted_at.is_(None))
            .order_by(Organisation.name))
        for activity_id, name in rows:
            names.setdefault(activity_id, []).append(name)
    data.upcoming = [Upcoming(e.date, e.title, e.kind, e.core_task, "; ".join(names.get(e.id, [])))
                     for e in events]


def _gather_stakeholders(session: Session, data: CountryData, options: ReportOptions) -> None:
    in_period = (Activity.deleted_at.is_(None), Activity.date >= data.start, Activity.date <= data.end)
    links = func.count(Activity.id)
    org_links = (select(Organisation.id, Organisation.name, Organisation.kind, Organisation.sector, links.label("n"))
                 .join(activity_organisation, activity_organisation.c.organisation_id == Organisation.id)
                 .join(Activity, Activity.id == activity_organisation.c.activity_id)
                 .where(*in_period, Organisation.deleted_at.is_(None))
                 .group_by(Organisation.id))
    data.organisations = [OrgRow(r.name, r.kind, r.sector, r.n) for r in session.execute(
        org_links.order_by(links.desc(), Organisation.name).limit(options.max_rows))]
    involved = org_links.subquery()
    data.organisation_kinds = Counter({kind: n for kind, n in session.execute(
        select(involved.c.kind, func.count()).group_by(involved.c.kind))})

    person_links = (select(Person.name, Organisation.name.label("organisation"), Person.role, Person.sensitive,
                           links.label("n"))
                    .join(activity_person, activity_person.c.person_id == Person.id)
                    .join(Activity, Activity.id == activity_person.c.activity_id)
                    .outerjoin(Organisation, Organisation.id == Person.organisation_id)
                    .where(*in_period, Person.deleted_at.is_(None))
                    .group_by(Person.id))
    if not options.include_sensitive:
        data.left_out_sensitive = session.scalar(
            select(func.count(func.distinct(Person.id)))
            .join(activity_person, activity_person.c.person_id == Person.id)
            .join(Activity, Activity.id == activity_person.c.activity_id)
            .where(*in_period, Person.deleted_at.is_(None), Person.sensitive.is_(True))) or 0
        person_links = person_links.where(Person.sensitive.is_(False))
    data.persons = [PersonRow(r.name, r.organisation or "", r.role, bool(r.sensitive), r.n) for r in session.execute(
        person_links.order_by(links.desc(), Person.name).limit(options.max_rows))]


def _gather_examples(data: CountryData, language: str) -> None:
    from postapp import guidelines

    try:
        for task in CoreTask:
            for example in guidelines.load(task).examples:
                data.examples.append(ExampleRow(task, guidelines.pick(example.title, language),
                                                guidelines.pick(example.text, language), example.post))
    except PostAppError as exc:
        data.examples_problem = str(exc)


def gather(session: Session, options: ReportOptions) -> CountryData:
    """Every figure the briefing shows; ``options`` should already carry the post's defaults."""
    start, end = period_of(options)
    if start > end:
        raise PostAppError(_("The period starts after it ends."))
    data = CountryData(options.country, options.country, start, end)
    _gather_risks(data, details=options.wants(RISK))
    if options.wants(WORK) or options.wants(EVENTS):
        _gather_work(session, data, options.day)
    if options.wants(STAKEHOLDERS):
        _gather_stakeholders(session, data, options)
    if options.wants(EXAMPLES):
        _gather_examples(data, options.language)
    return data


# -- layout ------------------------------------------------------------------------------------------------


def _risk_section(data: CountryData) -> list[Flowable]:
    story = [*chapter(_("Risk profile of {country}").format(country=data.country_label))]
    if data.risk_problem:
        return [*story, para(data.risk_problem)]
    if not data.risks:
        return [*story, para(_("The risk reference data does not cover {country} yet.").format(
            country=data.country_label))]
    story.append(para(_("Risks per sector in {country}, grouped under the four headings of the CSR Risk Check. "
                        "Shading and bold mark high risks; the level follows each theme.").format(
                            country=data.country_label)))
    headings = list(data.headings)
    rows: list[list[str | Cell]] = []
    fills = []
    level_counts = {level: Counter[str]() for level in LEVELS}
    names = {"high": _("high"), "medium": _("medium"), "low": _("low")}
    for index, row in enumerate(data.risks):
        cells: list[str | Cell] = [Cell(row.sector, bold=True)]
        for column, key in enumerate(headings, start=1):
            risks = [r for r in row.risks if data.theme_heading.get(r.theme) == key]
            risks.sort(key=lambda r: LEVELS.index(r.level))
            lines = [f"{data.theme_labels.get(r.theme, r.theme)}: {names[r.level]}" for r in risks]
            cells.append(Cell("\n".join(lines) or "–"))
            if risks:
                fills.append((column, index, LEVEL_FILL[risks[0].level]))
            for risk in risks:
                level_counts[risk.level][key] += 1
        rows.append(cells)
    story.append(table([_("Sector"), *(data.headings[k] for k in headings)], rows, [102, 98, 98, 86, 98],
                       fills=fills))
    levels = [level for level in LEVELS if level_counts[level]]
    story += [gap(10), heading(_("Risks per heading, all sectors"), 2), charts.horizontal_bars(
        [data.headings[k] for k in headings],
        [(names[level], [float(level_counts[level][k]) for k in headings]) for level in levels], _count)]
    high = [(row.sector, risk) for row in data.risks for risk in row.risks if risk.level == "high"]
    story.append(heading(_("High risks: what to ask"), 2))
    if not high:
        story.append(para(_("No sector has a high risk in the reference data.")))
    else:
        detail = [[Cell(sector), Cell(data.theme_labels.get(r.theme, r.theme)),
                   Cell("{text}\n{label} {advice}".format(text=risk_data.pick(r.text), label=_("Advice:"),
                                                          advice=risk_data.pick(r.advice))),
                   Cell(f"{r.source} ({r.year})" if r.year else r.source)]
                  for sector, r in high]
        story.append(table([_("Sector"), _("Theme"), _("Risk and advice"), _("Source")], detail,
                           [70, 70, 240, 102]))
    if data.risk_note:
        story += [gap(4), note(data.risk_note)]
    return story


def _count(value: float) -> str:
    return format_number(int(value))


def _work_section(data: CountryData) -> list[Flowable]:
    story = [*chapter(_("The post's work per core task"))]
    total = data.activities
    if not total:
        return [*story, nothing()]
    story.append(para(ngettext("{count} activity recorded from {start} to {end}.",
                               "{count} activities recorded from {start} to {end}.", total).format(
        count=format_number(total), start=format_date(data.start, "long"), end=format_date(data.end, "long"))))
    per_task = Counter[CoreTask]()
    per_kind = Counter[ActivityKind]()
    for (task, kind), n in data.task_kind.items():
        per_task[task] += n
        per_kind[kind] += n
    rows: list[list[str | Cell]] = [[Cell(f"{task.number}. {_(task.label)}"), format_number(per_task[task]),
                                     format_percent(per_task[task] / total)] for task in CoreTask]
    rows.append([Cell(_("Total"), bold=True), format_number(total), format_percent(1)])
    story.append(table([_("Core task"), _("Activities"), _("Share")], rows, [300, 90, 90], numeric=(1, 2)))
    story += [gap(8), heading(_("Activities per core task"), 2), charts.horizontal_bars(
        [_(task.label) for task in CoreTask], [(_("Activities"), [float(per_task[t]) for t in CoreTask])], _count)]
    kinds = [kind for kind in ActivityKind if per_kind[kind]]
    story += [heading(_("Activities per kind and core task"), 2), table(
        [_("Kind"), *(str(task.number) for task in CoreTask), _("Total")],
        [[Cell(_(kind.label)), *(format_number(data.task_kind[(task, kind)]) for task in CoreTask),
          format_number(per_kind[kind])] for kind in kinds],
        [152, 55, 55, 55, 55, 55, 55], numeric=tuple(range(1, len(CoreTask) + 2))),
        note(_("Core tasks: {tasks}").format(tasks="; ".join(f"{t.number} {_(t.label)}" for t in CoreTask)))]
    story += [gap(8), heading(_("Activities per kind"), 2), charts.horizontal_bars(
        [_(kind.label) for kind in kinds], [(_("Activities"), [float(per_kind[k]) for k in kinds])], _count)]
    if len(data.months) <= MAX_MONTH_BARS:
        story += [heading(_("Activities per month"), 2), charts.vertical_bars(
            [format_date(month, "MMM yy") for month, _n in data.months], [float(n) for _m, n in data.months], _count)]
    else:  # a long period: quarters keep the bars wide enough to read
        quarters = Counter[dt.date]()
        for month, n in data.months:
            quarters[month.replace(month=(month.month - 1) // 3 * 3 + 1)] += n
        story += [heading(_("Activities per quarter"), 2), charts.vertical_bars(
            [format_date(q, "QQQ yyyy") for q in sorted(quarters)], [float(quarters[q]) for q in sorted(quarters)],
            _count)]
    return story


def _events_section(data: CountryData, today: dt.date) -> list[Flowable]:
    story = [*chapter(_("Coming events and trainings"))]
    horizon = max(data.end, today + dt.timedelta(days=UPCOMING_DAYS))
    story.append(para(_("Events and trainings dated after {today} up to {until}.").format(
        today=format_date(today, "long"), until=format_date(horizon, "long"))))
    if not data.upcoming:
        return [*story, nothing()]
    story.append(table([_("Date"), _("Activity"), _("Kind"), _("Core task"), _("Organisations")],
                       [[Cell(format_date(e.date, "long")), Cell(e.title), Cell(_(e.kind.label)),
                         Cell(_(e.task.label)), Cell(e.organisations or "–")] for e in data.upcoming],
                       [80, 150, 64, 85, 103]))
    return story


def _stakeholders_section(data: CountryData, options: ReportOptions) -> list[Flowable]:
    story = [*chapter(_("Key stakeholders")),
             para(_("The organisations and people linked to most of the post's activities in the period."))]
    story.append(heading(_("Organisations"), 2))
    if data.organisations:
        kinds = [kind for kind in OrganisationKind if data.organisation_kinds[kind]]
        story.append(charts.horizontal_bars([_(k.label) for k in kinds], [(_("Organisations involved"), [
            float(data.organisation_kinds[k]) for k in kinds])], _count))
        story.append(table([_("Organisation"), _("Kind"), _("Sector"), _("Activities")],
                           [[Cell(o.name), Cell(_(o.kind.label)), Cell(o.sector), format_number(o.activities)]
                            for o in data.organisations], [210, 104, 104, 64], numeric=(3,)))
    else:
        story.append(nothing())
    story.append(heading(_("People"), 2))
    if data.left_out_sensitive:
        story.append(para(ngettext("{count} sensitive contact left out (human rights defenders, trade unionists).",
                                   "{count} sensitive contacts left out (human rights defenders, trade unionists).",
                                   data.left_out_sensitive).format(count=format_number(data.left_out_sensitive)),
                          bold=True))
    if options.include_sensitive and any(p.sensitive for p in data.persons):
        story.append(para(_("This pack includes sensitive contacts, marked below. Do not share it outside the "
                            "post."), bold=True))
    if data.persons:
        sensitive = _("sensitive")
        story.append(table([_("Name"), _("Organisation"), _("Role"), _("Activities")],
                           [[Cell(f"{p.name} ({sensitive})" if p.sensitive else p.name, bold=p.sensitive),
                             Cell(p.organisation or "–"), Cell(p.role), format_number(p.activities)]
                            for p in data.persons], [138, 186, 94, 64], numeric=(3,)))
    else:
        story.append(nothing())
    return story


def _examples_section(data: CountryData) -> list[Flowable]:
    story = [*chapter(_("Good examples")),
             note(_("Examples curated by headquarters with the guidelines; examples proposed by posts are not yet "
                    "collected in the app."))]
    if data.examples_problem:
        return [*story, para(data.examples_problem)]
    if not data.examples:
        return [*story, nothing(in_period=False)]
    current = None
    for example in data.examples:
        if example.task is not current:
            current = example.task
            story.append(heading(f"{example.task.number}. {_(example.task.label)}", 2))
        parts = [para(example.title, bold=True), para(example.text)]
        if example.post:
            parts.append(note(example.post))
        story.append(together(*parts))
    return story


def render(data: CountryData, options: ReportOptions) -> list[Flowable]:
    story: list[Flowable] = []
    if options.wants(RISK):
        story += _risk_section(data)
    if options.wants(WORK):
        story += _work_section(data)
    if options.wants(EVENTS):
        story += _events_section(data, options.day)
    if options.wants(STAKEHOLDERS):
        story += _stakeholders_section(data, options)
    if options.wants(EXAMPLES):
        story += _examples_section(data)
    return story


def build_country(session: Session, options: ReportOptions) -> PackContent:
    with in_language(options.language):
        register_fonts()
        options = post_defaults(session, options)
        data = gather(session, options)
        story = render(data, options)
        return PackContent(
            kind="country", title=_("Country briefing: {country}").format(country=data.country_label),
            subtitle=_("IMVO risks, the post's work and its stakeholders"), story=story,
            period=format_period(data.start, data.end),
            left_out_sensitive=data.left_out_sensitive, post_name=options.post_name)
