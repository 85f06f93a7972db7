"""The usability study report: the analysis of the questionnaire and the interviews (``survey.analysis``)
as tables and charts. When any record counted is synthetic, the cover and every page say so."""

from __future__ import annotations

from sqlalchemy.orm import Session

from postapp.coretasks import CoreTask
from postapp.errors import NotFoundError
from postapp.i18n import _, format_number, format_percent
from postapp.reports import charts
from postapp.reports.fonts import register_fonts
from postapp.reports.options import PackContent, ReportOptions, in_language, post_defaults
from postapp.reports.style import Cell, Flowable, chapter, gap, heading, nothing, para, table
from postapp.survey.analysis import MEASURE_LABELS, MEASURES, Breakdown, Share, StudyAnalysis, analyse
from postapp.survey.form import Form

SUMMARY, TASKS, GROUPS, ACTIONS, SUPPORT, INTERVIEWS, OPEN = (
    "summary", "tasks", "groups", "actions", "support", "interviews", "open")
SECTIONS = (SUMMARY, TASKS, GROUPS, ACTIONS, SUPPORT, INTERVIEWS, OPEN)
QUOTE_CHARS = 600


def _share(share: Share) -> str:
    return format_percent(share.share)


def _of(share: Share) -> str:
    return _("{count} of {total}").format(count=format_number(share.positive), total=format_number(share.total))


def _percent(value: float) -> str:
    return format_percent(value)


def _summary(analysis: StudyAnalysis) -> list[Flowable]:
    story = chapter(_("Summary"))
    if analysis.is_synthetic:
        from postapp.survey.export import synthetic_notice

        story.append(para(synthetic_notice(analysis), bold=True))
    story.append(para(_("Responses analysed: {responses}. Interviews: {interviews}.").format(
        responses=format_number(analysis.respondents), interviews=format_number(analysis.interviews))))
    rows: list[list[str | Cell]] = [[Cell(_(MEASURE_LABELS[m])), _share(analysis.measures[m]),
                                     _of(analysis.measures[m])] for m in MEASURES]
    rows.append([Cell(_("Clear, workable and user-friendly"), bold=True), _share(analysis.all_three),
                 _of(analysis.all_three)])
    rows.append([Cell(_("Planned or took extra actions")), _share(analysis.extra_actions),
                 _of(analysis.extra_actions)])
    story.append(table([_("Finding"), _("Share"), _("Respondents")], rows, [260, 80, 140], numeric=(1, 2)))
    story.append(para(_("A rating of 4 or 5 on the five-point scale counts as yes.")))
    return story


def _tasks(analysis: StudyAnalysis) -> list[Flowable]:
    story = chapter(_("Ratings per core task"))
    rows: list[list[str | Cell]] = [
        [Cell(f"{task.number}. {_(task.label)}"),
         *(_share(analysis.per_task[(task.value, m)]) for m in MEASURES),
         _share(analysis.per_task_all_three[task.value])] for task in CoreTask]
    story.append(table([_("Core task"), *(_(MEASURE_LABELS[m]) for m in MEASURES), _("All three")], rows,
                       [122, 100, 100, 100, 60], numeric=(1, 2, 3, 4)))
    story += [gap(8), heading(_("Share rated 4 or 5, per core task and measure"), 2), charts.horizontal_bars(
        [_(task.label) for task in CoreTask],
        [(_(MEASURE_LABELS[m]), [analysis.per_task[(task.value, m)].share or 0.0 for task in CoreTask])
         for m in MEASURES], _percent, percent=True)]
    return story


def _breakdown_table(rows: list[Breakdown], first: str) -> Flowable:
    return table([first, _("Respondents"), _("Clear, workable and user-friendly"), _("Extra actions")],
                 [[Cell(row.label), format_number(row.respondents), _share(row.all_three), _share(row.extra_actions)]
                  for row in rows], [170, 90, 130, 92], numeric=(1, 2, 3))


def _groups(analysis: StudyAnalysis) -> list[Flowable]:
    story = [*chapter(_("Differences between posts")),
             para(_("Engagement varies between posts and depends largely on how active Dutch business is in the "
                    "country."))]
    story += [heading(_("By activity of Dutch business"), 2),
              _breakdown_table(analysis.by_activity, _("Activity of Dutch business")), gap(8),
              heading(_("Extra actions by activity of Dutch business"), 2),
              charts.horizontal_bars([row.label for row in analysis.by_activity],
                                     [(_("Planned or took extra actions"),
                                       [row.extra_actions.share or 0.0 for row in analysis.by_activity])],
                                     _percent, percent=True)]
    story += [heading(_("By region"), 2), _breakdown_table(analysis.by_region, _("Region"))]
    return story


def _actions(analysis: StudyAnalysis) -> list[Flowable]:
    story = [*chapter(_("Extra actions")), para(_("Planned or took extra actions: {share} ({count}).").format(
        share=_share(analysis.extra_actions), count=_of(analysis.extra_actions)))]
    story.append(table([_("Answer"), _("Respondents")],
                       [[Cell(c.label), format_number(c.count)] for c in analysis.action_status], [380, 100],
                       numeric=(1,)))
    story.append(heading(_("Actions taken or planned"), 2))
    if not analysis.actions_taken:
        return [*story, nothing(in_period=False)]
    acted = analysis.extra_actions.positive
    story.append(table([_("Action"), _("Respondents"), _("Share")],
                       [[Cell(c.label), format_number(c.count), format_percent(c.count / acted) if acted else "–"]
                        for c in analysis.actions_taken], [300, 90, 90], numeric=(1, 2)))
    return story


def _support(analysis: StudyAnalysis) -> list[Flowable]:
    story = chapter(_("Support wished for"))
    if not analysis.support_wished:
        return [*story, nothing(in_period=False)]
    total = analysis.support_respondents
    story.append(para(_("{count} respondents asked for support; most wished for first.").format(
        count=format_number(total))))
    story.append(charts.horizontal_bars([c.label for c in analysis.support_wished],
                                        [(_("Respondents"), [float(c.count) for c in analysis.support_wished])],
                                        lambda v: format_number(int(v))))
    story.append(table([_("Rank"), _("Support"), _("Respondents"), _("Share")],
                       [[format_number(rank), Cell(c.label), format_number(c.count),
                         format_percent(c.count / total) if total else "–"]
                        for rank, c in enumerate(analysis.support_wished, start=1)], [40, 260, 90, 90],
                       numeric=(0, 2, 3)))
    return story


def _interviews(analysis: StudyAnalysis) -> list[Flowable]:
    story = chapter(_("Interviews"))
    if not analysis.interviews:
        return [*story, nothing(in_period=False)]
    story.append(table([_("Theme"), _("Interviews")],
                       [[Cell(c.label), format_number(c.count)] for c in analysis.interview_themes], [380, 100],
                       numeric=(1,)))
    if analysis.interview_quotes:
        story.append(heading(_("Quotes"), 2))
        story.append(table([_("Post"), _("Quote")],
                           [[Cell(q.post_code), Cell(q.text[:QUOTE_CHARS])] for q in analysis.interview_quotes],
                           [70, 412]))
    return story


def _open(analysis: StudyAnalysis, form: Form, language: str) -> list[Flowable]:
    story = chapter(_("Open answers"))
    if not analysis.open_answers:
        return [*story, nothing(in_period=False)]

    def label(name: str) -> str:
        try:
            return form.label(form.question(name), language)
        except KeyError:
            return name

    story.append(table([_("Question"), _("Post"), _("Answer")],
                       [[Cell(label(a.question)), Cell(a.post_code), Cell(a.text[:QUOTE_CHARS])]
                        for a in analysis.open_answers], [120, 60, 302]))
    return story


def build_study(session: Session, options: ReportOptions) -> PackContent:
    from postapp.survey.export import synthetic_notice
    from postapp.survey.responses import STUDY_FORM_ID, form_of, latest_form

    with in_language(options.language):
        register_fonts()
        options = post_defaults(session, options)
        try:
            form: Form | None = form_of(latest_form(session, STUDY_FORM_ID))
        except NotFoundError:
            form = None  # no questionnaire yet: every section says nothing was recorded
        analysis = analyse(session, form, language=options.language) if form is not None else None
        story: list[Flowable] = []
        sections = [(SUMMARY, _summary), (TASKS, _tasks), (GROUPS, _groups), (ACTIONS, _actions),
                    (SUPPORT, _support), (INTERVIEWS, _interviews)]
        for key, make in sections:
            if options.wants(key):
                if analysis is None or not analysis.respondents:
                    story += [*chapter(_section_title(key)), nothing(in_period=False)]
                else:
                    story += make(analysis)
        if options.wants(OPEN):
            if analysis is None or form is None or not analysis.respondents:
                story += [*chapter(_section_title(OPEN)), nothing(in_period=False)]
            else:
                story += _open(analysis, form, options.language)
        return PackContent(kind="study", title=_("Usability study of the IMVO guidelines"),
                           subtitle=_("How posts rate the guidelines: clear, workable and user-friendly"),
                           story=story, synthetic_notice=synthetic_notice(analysis) if analysis else "",
                           post_name=options.post_name)


def _section_title(key: str) -> str:
    return {SUMMARY: _("Summary"), TASKS: _("Ratings per core task"), GROUPS: _("Differences between posts"),
            ACTIONS: _("Extra actions"), SUPPORT: _("Support wished for"), INTERVIEWS: _("Interviews"),
            OPEN: _("Open answers")}[key]
