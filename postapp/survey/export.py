"""The study's analysis as a table anyone can open: CSV for other tools, XLSX for people.

One tidy table (section, item, group, count, total, share) so the figures can be pivoted or charted
elsewhere; synthetic data says so on every row and at the top of every sheet.
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from postapp.errors import PostAppError
from postapp.i18n import _, format_percent
from postapp.survey.analysis import MEASURE_LABELS, TASKS, Share, StudyAnalysis

HEADER = ("section", "item", "group", "count", "total", "share", "data")


def _task_label(task: str) -> str:
    from postapp.coretasks import CoreTask

    return _(CoreTask(task).label)


def rows(analysis: StudyAnalysis) -> Iterator[tuple[str, str, str, int | None, int | None, float | None]]:
    """The analysis as rows: (section, item, group, count, total, share); share is 0..1 or None."""

    def share_row(section: str, item: str, group: str, share: Share) -> tuple[str, str, str, int, int, float | None]:
        return section, item, group, share.positive, share.total, share.share

    yield _("Respondents"), _("Responses analysed"), "", analysis.respondents, None, None
    for measure, share in analysis.measures.items():
        yield share_row(_("Rated 4 or 5"), _(MEASURE_LABELS[measure]), _("All tasks together"), share)
    yield share_row(_("Rated 4 or 5"), _("Clear, workable and user-friendly"), _("All tasks together"),
                    analysis.all_three)
    for task in TASKS:
        for measure in MEASURE_LABELS:
            yield share_row(_("Rated 4 or 5 per core task"), _(MEASURE_LABELS[measure]), _task_label(task),
                            analysis.per_task[(task, measure)])
        yield share_row(_("Rated 4 or 5 per core task"), _("Clear, workable and user-friendly"), _task_label(task),
                        analysis.per_task_all_three[task])
    for section, breakdown in ((_("By region"), analysis.by_region),
                               (_("By activity of Dutch business"), analysis.by_activity)):
        for row in breakdown:
            yield section, _("Respondents"), row.label, row.respondents, None, None
            yield share_row(section, _("Clear, workable and user-friendly"), row.label, row.all_three)
            yield share_row(section, _("Planned or took extra actions"), row.label, row.extra_actions)
    yield share_row(_("Extra actions"), _("Planned or took extra actions"), "", analysis.extra_actions)
    for count in analysis.action_status:
        yield _("Extra actions"), count.label, "", count.count, analysis.extra_actions.total, None
    for count in analysis.actions_taken:
        yield _("Actions taken or planned"), count.label, "", count.count, analysis.extra_actions.positive, None
    for rank, count in enumerate(analysis.support_wished, start=1):
        yield _("Support wished for"), count.label, str(rank), count.count, analysis.support_respondents, None
    for answer in analysis.open_answers:
        yield _("Open answers"), answer.text, f"{answer.question} ({answer.post_code})", None, None, None
    yield _("Interviews"), _("Interviews held"), "", analysis.interviews, None, None
    for count in analysis.interview_themes:
        yield _("Interview themes"), count.label, "", count.count, analysis.interviews, None
    for quote in analysis.interview_quotes:
        yield _("Interview quotes"), quote.text, f"{quote.question} ({quote.post_code})", None, None, None


def data_label(analysis: StudyAnalysis) -> str:
    return _("synthetic") if analysis.is_synthetic else _("real")


def synthetic_notice(analysis: StudyAnalysis) -> str:
    if not analysis.is_synthetic:
        return ""
    return _("SYNTHETIC DATA: generated for demonstration, not real answers ({responses} of {total} responses, "
             "{interviews} of {all_interviews} interviews).").format(
        responses=analysis.synthetic_responses, total=analysis.respondents,
        interviews=analysis.synthetic - analysis.synthetic_responses, all_interviews=analysis.interviews)


def _atomic_write(path: Path, data: bytes) -> None:
    """Writes beside the target and renames, so a failure never leaves half a file under the name."""
    path = path.resolve()
    # Not mkstemp: its 0600 would stay on the file; 0666 lets the user's umask decide, as for any file.
    temp = path.parent / f".postapp-{uuid.uuid4().hex}.part"
    try:
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise PostAppError(_("Could not write {path}: {problem}").format(path=path, problem=exc.strerror)) from exc


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value: str) -> str:
    """Text as a spreadsheet must show it: a leading = + - @ would make Excel run it as a formula (an open
    answer is whatever someone typed), and control characters are refused by the XLSX format."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def to_csv(analysis: StudyAnalysis) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    label = data_label(analysis)
    if analysis.is_synthetic:
        writer.writerow((_("Notice"), synthetic_notice(analysis), "", "", "", "", label))
    for section, item, group, count, total, share in rows(analysis):
        writer.writerow((_cell_text(section), _cell_text(item), _cell_text(group), "" if count is None else count,
                         "" if total is None else total,
                         "" if share is None else f"{share:.4f}", label))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read the accents right


def to_xlsx(analysis: StudyAnalysis) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Analysis")[:31]
    first = 1
    if analysis.is_synthetic:
        sheet.cell(row=1, column=1, value=synthetic_notice(analysis)).font = Font(bold=True, color="C00000")
        first = 3
    headers = (_("Section"), _("Item"), _("Group"), _("Count"), _("Total"), _("Share"), _("Data"))
    for index, title in enumerate(headers, start=1):
        sheet.cell(row=first, column=index, value=title).font = Font(bold=True)
    label = data_label(analysis)
    for index, (section, item, group, count, total, share) in enumerate(rows(analysis), start=first + 1):
        for position, value in enumerate((section, item, group, count, total, share, label), start=1):
            if isinstance(value, str):
                written = sheet.cell(row=index, column=position, value=_cell_text(value))
                written.data_type = "s"  # text, never a formula
            else:
                written = sheet.cell(row=index, column=position, value=value)
            if position == 6 and share is not None:
                written.number_format = "0%"
    for letter, width in zip("ABCDEFG", (28, 60, 28, 10, 10, 10, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{first + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(analysis: StudyAnalysis, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _atomic_write(path, to_csv(analysis))
    elif suffix == ".xlsx":
        _atomic_write(path, to_xlsx(analysis))
    else:
        raise PostAppError(_("Choose a file name ending in .csv or .xlsx."))


def headline(analysis: StudyAnalysis) -> list[str]:
    """The findings in a few lines, as the CLI prints them."""
    lines = []
    if analysis.is_synthetic:
        lines.append(synthetic_notice(analysis))
    lines.append(_("Responses analysed: {count}").format(count=analysis.respondents))
    for measure, share in analysis.measures.items():
        lines.append(_("{measure} (4 or 5): {share} of {total}").format(
            measure=_(MEASURE_LABELS[measure]), share=format_percent(share.share), total=share.total))
    lines.append(_("Clear, workable and user-friendly together: {share} of {total}").format(
        share=format_percent(analysis.all_three.share), total=analysis.all_three.total))
    lines.append(_("Planned or took extra actions: {share} of {total}").format(
        share=format_percent(analysis.extra_actions.share), total=analysis.extra_actions.total))
    for row in analysis.by_activity:
        lines.append(_("  Dutch business activity {level}: {count} respondents, extra actions {share}").format(
            level=row.label, count=row.respondents, share=format_percent(row.extra_actions.share)))
    if analysis.support_wished:
        top = analysis.support_wished[0]
        lines.append(_("Support wished for most: {label} ({count} of {total})").format(
            label=top.label, count=top.count, total=analysis.support_respondents))
    return lines
