"""Headquarters in the app (HQ mode): the posts with their last sync and what arrived from them, the study's
analysis across all posts beside each post's activity counts, and the curation of proposed good examples.

The workspace opens HQ's database from the preferences (``hq_database_url``: PostgreSQL, or an SQLite file
on a laptop). Reading it (the posts, the examples, the analysis of every response) runs in the background
(``sync_panel.Background``) with its own sessions; approving or rejecting one example is a single short
transaction. The file road for HQ is here too: sync files from posts are taken in, and a sync file for a
post is written, with HQ's keys from ``hq_keys_folder``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from postapp.coretasks import CoreTask
from postapp.errors import PostAppError
from postapp.i18n import _, format_date, format_datetime, format_number, format_percent, language
from postapp.survey.analysis import StudyAnalysis
from postapp.ui.messages import show_error, user_message
from postapp.ui.naming import named
from postapp.ui.settings import Preferences
from postapp.ui.survey_analysis import AnalysisView, share_text
from postapp.ui.sync_panel import Background, Report

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from postapp.hq.posts import PostSummary
    from postapp.hq.store import HQStore
    from postapp.survey.analysis import Share
    from postapp.survey.form import Form

ACTIVITY_MONTHS = 12  # the activity counts beside the answers: the last twelve months, this one included
TASKS = tuple(CoreTask)


# ---- what is read from HQ's database (no Qt) ----------------------------------------------------------------


@dataclass(frozen=True)
class ExampleRow:
    id: uuid.UUID
    post_code: str
    core_task: str
    title: str
    summary: str
    country: str
    status: str
    received_at: dt.datetime | None


@dataclass(frozen=True)
class EngagementRow:
    """One post: what it did per core task beside what its staff answered."""

    post_code: str
    post_name: str
    activities: dict[str, int]  # core task -> activities held in the period
    respondents: int
    all_three: Share | None  # rated 4 or 5 on clear, workable and user-friendly (overall)
    per_task: dict[str, Share] = field(default_factory=dict)  # the same per core task
    business_activity: str = ""  # the post's answer on Dutch business activity ("" when none)

    @property
    def activity_total(self) -> int:
        return sum(self.activities.values())


@dataclass
class HQSnapshot:
    posts: list[PostSummary]
    examples: list[ExampleRow]
    engagement: list[EngagementRow]
    analysis: StudyAnalysis | None
    first_month: str


def first_month(today: dt.date, months: int = ACTIVITY_MONTHS) -> str:
    """``YYYY-MM`` of the first of ``months`` months ending with this one."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def business_activity_answer(analysis: StudyAnalysis) -> str:
    """The answer a post's respondents gave on Dutch business activity: the most frequent one, with how
    many gave it when they did not all agree."""
    answered = [row for row in analysis.by_activity if row.value]
    if not answered:
        return ""
    top = max(answered, key=lambda row: row.respondents)
    total = sum(row.respondents for row in answered)
    if top.respondents == total:
        return top.label
    return _("{answer} ({count} of {total})").format(answer=top.label, count=format_number(top.respondents),
                                                     total=format_number(total))


def engagement_rows(session: Session, form: Form | None, posts: Sequence[PostSummary], *, today: dt.date,
                    lang: str) -> list[EngagementRow]:
    """Per post: activities per core task over the last ``ACTIVITY_MONTHS`` months beside the post's study
    answers (``analyse`` on that post's responses)."""
    from sqlalchemy import func, select

    from postapp.hq.models import HQActivityCount
    from postapp.survey.analysis import analyse

    counts: dict[str, Counter[str]] = {}
    for code, task, total in session.execute(
            select(HQActivityCount.post_code, HQActivityCount.core_task, func.sum(HQActivityCount.count))
            .where(HQActivityCount.month >= first_month(today))
            .group_by(HQActivityCount.post_code, HQActivityCount.core_task)):
        counts.setdefault(str(code), Counter())[str(task)] += int(total or 0)
    rows = []
    for post in posts:
        found = counts.get(post.code, Counter())
        activities = {task.value: found[task.value] for task in TASKS}
        analysis = analyse(session, form, post_codes=[post.code], language=lang) if form and post.responses else None
        if analysis is None or analysis.respondents == 0:
            rows.append(EngagementRow(post.code, post.name, activities, 0, None))
            continue
        rows.append(EngagementRow(post.code, post.name, activities, analysis.respondents, analysis.all_three,
                                  dict(analysis.per_task_all_three), business_activity_answer(analysis)))
    return rows


def read_snapshot(store: HQStore, lang: str, today: dt.date | None = None) -> HQSnapshot:
    """Everything the workspace shows, read in one go (in the background)."""
    from postapp.errors import NotFoundError
    from postapp.hq.outgoing import examples
    from postapp.hq.posts import post_summaries
    from postapp.survey.analysis import analyse
    from postapp.survey.responses import STUDY_FORM_ID, form_of, latest_form

    today = today or dt.date.today()
    with store.read() as session:
        posts = post_summaries(session)
        rows = [ExampleRow(e.id, e.post_code, e.core_task, e.title, e.summary, e.country, e.status.value,
                           e.received_at) for e in examples(session)]
        try:
            form: Form | None = form_of(latest_form(session, STUDY_FORM_ID))
        except NotFoundError:
            form = None
        analysis = analyse(session, form, language=lang) if form is not None else None
        engagement = engagement_rows(session, form, posts, today=today, lang=lang)
    return HQSnapshot(posts, rows, engagement, analysis, first_month(today))


# ---- the widgets ----------------------------------------------------------------------------------------


def _item(text: str, *, tip: str = "", align_right: bool = False, sort_value: Any = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(tip)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if sort_value is not None:
        item.setData(Qt.ItemDataRole.UserRole, sort_value)
    return item


def _table(name: str, accessible: str, headers: list[str]) -> QTableWidget:
    table = named(QTableWidget(0, len(headers)), name)
    table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return format_datetime(moment.astimezone(), "short")


class HQAnalysisView(AnalysisView):
    """The study's analysis view, fed with figures computed on HQ's database by the workspace: Refresh
    asks the workspace to read everything again in the background."""

    reload_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hqAnalysis")
        self.available = False

    def _update_buttons(self) -> None:
        self.refresh_button.setEnabled(bool(getattr(self, "available", False)))
        self.export_button.setEnabled(self.analysis is not None)

    def refresh(self) -> None:
        self.stale = False
        self.reload_requested.emit()

    def show_result(self, analysis: StudyAnalysis | None, available: bool = True) -> None:
        self.available = available
        self.stale = False
        self.analysis = analysis
        self.show_analysis(analysis)
        self._update_buttons()


class HQWorkspace(QWidget):
    loaded = Signal()  # a snapshot was read and shown, and the workspace is idle again
    load_failed = Signal(str)

    POST_COLUMNS = 7

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace_hq")
        self.setAccessibleName(_("Headquarters"))
        self.prefs = prefs
        self.hq_store: HQStore | None = None
        self.opened_url = ""
        self.snapshot: HQSnapshot | None = None
        self.job = Background(self)
        self.job.setObjectName("hqJob")
        self.job.finished.connect(self._job_over)
        self._reload_after_job = False
        self._just_loaded = False

        heading = QLabel(_("Headquarters"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.database = named(QLabel(), "hqDatabase")
        self.database.setTextFormat(Qt.TextFormat.PlainText)
        self.database.setAccessibleName(_("HQ database"))
        self.state = named(QLabel(), "hqState")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setWordWrap(True)
        self.state.setAccessibleName(_("State of the HQ workspace"))
        self.refresh_button = named(QPushButton(_("&Refresh")), "hqRefresh")
        self.refresh_button.setAccessibleName(_("Read HQ's database again"))
        self.refresh_button.clicked.connect(self.reload)
        self.import_button = named(QPushButton(_("&Import sync files from posts…")), "hqImport")
        self.import_button.setToolTip(_("Take in sync files that posts sent by e-mail or on a USB stick"))
        self.import_button.clicked.connect(self.choose_import)
        self.export_button = named(QPushButton(_("E&xport sync file for post…")), "hqExport")
        self.export_button.setToolTip(_("Write what waits for the selected post to a sync file"))
        self.export_button.clicked.connect(self.choose_export)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.database, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        top.addWidget(self.refresh_button)

        self.tabs = named(QTabWidget(), "hqTabs")
        self.tabs.setAccessibleName(_("Headquarters"))

        # Posts.
        self.posts = _table("hqPosts", _("Posts"), [
            _("Code"), _("Name"), _("Country"), _("Last sync"), _("Responses received"), _("Pending outgoing"),
            _("Revoked")])
        self.posts.horizontalHeader().setStretchLastSection(False)
        self.posts.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.posts.itemSelectionChanged.connect(self._enable)
        self.tabs.addTab(self.posts, _("&Posts"))

        # Analysis: engagement per post above the study's figures across all posts.
        self.engagement_heading = named(QLabel(), "hqEngagementHeading")
        self.engagement_heading.setWordWrap(True)
        bold = self.engagement_heading.font()
        bold.setBold(True)
        self.engagement_heading.setFont(bold)
        self.engagement = _table("hqEngagement", _("Activities per core task beside the answers, per post"), [
            _("Post"), _("Dutch business activity"), _("Responses"), _("Rated 4 or 5 on all three"),
            *[_(task.label) for task in TASKS], _("All activities")])
        self.engagement.setSortingEnabled(True)
        self.engagement.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        engagement_box = QWidget()
        box_layout = QVBoxLayout(engagement_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(self.engagement_heading)
        box_layout.addWidget(self.engagement)
        self.analysis = HQAnalysisView()
        self.analysis.reload_requested.connect(self.reload)
        self.analysis.refresh_button.hide()  # the workspace's Refresh reads everything again
        analysis_tab = named(QSplitter(Qt.Orientation.Vertical), "hqAnalysisTab")
        analysis_tab.addWidget(engagement_box)
        analysis_tab.addWidget(self.analysis)
        analysis_tab.setStretchFactor(1, 1)
        analysis_tab.setSizes([260, 500])
        self.tabs.addTab(analysis_tab, _("&Analysis"))

        # Good examples.
        self.example_filter = named(QComboBox(), "hqExampleFilter")
        self.example_filter.setAccessibleName(_("Which good examples to show"))
        self.example_filter.addItem(_("Proposed, waiting for a decision"), "proposed")
        self.example_filter.addItem(_("All"), "")
        self.example_filter.currentIndexChanged.connect(self._show_examples)
        self.approve_button = named(QPushButton(_("Appro&ve")), "hqApprove")
        self.approve_button.setAccessibleName(_("Approve the selected example: it goes out to every post"))
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_button = named(QPushButton(_("Re&ject")), "hqReject")
        self.reject_button.setAccessibleName(_("Reject the selected example"))
        self.reject_button.clicked.connect(self.reject_selected)
        self.examples = _table("hqExamples", _("Good examples"), [
            _("Title"), _("Core task"), _("Post"), _("Country"), _("Received"), _("Status")])
        self.examples.itemSelectionChanged.connect(self._example_selected)
        self.example_summary = named(QTextBrowser(), "hqExampleSummary")
        self.example_summary.setAccessibleName(_("Summary of the selected example"))
        self.example_summary.setMaximumHeight(140)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(_("Show:")))
        buttons.addWidget(self.example_filter)
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.reject_button)
        examples_tab = QWidget()
        examples_layout = QVBoxLayout(examples_tab)
        examples_layout.addLayout(buttons)
        examples_layout.addWidget(self.examples, 1)
        examples_layout.addWidget(self.example_summary)
        self.tabs.addTab(examples_tab, _("&Good examples"))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.tabs, 1)
        self._enable()

    # ---- the database -----------------------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.snapshot is None and not self.job.running:
            self.reload()

    def apply_preferences(self) -> None:
        """The database in the preferences changed: the old one is closed and the new one read."""
        if self.prefs.hq_database_url.strip() != self.opened_url and not self.job.running:
            self.close_store()
            self.snapshot = None
            if self.isVisible():
                self.reload()

    def close_store(self) -> None:
        if self.job.running:
            self.job.cancel()
            self.job.wait(30_000)
        if self.hq_store is not None:
            self.hq_store.close()
            self.hq_store = None
            self.opened_url = ""

    def _database_text(self, url: str) -> str:
        from postapp.hq.store import database_url

        try:
            parsed = database_url(url)
        except PostAppError:
            return url
        if parsed.get_backend_name() == "sqlite":
            return parsed.database or url
        return parsed.render_as_string(hide_password=True)

    def reload(self) -> bool:
        """Reads posts, examples and the analysis again in the background; False when it cannot start."""
        if self.job.running:
            self._reload_after_job = True
            return False
        url = self.prefs.hq_database_url.strip()
        if not url:
            self.database.setText("")
            self.state.setText(_("Say where HQ's database is in File › Preferences (HQ database)."))
            self._enable()
            return False
        self.database.setText(self._database_text(url))
        self.database.setToolTip(self.database.text())
        store = self.hq_store if self.opened_url == url else None
        if store is None and self.hq_store is not None:
            self.close_store()
        lang = language()

        def work(report: Report) -> object:
            from postapp.hq.store import open_hq_store

            opened = store or open_hq_store(url)
            try:
                return opened, url, read_snapshot(opened, lang)
            except BaseException:
                if store is None:
                    opened.close()
                raise

        started = self.job.start("hqReader", work, on_success=self._loaded, on_failure=self._failed)
        if started:
            self.state.setText(_("Reading HQ's database…"))
            self._enable()
        return started

    def _loaded(self, result: object) -> None:
        store, url, snapshot = cast("tuple[HQStore, str, HQSnapshot]", result)
        self.hq_store, self.opened_url = store, url
        self.snapshot = snapshot
        self.state.setText(_("{posts} posts, {responses} responses received.").format(
            posts=format_number(len(snapshot.posts)),
            responses=format_number(sum(p.responses for p in snapshot.posts))))
        self._show_posts()
        self._show_engagement()
        self.analysis.show_result(snapshot.analysis)
        self._show_examples()
        self._just_loaded = True  # ``loaded`` follows once the job is quite over

    def _failed(self, message: str, reason: str) -> None:
        self.state.setText(_("HQ's database could not be read: {reason}").format(reason=message))
        self.analysis.show_result(None, available=True)
        self.load_failed.emit(message)

    def _job_over(self) -> None:
        self._enable()
        if self._reload_after_job:
            self._reload_after_job = False
            self.reload()
        elif self._just_loaded:
            self._just_loaded = False
            self.loaded.emit()

    # ---- posts ------------------------------------------------------------------------------------------

    def _show_posts(self) -> None:
        posts = self.snapshot.posts if self.snapshot else []
        selected = self.selected_post()
        self.posts.setRowCount(len(posts))
        for row, post in enumerate(posts):
            tip = _("Keys: {fingerprint}\nBundles received: {bundles}\nInterview notes: {notes}\nGood examples: "
                    "{examples}\nResponses kept aside: {aside}\nMonths of activity counts: {months}").format(
                fingerprint=post.fingerprint or _("not yet received"), bundles=format_number(post.bundles),
                notes=format_number(post.notes), examples=format_number(post.examples),
                aside=format_number(post.set_aside), months=format_number(post.activity_months))
            revoked = _("Revoked on {date}").format(date=_when(post.revoked_at)) if post.revoked_at else _("No")
            values = [_item(post.code, tip=tip, sort_value=post.code), _item(post.name, tip=tip),
                      _item(post.country), _item(_when(post.last_sync_at) or _("never")),
                      _item(format_number(post.responses), align_right=True),
                      _item(format_number(post.waiting_to_send), align_right=True), _item(revoked)]
            for column, item in enumerate(values):
                self.posts.setItem(row, column, item)
            if post.code == selected:
                self.posts.selectRow(row)

    def selected_post(self) -> str | None:
        rows = self.posts.selectionModel().selectedRows() if self.posts.selectionModel() else []
        if not rows:
            return None
        item = self.posts.item(rows[0].row(), 0)
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    # ---- analysis ---------------------------------------------------------------------------------------

    def _show_engagement(self) -> None:
        snapshot = self.snapshot
        rows = snapshot.engagement if snapshot else []
        if snapshot is not None:
            year, month = (int(part) for part in snapshot.first_month.split("-"))
            self.engagement_heading.setText(_(
                "Activities per core task since {month} beside the answers of each post's staff: compare "
                "engagement with the presence of Dutch business.").format(
                month=format_date(dt.date(year, month, 1), "MMMM y")))
        self.engagement.setSortingEnabled(False)
        self.engagement.setRowCount(len(rows))
        for row, found in enumerate(rows):
            share = found.all_three
            items = [_item(found.post_code, tip=found.post_name),
                     _item(found.business_activity or "–"),
                     NumberItem(format_number(found.respondents), found.respondents),
                     NumberItem(format_percent(share.share) if share else "–",
                                share.share if share and share.share is not None else -1.0,
                                tip=share_text(share) if share else _("No responses from this post"))]
            for task in TASKS:
                task_share = found.per_task.get(task.value)
                tip = (_("{task}: rated 4 or 5 on all three by {share}").format(
                    task=_(task.label), share=share_text(task_share)) if task_share else "")
                items.append(NumberItem(format_number(found.activities[task.value]), found.activities[task.value],
                                        tip=tip))
            items.append(NumberItem(format_number(found.activity_total), found.activity_total))
            for column, item in enumerate(items):
                self.engagement.setItem(row, column, item)
        self.engagement.setSortingEnabled(True)  # sorts again by the column the user chose (the post at first)

    @property
    def respondents(self) -> int:
        """Responses in the analysis across all posts (0 when none)."""
        analysis = self.snapshot.analysis if self.snapshot else None
        return analysis.respondents if analysis is not None else 0

    # ---- good examples ----------------------------------------------------------------------------------

    def _show_examples(self) -> None:
        wanted = str(self.example_filter.currentData() or "")
        rows = [e for e in (self.snapshot.examples if self.snapshot else []) if not wanted or e.status == wanted]
        selected = self.selected_example()
        self.examples.setRowCount(len(rows))
        from postapp.hq.models import ExampleStatus

        for row, example in enumerate(rows):
            try:
                task = _(CoreTask(example.core_task).label)
            except ValueError:
                task = example.core_task
            values = [_item(example.title, tip=example.summary, sort_value=str(example.id)), _item(task),
                      _item(example.post_code), _item(example.country), _item(_when(example.received_at)),
                      _item(_(ExampleStatus(example.status).label))]
            for column, item in enumerate(values):
                self.examples.setItem(row, column, item)
            if selected is not None and example.id == selected.id:
                self.examples.selectRow(row)
        if self.examples.rowCount() and not self.examples.selectionModel().selectedRows():
            self.examples.selectRow(0)
        self._example_selected()

    def shown_examples(self) -> list[ExampleRow]:
        wanted = str(self.example_filter.currentData() or "")
        return [e for e in (self.snapshot.examples if self.snapshot else []) if not wanted or e.status == wanted]

    def selected_example(self) -> ExampleRow | None:
        model = self.examples.selectionModel()
        rows = model.selectedRows() if model is not None else []
        if not rows or self.snapshot is None:
            return None
        item = self.examples.item(rows[0].row(), 0)
        if item is None:
            return None
        key = str(item.data(Qt.ItemDataRole.UserRole))
        return next((e for e in self.snapshot.examples if str(e.id) == key), None)

    def select_example(self, example_id: uuid.UUID) -> bool:
        for row in range(self.examples.rowCount()):
            item = self.examples.item(row, 0)
            if item is not None and str(item.data(Qt.ItemDataRole.UserRole)) == str(example_id):
                self.examples.selectRow(row)
                return True
        return False

    def _example_selected(self) -> None:
        example = self.selected_example()
        if example is None:
            self.example_summary.clear()
        else:
            self.example_summary.setPlainText(f"{example.title}\n\n{example.summary}")
        self._enable()

    def approve_selected(self) -> bool:
        return self._decide(approve=True)

    def reject_selected(self) -> bool:
        return self._decide(approve=False)

    def _decide(self, *, approve: bool) -> bool:
        """Approves (it goes out to every post) or rejects the selected example, then reads again."""
        example, store = self.selected_example(), self.hq_store
        if example is None or store is None or self.job.running:
            return False
        from postapp.hq.outgoing import approve_example, reject_example

        try:
            with store.session() as session:
                (approve_example if approve else reject_example)(session, example.id)
        except Exception as exc:
            show_error(self, user_message(exc, _("The decision could not be saved ({kind}). Nothing was changed.")))
            return False
        message = (_("Approved: \u201c{title}\u201d goes out to every post with its next sync.") if approve
                   else _("Rejected: \u201c{title}\u201d."))
        self.state.setText(message.format(title=example.title))
        self.reload()
        return True

    def _enable(self) -> None:
        idle = not self.job.running
        example = self.selected_example()
        self.refresh_button.setEnabled(idle and bool(self.prefs.hq_database_url.strip()))
        self.import_button.setEnabled(idle and self.hq_store is not None)
        self.export_button.setEnabled(idle and self.hq_store is not None and self.selected_post() is not None)
        self.approve_button.setEnabled(idle and example is not None and example.status != "approved")
        self.reject_button.setEnabled(idle and example is not None and example.status == "proposed")

    # ---- sync files (HQ's side of the road without a line) ----------------------------------------------

    def _hq_keys_folder(self) -> Path | None:
        folder = self.prefs.hq_keys_folder.strip()
        if not folder:
            show_error(self, _("Say where HQ's keys are in File › Preferences (HQ keys folder)."))
            return None
        return Path(folder).expanduser()

    def choose_import(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileNames(self, _("Import sync files from posts"), "",
                                                       _("Sync file (*.pab);;All files (*)"))
        if chosen:
            self.import_files([Path(p) for p in chosen])

    def import_files(self, paths: Sequence[Path]) -> bool:
        """Takes in posts' sync files in the background, each post's bundles in order, each bundle in one
        transaction; what cannot be taken in is listed and the rest goes on."""
        store, folder = self.hq_store, self._hq_keys_folder()
        if store is None or folder is None or self.job.running:
            return False

        def work(report: Report) -> object:
            from postapp.hq.ingest import FILE, ingest
            from postapp.hq.posts import check_keys
            from postapp.sync import bundle as bundles
            from postapp.sync import container, keys

            pair = keys.load(folder)
            with store.read() as session:
                hq_id = check_keys(session, pair)
            found: list[tuple[str, int, Path, bytes]] = []
            problems: list[str] = []
            for path in paths:
                try:
                    for data in container.read_file(path):
                        header = bundles.read_header(data)
                        found.append((header.post_code, header.seq, path, data))
                except PostAppError as exc:
                    problems.append(f"{path.name}: {exc}")
            taken = 0
            for _code, _seq, path, data in sorted(found, key=lambda item: (item[0], item[1])):
                try:
                    with store.session() as session:
                        result = ingest(session, data, pair, hq_id, via=FILE)
                except PostAppError as exc:
                    problems.append(f"{path.name}: {exc}")
                    continue
                taken += not result.already_received
            return taken, problems

        def done(result: object) -> None:
            taken, problems = cast(tuple[int, list[str]], result)
            text = _("Bundles taken in: {count}.").format(count=format_number(taken))
            if problems:
                show_error(self, "\n\n".join([text, *problems]))
            else:
                self._inform(text)
            self._reload_after_job = True

        started = self.job.start("hqImport", work, on_success=done, on_failure=self._file_failed)
        if started:
            self.state.setText(_("Taking in the sync files…"))
            self._enable()
        return started

    def choose_export(self) -> None:
        code = self.selected_post()
        if code is None:
            return
        default = Path.home() / f"postapp-hq-to-{code}-{dt.date.today().isoformat()}.pab"
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Export sync file for post {code}").format(code=code),
                                                      str(default), _("Sync file (*.pab)"))
        if chosen:
            path = Path(chosen)
            if path.suffix.lower() != ".pab":
                path = path.with_name(path.name + ".pab")
            self.export_for(code, path)

    def export_for(self, code: str, path: Path) -> bool:
        """Writes every bundle post ``code`` has not confirmed to ``path`` (sealing what waits first)."""
        store, folder = self.hq_store, self._hq_keys_folder()
        if store is None or folder is None or self.job.running:
            return False

        def work(report: Report) -> object:
            from postapp.hq.outgoing import export_for_post
            from postapp.hq.posts import check_keys
            from postapp.sync import container, keys

            pair = keys.load(folder)
            with store.session() as session:
                hq_id = check_keys(session, pair)
                data = export_for_post(session, code, pair, hq_id)
            if data:
                container.write_file(path, data)
            return len(data)

        def done(result: object) -> None:
            count = cast(int, result)
            if count:
                self._inform(_("{count} bundles for post {code} written to {path}.").format(
                    count=format_number(count), code=code, path=path))
            else:
                self._inform(_("Nothing waits for post {code}; no file written.").format(code=code))
            self._reload_after_job = True

        started = self.job.start("hqExport", work, on_success=done, on_failure=self._file_failed)
        if started:
            self.state.setText(_("Writing the sync file for post {code}…").format(code=code))
            self._enable()
        return started

    def _file_failed(self, message: str, reason: str) -> None:
        self.state.setText(reason)
        show_error(self, message)

    def _inform(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, _("PostApp IMVO"), text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("hqMessage")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


class NumberItem(QTableWidgetItem):
    """A table cell shown as formatted text and sorted by its number."""

    def __init__(self, text: str, value: float, *, tip: str = "") -> None:
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if tip:
            self.setToolTip(tip)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, NumberItem):
            return self.value < other.value
        return super().__lt__(other)
