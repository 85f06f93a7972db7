"""The report of one event or training: its programme, who took part by type of organisation, the
participants and the follow-ups.

When the activity is an event with a participant list, attendance counts those who attended, by type
of organisation and by gender (the letter asks for attention to gender equality); otherwise the report
can only count who was linked to the activity and says that gender was not recorded there.
"""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from postapp.domain import Activity, Event, OrganisationKind, ParticipantStatus, Person
from postapp.errors import NotFoundError, PostAppError
from postapp.i18n import _, format_date, format_number, ngettext
from postapp.reports import charts
from postapp.reports.company import yes_no
from postapp.reports.fonts import register_fonts
from postapp.reports.options import PackContent, ReportOptions, in_language, post_defaults
from postapp.reports.style import Cell, Flowable, chapter, facts, heading, nothing, para, table

PROGRAMME, ATTENDANCE, PARTICIPANTS, FOLLOW_UPS = "programme", "attendance", "participants", "follow_ups"
SECTIONS = (PROGRAMME, ATTENDANCE, PARTICIPANTS, FOLLOW_UPS)
EVENT_KINDS = ("event", "training")


def find_event(session: Session, reference: str) -> Activity:
    """The event or training with this id, or with exactly this title (ignoring case)."""
    try:
        found = session.get(Activity, uuid.UUID(reference.strip()))
    except ValueError:
        matches = list(session.scalars(select(Activity).where(
            Activity.title.ilike(reference.strip()), Activity.deleted_at.is_(None),
            Activity.kind.in_(EVENT_KINDS)).order_by(Activity.date.desc()).limit(6)))
        if len(matches) > 1:
            raise PostAppError(_("{count} events are called {title}; give the id of one: {ids}").format(
                count=len(matches), title=reference, ids=", ".join(
                    f"{a.id} ({a.date.isoformat()})" for a in matches[:5]))) from None
        found = matches[0] if matches else None
    if found is None or found.is_deleted:
        raise NotFoundError(_("There is no event or training {reference} in this data file.").format(
            reference=reference))
    if found.kind.value not in EVENT_KINDS:
        raise PostAppError(_("{title} is a {kind}, not an event or a training.").format(
            title=found.title, kind=_(found.kind.label).lower()))
    return found


def _programme(activity: Activity) -> list[Flowable]:
    story = [*chapter(_("Programme")), facts([
        (_("Title"), activity.title), (_("Date"), format_date(activity.date, "long")),
        (_("Kind"), _(activity.kind.label)), (_("Core task"), _(activity.core_task.label)),
        (_("Organisations"), "; ".join(sorted(o.name for o in activity.organisations if not o.is_deleted)) or "–")])]
    story.append(heading(_("Programme and notes"), 2))
    story.append(para(activity.notes) if activity.notes.strip() else nothing(in_period=False))
    story.append(heading(_("Outcome"), 2))
    story.append(para(activity.outcome) if activity.outcome.strip() else nothing(in_period=False))
    return story


def _event_of(session: Session, activity: Activity) -> Event | None:
    return session.scalar(select(Event).where(Event.activity_id == activity.id, Event.deleted_at.is_(None)))


def _listed(event: Event) -> list[tuple[Person, ParticipantStatus]]:
    return sorted(((p.person, p.status) for p in event.participants
                   if not p.is_deleted and not p.person.is_deleted), key=lambda ps: ps[0].name.casefold())


def _event_attendance(event: Event) -> list[Flowable]:
    from postapp.services.events import summarise

    story = chapter(_("Attendance"))
    listed = _listed(event)
    summary = summarise((status, person.organisation.kind if person.organisation is not None
                         and not person.organisation.is_deleted else None, person.gender)
                        for person, status in listed)
    story.append(para(_("On the list: {listed}; registered: {registered}; attended: {attended}.").format(
        listed=format_number(len(listed)), registered=format_number(summary.registered),
        attended=format_number(summary.attended))))
    if not summary.attended:
        return [*story, nothing(in_period=False)]
    for title, counts in ((_("Attended by type of organisation"), summary.by_organisation_kind),
                          (_("Attended by gender"), summary.by_gender)):
        story.append(heading(title, 2))
        rows: list[list[str | Cell]] = [[Cell(label), format_number(n)] for label, n in counts]
        rows.append([Cell(_("Total"), bold=True), format_number(summary.attended)])
        story.append(table([title, _("Participants")], rows, [300, 120], numeric=(1,)))
        story.append(charts.horizontal_bars([label for label, _n in counts],
                                            [(_("Participants"), [float(n) for _label, n in counts])],
                                            lambda v: format_number(int(v))))
    return story


def _participant_list(rows: list[tuple[Person, str]], third: str, options: ReportOptions
                      ) -> tuple[list[Flowable], int]:
    """Name, organisation and ``third`` (role or status) per person; sensitive persons left out and
    counted unless the user included them."""
    story = chapter(_("Participants"))
    shown = [(p, extra) for p, extra in rows if options.include_sensitive or not p.sensitive]
    left_out = len(rows) - len(shown)
    if left_out:
        story.append(para(ngettext("{count} sensitive contact left out.", "{count} sensitive contacts left out.",
                                   left_out).format(count=format_number(left_out)), bold=True))
    if not shown:
        return [*story, nothing(in_period=False)], left_out
    sensitive = _("sensitive")
    story.append(table([_("Name"), _("Organisation"), third],
                       [[Cell(f"{p.name} ({sensitive})" if p.sensitive else p.name, bold=p.sensitive),
                         Cell(p.organisation.name if p.organisation is not None else "–"), Cell(extra)]
                        for p, extra in shown], [165, 200, 117]))
    return story, left_out


def _event_participants(event: Event, options: ReportOptions) -> tuple[list[Flowable], int]:
    return _participant_list([(p, _(s.label)) for p, s in _listed(event)], _("Status"), options)


def _attendance(activity: Activity) -> list[Flowable]:
    story = chapter(_("Attendance"))
    persons = [p for p in activity.persons if not p.is_deleted]
    organisations = [o for o in activity.organisations if not o.is_deleted]
    no_org = _("No organisation")
    people: Counter[str] = Counter()
    for person in persons:
        org = person.organisation
        people[_(org.kind.label) if org is not None and not org.is_deleted else no_org] += 1
    orgs: Counter[str] = Counter(_(o.kind.label) for o in organisations)
    labels = [_(kind.label) for kind in OrganisationKind if _(kind.label) in people or _(kind.label) in orgs]
    if people[no_org]:
        labels.append(no_org)
    story.append(para(_("Attendance by gender: not recorded for an activity without a participant list."),
                      bold=True))
    if not labels:
        return [*story, nothing(in_period=False)]
    story.append(para(_("Participants linked to the activity, by the type of their organisation, and the "
                        "organisations linked to it.")))
    rows: list[list[str | Cell]] = [[Cell(label), format_number(people[label]), format_number(orgs[label])]
                                    for label in labels]
    rows.append([Cell(_("Total"), bold=True), format_number(len(persons)), format_number(len(organisations))])
    story.append(table([_("Type of organisation"), _("Participants"), _("Organisations")], rows, [260, 110, 110],
                       numeric=(1, 2)))
    story.append(heading(_("Participants by type of organisation"), 2))
    story.append(charts.horizontal_bars(labels, [(_("Participants"), [float(people[label]) for label in labels])],
                                        lambda v: format_number(int(v))))
    return story


def _participants(activity: Activity, options: ReportOptions) -> tuple[list[Flowable], int]:
    persons = sorted((p for p in activity.persons if not p.is_deleted), key=lambda p: p.name.casefold())
    return _participant_list([(p, p.role or "–") for p in persons], _("Role"), options)


def _follow_ups(activity: Activity) -> list[Flowable]:
    story = chapter(_("Follow-ups"))
    items = [f for f in activity.follow_ups if not f.is_deleted]
    if not items:
        return [*story, nothing(in_period=False)]
    open_items = sum(not f.done for f in items)
    story.append(para(ngettext("{count} follow-up still open.", "{count} follow-ups still open.", open_items).format(
        count=format_number(open_items))))
    story.append(table([_("Follow-up"), _("Owner"), _("Due"), _("Done")],
                       [[Cell(f.description), Cell(f.owner or "–"), Cell(format_date(f.due_date, "long") or "–"),
                         yes_no(f.done)] for f in items], [230, 100, 95, 57]))
    return story


def build_event(session: Session, options: ReportOptions) -> PackContent:
    with in_language(options.language):
        register_fonts()
        if options.event_id is None:
            raise PostAppError(_("Choose the event or training the report is about."))
        activity = find_event(session, str(options.event_id))
        options = post_defaults(session, options)
        event = _event_of(session, activity)
        story: list[Flowable] = []
        left_out = 0
        if options.wants(PROGRAMME):
            story += _programme(activity)
        if options.wants(ATTENDANCE):
            story += _attendance(activity) if event is None else _event_attendance(event)
        if options.wants(PARTICIPANTS):
            participants, left_out = (_participants(activity, options) if event is None
                                      else _event_participants(event, options))
            story += participants
        if options.wants(FOLLOW_UPS):
            story += _follow_ups(activity)
        kind = _("Training report") if activity.kind.value == "training" else _("Event report")
        return PackContent(kind="event", title=f"{kind}: {activity.title}",
                           subtitle=_(activity.core_task.label), story=story,
                           period=format_date(activity.date, "long"),
                           left_out_sensitive=left_out, post_name=options.post_name)
