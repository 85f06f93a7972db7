"""The study's analysis on screen: headline figures, bar charts (per core task, region, business
activity, extra actions, support and interview themes), the per-task table, the open answers and the
interview quotes, with an export to CSV or Excel. Synthetic data says so first, in red, before any figure.

The figures are computed by ``postapp.survey.analysis``; this view only draws them. It computes them
when first shown, on Refresh, and when shown again after a response or note was saved (``mark_stale``),
not on every visit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from postapp.errors import NotFoundError
from postapp.i18n import N_, _, format_number, format_percent, language
from postapp.survey import export
from postapp.survey.analysis import MEASURE_LABELS, TASKS, Share, StudyAnalysis
from postapp.ui.appearance import is_dark, muted_style
from postapp.ui.messages import guarded, show_error
from postapp.ui.naming import named

if TYPE_CHECKING:
    from postapp.store import Store

BAR_COLOUR = QColor("#1f5a96")  # dark blue: readable against white, and the value is written beside it
TRACK_COLOUR = QColor("#e6ebf1")
DARK_BAR_COLOUR = QColor("#6fa8dc")  # on a dark window the light blue shows, the dark one would not
NOTICE_STYLE = ("color: #8b0000; background: #fde8e8; border: 2px solid #c00000; padding: 8px; "
                "font-weight: bold;")
QUOTE_ROWS_SHOWN = 8  # more quotes scroll
OPEN_QUESTION_LABELS = {"remarks": N_("Remarks"), "actions_other": N_("Other actions"),
                        "support_other": N_("Other support")}


def task_label(task: str) -> str:
    from postapp.coretasks import CoreTask

    return _(CoreTask(task).label)


def share_text(share: Share) -> str:
    """The share and what it is of ("79% (110 of 140)"), so a small group is not mistaken for a big one."""
    return _("{share} ({positive} of {total})").format(share=format_percent(share.share),
                                                       positive=format_number(share.positive),
                                                       total=format_number(share.total))


def fit_height(table: QTableWidget, rows: int) -> None:
    """Makes a table as tall as its header and its first ``rows`` rows (at least one), no taller."""
    shown = max(min(rows, table.rowCount()), 1)
    heights = sum(table.rowHeight(r) for r in range(min(shown, table.rowCount())))
    if table.rowCount() == 0:
        heights = table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + heights + 2 * table.frameWidth())


@dataclass(frozen=True)
class Bar:
    label: str
    fraction: float  # 0..1, the bar's length
    value: str  # written at the end of the bar


class BarChart(QWidget):
    """Horizontal bars, one per row: the label on the left, the bar, and the value written at its end,
    so the chart reads the same without colour (and in a screen reader, through the description)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: list[Bar] = []
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(360)

    def set_title(self, title: str) -> None:
        self.title = title
        self.setAccessibleName(title)
        self.update()

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        description = "; ".join(f"{b.label}: {b.value}" for b in self.bars) or _("No data")
        self.setAccessibleDescription(description)
        self.setToolTip("\n".join(f"{b.label}: {b.value}" for b in self.bars))
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        return int(self.fontMetrics().height() * 1.9)

    def _title_height(self) -> int:
        return int(self.fontMetrics().height() * 1.8)

    def sizeHint(self) -> QSize:
        rows = max(len(self.bars), 1)
        return QSize(560, self._title_height() + rows * self._row_height() + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(360, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        dark = is_dark(palette)
        metrics = self.fontMetrics()
        width = self.width()
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text_colour)
        painter.drawText(QRectF(0, 0, width, self._title_height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.title)
        painter.setFont(self.font())
        if not self.bars:
            painter.drawText(QRectF(0, self._title_height(), width, self._row_height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), _("No data"))
            return
        gap = 10
        value_width = max(metrics.horizontalAdvance(b.value) for b in self.bars) + gap
        # Labels take what they need, up to half the width; a longer one is elided (the tooltip has it all).
        label_width = min(max(metrics.horizontalAdvance(b.label) for b in self.bars) + gap + 6, int(width * 0.5))
        track_width = max(width - label_width - value_width - gap, 40)
        row_height = self._row_height()
        bar_height = max(int(metrics.height() * 1.1), 10)
        y = self._title_height()
        for bar in self.bars:
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - gap)
            painter.setPen(text_colour)
            painter.drawText(QRectF(0, y, label_width - gap, row_height),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
            top = y + (row_height - bar_height) / 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Midlight) if dark else TRACK_COLOUR)
            painter.drawRect(QRectF(label_width, top, track_width, bar_height))
            length = track_width * min(max(bar.fraction, 0.0), 1.0)
            painter.setBrush(DARK_BAR_COLOUR if dark else BAR_COLOUR)
            painter.drawRect(QRectF(label_width, top, length, bar_height))
            painter.setPen(text_colour)
            painter.drawText(QRectF(label_width + track_width + gap, y, value_width, row_height),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), bar.value)
            y += row_height
        painter.end()


class Figure(QFrame):
    """One headline figure: a large percentage with what it measures and of how many."""

    def __init__(self, name: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"figure_{name}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = named(QLabel("–"), f"headline_{name}")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.detail = named(QLabel(), f"detail_{name}")
        self.detail.setStyleSheet(muted_style())
        self.value.setAccessibleName(caption)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addWidget(self.detail)

    def show_share(self, share: Share) -> None:
        self.value.setText(format_percent(share.share))
        self.detail.setText(_("{positive} of {total}").format(positive=format_number(share.positive),
                                                              total=format_number(share.total)))


class AnalysisView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analysisView")
        self.store: Store | None = None
        self.analysis: StudyAnalysis | None = None
        self.stale = True  # the figures shown may no longer be those of the data

        self.refresh_button = named(QPushButton(_("&Refresh")), "refreshAnalysis")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = named(QPushButton(_("&Export…")), "exportAnalysis")
        self.export_button.clicked.connect(self.choose_export)
        self.respondents = named(QLabel(), "headlineRespondents")
        font = self.respondents.font()
        font.setBold(True)
        self.respondents.setFont(font)
        top = QHBoxLayout()
        top.addWidget(self.respondents, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.export_button)

        self.notice = named(QLabel(), "syntheticNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.hide()

        self.figures = {
            "clarity": Figure("clarity", _("Clear (rated 4 or 5)")),
            "workability": Figure("workability", _("Workable (rated 4 or 5)")),
            "usability": Figure("usability", _("User-friendly (rated 4 or 5)")),
            "all_three": Figure("all_three", _("All three together")),
            "extra_actions": Figure("extra_actions", _("Planned or took extra actions")),
        }
        figures = QGridLayout()
        for column, figure in enumerate(self.figures.values()):
            figures.addWidget(figure, 0, column)

        self.task_chart = named(BarChart(_("Rated 4 or 5 on all three (clear, workable, user-friendly), per core "
                                           "task")), "chartTasks")
        self.region_chart = named(BarChart(_("Rated 4 or 5 on all three (clear, workable, user-friendly), by "
                                             "region")), "chartRegion")
        self.activity_chart = named(BarChart(_("Planned or took extra actions, by activity of Dutch business")),
                                    "chartActivity")
        self.actions_chart = named(BarChart(_("Extra actions taken or planned")), "chartActions")
        self.support_chart = named(BarChart(_("Support wished for (share of respondents who chose any)")),
                                   "chartSupport")
        self.themes_chart = named(BarChart(_("Themes raised in interviews")), "chartThemes")

        columns = [_("Core task"), *[_(label) for label in MEASURE_LABELS.values()], _("All three")]
        self.table = named(QTableWidget(len(TASKS), len(columns)), "taskTable")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.setAccessibleName(_("Rated 4 or 5 per core task and measure"))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for row, task in enumerate(TASKS):
            self.table.setItem(row, 0, QTableWidgetItem(task_label(task)))
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.open_answers = named(QTableWidget(0, 3), "openAnswers")
        self.open_answers.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.open_answers.setAccessibleName(_("Open answers"))
        self.open_answers.setHorizontalHeaderLabels([_("Question"), _("Post"), _("Answer")])
        self.open_answers.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.open_answers.setWordWrap(False)  # one line each; the whole answer is in the tooltip
        self.open_answers.setAlternatingRowColors(True)
        self.open_answers.verticalHeader().hide()
        self.open_answers.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.open_answers.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.open_answers.setMinimumHeight(220)

        self.quotes = named(QTableWidget(0, 3), "interviewQuotes")
        self.quotes.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.quotes.setAccessibleName(_("Quotes from interviews"))
        self.quotes.setHorizontalHeaderLabels([_("Theme"), _("Post"), _("Quote")])
        self.quotes.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.quotes.setWordWrap(False)
        self.quotes.setAlternatingRowColors(True)
        self.quotes.verticalHeader().hide()
        self.quotes.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.quotes.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.empty = named(QLabel(), "analysisEmpty")
        self.empty.setWordWrap(True)
        self.empty.hide()

        content = QWidget()
        body = QVBoxLayout(content)
        body.addWidget(self.notice)
        body.addLayout(figures)
        body.addWidget(self.empty)
        body.addSpacing(8)
        body.addWidget(self.task_chart)
        body.addWidget(self.table)
        body.addSpacing(8)
        for chart in (self.region_chart, self.activity_chart, self.actions_chart, self.support_chart,
                      self.themes_chart):
            body.addWidget(chart)
            body.addSpacing(8)
        open_heading = QLabel(_("Open answers"))
        open_heading.setFont(font)
        body.addWidget(open_heading)
        body.addWidget(self.open_answers)
        body.addSpacing(8)
        self.quotes_heading = QLabel(_("Quotes from interviews"))
        self.quotes_heading.setFont(font)
        body.addWidget(self.quotes_heading)
        body.addWidget(self.quotes)
        body.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addLayout(top)
        layout.addWidget(area, 1)
        self._update_buttons()

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        self.refresh()

    def mark_stale(self) -> None:
        """The data changed (a response submitted, a note saved): computed again when next shown."""
        self.stale = True
        if self.isVisible():
            self.refresh()

    def refresh_if_stale(self) -> None:
        if self.stale:
            self.refresh()

    def _update_buttons(self) -> None:
        self.refresh_button.setEnabled(self.store is not None)
        self.export_button.setEnabled(self.analysis is not None)

    def compute(self) -> StudyAnalysis | None:
        """The analysis of the submitted responses to the study form; None when there is no form yet."""
        store = self.store
        if store is None:
            return None
        from postapp.survey.analysis import analyse
        from postapp.survey.responses import STUDY_FORM_ID, form_of, latest_form

        with store.read() as session:
            try:
                form = form_of(latest_form(session, STUDY_FORM_ID))
            except NotFoundError:
                return None
            return analyse(session, form, language=language())

    def refresh(self) -> None:
        self.stale = False
        found = guarded(self, self.compute)
        self.analysis = found
        self.show_analysis(found)
        self._update_buttons()

    def show_analysis(self, analysis: StudyAnalysis | None) -> None:
        if analysis is None or analysis.respondents == 0:
            self.empty.setText(_("No submitted responses yet. Figures appear here once responses are "
                                 "submitted."))
            self.empty.show()
        else:
            self.empty.hide()
        if analysis is None:
            self.respondents.setText(_("Responses analysed: {count}").format(count=format_number(0)))
            self.notice.hide()
            for bar_chart in (self.task_chart, self.region_chart, self.activity_chart, self.actions_chart,
                              self.support_chart, self.themes_chart):
                bar_chart.set_bars([])
            self.open_answers.setRowCount(0)
            self.quotes.setRowCount(0)
            return
        notice = export.synthetic_notice(analysis)
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self.respondents.setText(_("Responses analysed: {count}").format(count=format_number(analysis.respondents)))
        for measure, share in analysis.measures.items():
            self.figures[measure].show_share(share)
        self.figures["all_three"].show_share(analysis.all_three)
        self.figures["extra_actions"].show_share(analysis.extra_actions)

        self.task_chart.set_bars([
            Bar(task_label(task), share.share or 0.0, share_text(share))
            for task, share in analysis.per_task_all_three.items()])
        self.region_chart.set_bars([
            Bar(_("{level} (n = {count})").format(level=row.label, count=format_number(row.respondents)),
                row.all_three.share or 0.0, share_text(row.all_three))
            for row in analysis.by_region])
        self.activity_chart.set_bars([
            Bar(_("{level} (n = {count})").format(level=row.label, count=format_number(row.respondents)),
                row.extra_actions.share or 0.0, format_percent(row.extra_actions.share))
            for row in analysis.by_activity])
        acted = analysis.extra_actions.positive  # those asked which actions: they took or planned some
        self.actions_chart.set_title(_("Extra actions taken or planned (share of the {count} respondents who "
                                       "took or planned any)").format(count=format_number(acted)))
        self.actions_chart.set_bars([
            Bar(count.label, count.count / acted if acted else 0.0,
                _("{count} ({share})").format(count=format_number(count.count),
                                              share=format_percent(count.count / acted if acted else None)))
            for count in analysis.actions_taken])
        total = analysis.support_respondents
        self.support_chart.set_bars([
            Bar(count.label, count.count / total if total else 0.0,
                _("{count} ({share})").format(count=format_number(count.count),
                                              share=format_percent(count.count / total if total else None)))
            for count in analysis.support_wished])
        interviews = analysis.interviews
        self.themes_chart.set_title(_("Themes raised in interviews ({count} interviews)").format(
            count=format_number(interviews)))
        self.themes_chart.set_bars([
            Bar(count.label, count.count / interviews if interviews else 0.0, format_number(count.count))
            for count in analysis.interview_themes])
        self.themes_chart.setVisible(interviews > 0)

        for row, task in enumerate(TASKS):
            shares = [analysis.per_task[(task, m)] for m in MEASURE_LABELS] + [analysis.per_task_all_three[task]]
            for column, share in enumerate(shares):
                item = QTableWidgetItem(format_percent(share.share))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setToolTip(share_text(share))
                self.table.setItem(row, column + 1, item)
        for row in range(self.table.rowCount()):
            self.table.setRowHeight(row, self.fontMetrics().height() + 10)
        fit_height(self.table, self.table.rowCount())

        self.open_answers.setRowCount(len(analysis.open_answers))
        for row, answer in enumerate(analysis.open_answers):
            values = (_(OPEN_QUESTION_LABELS[answer.question]) if answer.question in OPEN_QUESTION_LABELS
                      else answer.question, answer.post_code, answer.text)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.open_answers.setItem(row, column, item)

        from postapp.survey.interviews import theme_title

        lang = language()
        self.quotes.setRowCount(len(analysis.interview_quotes))
        for row, quote in enumerate(analysis.interview_quotes):
            # An interview quote's ``question`` is the theme it was noted under ("" for none).
            values = (theme_title(quote.question, lang) if quote.question else _("No theme"), quote.post_code,
                      quote.text)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.quotes.setItem(row, column, item)
        fit_height(self.quotes, QUOTE_ROWS_SHOWN)
        self.quotes_heading.setVisible(interviews > 0)
        self.quotes.setVisible(interviews > 0)

    # Export.

    def choose_export(self) -> None:
        if self.analysis is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export the analysis"), str(Path.home() / "imvo-study-analysis.xlsx"),
            _("Excel workbook (*.xlsx);;CSV file (*.csv)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        """Writes the analysis shown (computed first if needed) to ``path``, .xlsx or .csv."""
        analysis = self.analysis
        if analysis is None:
            self.refresh()
            analysis = self.analysis
        if analysis is None:
            show_error(self, _("There is nothing to export yet."))
            return False
        chosen = analysis

        def write() -> bool:
            export.export(chosen, path)
            return True

        return bool(guarded(self, write))
