"""A core task's workspace: the guideline with its tools and good examples beside the post's
activities for that task, with counts per kind of activity."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from postapp.coretasks import CoreTask
from postapp.guidelines import Guideline, load, pick
from postapp.i18n import _, format_date, format_number, language, ngettext
from postapp.ui.lazy_model import LazyTableModel, configure_table
from postapp.ui.messages import guarded, show_error

if TYPE_CHECKING:
    from postapp.store import Store


def guideline_html(guide: Guideline, lang: str) -> str:
    """The guideline as simple HTML for a read-only ``QTextBrowser``; all content is escaped."""
    e = html.escape
    parts = [f"<h2>{e(pick(guide.title, lang))}</h2>", f"<p>{e(pick(guide.purpose, lang))}</p>"]
    tools_heading, examples_heading = _("Practical tools"), _("Good examples")
    parts.append(f"<h3>{e(tools_heading)}</h3>")
    for tool in guide.tools:
        kind = _("Checklist") if tool.kind == "checklist" else _("Template")
        parts.append(f"<h4>{e(kind)}: {e(pick(tool.title, lang))}</h4><ul>")
        parts.extend(f"<li>{e(item)}</li>" for item in tool.items_in(lang))
        parts.append("</ul>")
    parts.append(f"<h3>{e(examples_heading)}</h3>")
    for example in guide.examples:
        parts.append(f"<p><b>{e(pick(example.title, lang))}</b> <i>({e(example.post)})</i><br>"
                     f"{e(pick(example.text, lang))}</p>")
    return "".join(parts)


class TaskWorkspace(QWidget):
    activity_saved = Signal()

    def __init__(self, task: CoreTask, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        self.store: Store | None = None
        self._post_code = ""
        from postapp.ui.task_panels import build_panels

        # The task's own records (events, cases, agenda log, notes) as tabs before the activities.
        self.panels = build_panels(task)
        self.setObjectName(f"workspace_{task.value}")
        self.setAccessibleName(_(task.label))

        title = QLabel(f"<h1>{task.number}. {html.escape(_(task.label))}</h1>")
        self.guideline = QTextBrowser()
        self.guideline.setObjectName("guideline")
        self.guideline.setAccessibleName(_("Guideline for this core task"))
        self.guideline.setOpenExternalLinks(False)
        guide = guarded(self, lambda: load(task))
        self.guideline.setHtml(guideline_html(guide, language()) if guide else "")

        self.counts = QLabel(_("Opening the data file…"))
        self.counts.setObjectName("activityCounts")
        self.counts.setWordWrap(True)
        self.model = LazyTableModel(
            [_("Date"), _("Kind"), _("Title"), _("Outcome")],
            [lambda r: format_date(r[1]), lambda r: _(r[2].label), lambda r: r[3], lambda r: r[4]],
            self,
        )
        self.model.failed.connect(lambda message: show_error(self, message))
        self.table = QTableView()
        self.table.setObjectName("activities")
        self.table.setAccessibleName(_("Activities for this core task"))
        self.table.setModel(self.model)
        configure_table(self.table, stretch_column=2)
        for column, width in enumerate((100, 100)):
            self.table.setColumnWidth(column, width)
        self.table.setColumnWidth(3, 130)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.new_button = QPushButton(_("&New activity…"))
        self.new_button.setObjectName("newActivity")
        self.new_button.setEnabled(False)
        self.new_button.clicked.connect(self.new_activity)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        activities_heading = _("Activities of the post")
        header.addWidget(QLabel(f"<b>{html.escape(activities_heading)}</b>"))
        header.addStretch()
        header.addWidget(self.new_button)
        right_layout.addLayout(header)
        right_layout.addWidget(self.counts)
        right_layout.addWidget(self.table)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.guideline)
        splitter.addWidget(self.side_panel(right))
        splitter.setSizes([400, 600])
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(splitter, 1)

    def side_panel(self, activities: QWidget) -> QWidget:
        """What sits beside the guideline: the task's own panels as tabs before its activities."""
        if not self.panels:
            return activities
        tabs = QTabWidget()
        tabs.setObjectName("taskTabs")
        for label, panel in self.panels:
            tabs.addTab(panel, _(label))
        tabs.addTab(activities, _("&Activities"))
        return tabs

    @property
    def post_code(self) -> str:
        return self._post_code

    @post_code.setter
    def post_code(self, code: str) -> None:
        self._post_code = code
        for _label, panel in self.panels:
            panel.set_post_code(code)  # type: ignore[attr-defined]

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        self.new_button.setEnabled(store is not None)
        for _label, panel in self.panels:
            panel.attach_store(store)  # type: ignore[attr-defined]
        self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            self.model.set_source(None)
            return
        from postapp.services import activities

        store = self.store

        def fetch(offset: int, limit: int) -> list[Any]:
            with store.read() as session:
                return list(activities.activity_rows(session, self.task, offset, limit))

        def counts() -> None:
            with store.read() as session:
                by_kind = activities.counts_by_kind(session, self.task)
            total = sum(by_kind.values())
            parts = [f"{_(kind.label)}: {format_number(n)}" for kind, n in sorted(
                by_kind.items(), key=lambda kv: -kv[1])]
            text = ngettext("{n} activity", "{n} activities", total).format(n=format_number(total))
            self.counts.setText(text + (" — " + ", ".join(parts) if parts else ""))

        guarded(self, counts)
        guarded(self, lambda: self.model.set_source(fetch))

    def new_activity(self) -> None:
        if self.store is None:
            return
        from postapp.ui.activity_dialog import ActivityDialog

        dialog = ActivityDialog(self.store, self.task, self, self.post_code)
        dialog.saved.connect(self._saved)
        dialog.open()

    def _saved(self) -> None:
        self.refresh()
        self.activity_saved.emit()
