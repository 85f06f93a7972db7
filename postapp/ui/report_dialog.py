"""Making a briefing pack from the window: the pack, its period, language, sections and classification,
written to a PDF in the background with the pages laid out so far and a Cancel that leaves no file.

The build runs in its own thread with its own read session (``PackWorker``); the core switches the
language of messages for that thread only (``reports.options.in_language``), so the window goes on in
the user's language while a pack is made in its reader's.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QSettings, QStandardPaths, Qt, QThread, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from postapp.errors import PostAppError
from postapp.i18n import LANGUAGES, N_, _, format_date, language
from postapp.reports.options import ReportOptions
from postapp.reports.packs import SECTIONS, make_pack
from postapp.ui.appearance import error_style
from postapp.ui.forms import FieldErrors
from postapp.ui.messages import show_error, user_message
from postapp.ui.naming import named
from postapp.ui.organisation_picker import OrganisationPicker
from postapp.ui.settings import APPLICATION, ORGANISATION, Preferences
from postapp.ui.workers import CancellableWorker

if TYPE_CHECKING:
    from postapp.store import Store

PACK_KINDS: dict[str, str] = {
    "country": N_("Country briefing"),
    "company": N_("Company conversation brief"),
    "event": N_("Event report"),
    "study": N_("Usability study report"),
}
PACK_LANGUAGES = ("nl", "en")  # the packs are printed in Dutch or English, whatever the window speaks
# Printed on every page in the pack's language, so not the window's: the terms of the Dutch
# classification rules (VIR-BI) and their English counterparts, most used first.
CLASSIFICATIONS: dict[str, tuple[str, ...]] = {
    "nl": ("Intern gebruik", "Departementaal vertrouwelijk"),
    "en": ("Internal use", "Departmental confidential"),
}
SECTION_LABELS: dict[str, dict[str, str]] = {
    "country": {"risk": N_("Risk profile of the host country"), "work": N_("The post's work per core task"),
                "events": N_("Coming events and trainings"), "stakeholders": N_("Key stakeholders"),
                "examples": N_("Good examples")},
    "company": {"profile": N_("Profile"), "risks": N_("IMVO risks of the sector"), "contacts": N_("Contacts"),
                "history": N_("History with the post"), "checks": N_("Condition checks")},
    "event": {"programme": N_("Programme"), "attendance": N_("Attendance"), "participants": N_("Participants"),
              "follow_ups": N_("Follow-ups")},
    "study": {"summary": N_("Summary"), "tasks": N_("Ratings per core task"),
              "groups": N_("Differences between posts"), "actions": N_("Extra actions"),
              "support": N_("Support wished for"), "interviews": N_("Interviews"), "open": N_("Open answers")},
}
FILE_NAMES: dict[str, str] = {
    "country": N_("Briefing {post} {date}"),
    "company": N_("Conversation brief {name} {date}"),
    "event": N_("Event report {title} {date}"),
    "study": N_("Usability study {date}"),
}
MAX_EVENTS = 500  # the newest; an event further back is rarely what a report is wanted for
FILE_NAME_CHARS = 120


def section_label(kind: str, section: str) -> str:
    """The section's name as the window shows it (its key when the pack gained one not listed here)."""
    label = SECTION_LABELS.get(kind, {}).get(section)
    return _(label) if label else section.replace("_", " ").capitalize()


def safe_file_name(text: str) -> str:
    """``text`` without the characters Windows, macOS or Linux refuse in a file name."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text)
    return re.sub(r"\s+", " ", cleaned).strip(" .")[:FILE_NAME_CHARS].strip() or "pack"


class ReportChoices:
    """The last choices made in the dialog, kept in ``QSettings`` under ``reports/``."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings if qsettings is not None else QSettings(ORGANISATION, APPLICATION)

    def _str(self, key: str) -> str:
        value = self._s.value(key, "")
        return str(value) if value is not None else ""

    @property
    def pack(self) -> str:
        value = self._str("reports/pack")
        return value if value in PACK_KINDS else "country"

    @pack.setter
    def pack(self, value: str) -> None:
        self._s.setValue("reports/pack", value)

    @property
    def language(self) -> str:
        """The pack language chosen last; otherwise the window's language when packs come in it, else English."""
        value = self._str("reports/language")
        if value in PACK_LANGUAGES:
            return value
        return language() if language() in PACK_LANGUAGES else "en"

    @language.setter
    def language(self, value: str) -> None:
        self._s.setValue("reports/language", value)

    @property
    def classification(self) -> str:
        """The classification line chosen last, or empty (the default of the pack's language)."""
        return self._str("reports/classification")

    @classification.setter
    def classification(self, value: str) -> None:
        self._s.setValue("reports/classification", value.strip())

    def sections(self, kind: str) -> frozenset[str]:
        """The sections of ``kind`` chosen last (all of them when none were saved)."""
        saved = {part for part in self._str(f"reports/sections/{kind}").split(",") if part}
        known = set(SECTIONS[kind])
        return frozenset(saved & known) or frozenset(known)

    def set_sections(self, kind: str, sections: frozenset[str]) -> None:
        self._s.setValue(f"reports/sections/{kind}", ",".join(s for s in SECTIONS[kind] if s in sections))

    def sync(self) -> None:
        self._s.sync()


@dataclass(frozen=True)
class BuildTexts:
    """What the worker may need to say, translated in the window's language before the build starts."""

    cancelled: str
    unexpected: str


class PackWorker(CancellableWorker):
    """Makes one pack in its own thread with its own read session; ``cancel`` may be called from any
    thread and is seen by the core at the next page laid out."""

    progressed = Signal(int)  # pages laid out so far (the page the layout has reached)
    succeeded = Signal(str)  # the path written
    failed = Signal(str)  # the message for the user
    cancelled = Signal(str)  # the message for the user

    def __init__(self, store: Store, kind: str, options: ReportOptions, path: Path, texts: BuildTexts) -> None:
        super().__init__()
        self.store, self.kind, self.options, self.path, self.texts = store, kind, options, path, texts

    def progress(self, page: int) -> bool:
        self.progressed.emit(page)
        return not self.cancel_requested

    @Slot()
    def run(self) -> None:
        try:
            with self.store.read() as session:
                written = make_pack(self.kind, session, self.options, self.path, progress=self.progress)
        except Exception as exc:  # the thread must always report back, whatever went wrong
            if self.cancel_requested and isinstance(exc, PostAppError):
                self.cancelled.emit(self.texts.cancelled)
            else:  # here, where the traceback is at hand for the log of an unexpected failure
                self.failed.emit(user_message(exc, self.texts.unexpected))
        else:
            self.succeeded.emit(str(written))
        finally:
            self.done.emit()


class ReportDialog(QDialog):
    """File → Briefing pack…: choose a pack and make its PDF. ``make(path)`` does the work without
    asking for a file, so it can be driven from tests and scripts."""

    finished_pack = Signal(str)  # the path written

    def __init__(self, store: Store, prefs: Preferences, parent: QWidget | None = None,
                 choices: ReportChoices | None = None) -> None:
        super().__init__(parent)
        self.store, self.prefs = store, prefs
        self.choices = choices or ReportChoices()
        self.written: Path | None = None
        self._thread: QThread | None = None
        self._worker: PackWorker | None = None
        self._close_when_done = False
        self._events_loaded = False
        self.setObjectName("reportDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Briefing pack"))
        self.setMinimumWidth(560)
        # Shown while a build runs, when the core may have switched the language of messages.
        self._page_text = _("Laying out page {page}…")
        self._gathering_text = _("Gathering the records…")
        self._cancelling_text = _("Cancelling at the next page…")
        self._texts = BuildTexts(cancelled=_("Making the pack was cancelled; no file was written."),
                                 unexpected=_("The pack could not be made ({kind}); no file was written. "
                                              "The details are in the log."))

        self.errors = FieldErrors()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form

        self.kind = named(QComboBox(), "packKind")
        for key, label in PACK_KINDS.items():
            self.kind.addItem(_(label), key)
        self._add_row("pack", _("&Pack"), self.kind)

        today = QDate.currentDate()
        self.date_from = named(QDateEdit(today.addMonths(-12).addDays(1)), "dateFrom")
        self.date_to = named(QDateEdit(today), "dateTo")
        period = QWidget()
        period_layout = QHBoxLayout(period)
        period_layout.setContentsMargins(0, 0, 0, 0)
        dash = QLabel("–")
        for edit, name in ((self.date_from, _("First day of the period")),
                           (self.date_to, _("Last day of the period"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            edit.dateChanged.connect(self._period_edited)
        period_layout.addWidget(self.date_from, 1)
        period_layout.addWidget(dash)
        period_layout.addWidget(self.date_to, 1)
        period.setFocusProxy(self.date_from)
        self.period = period
        self._add_row("period", _("Pe&riod"), period)  # names the row; the edits keep theirs

        self.company = named(OrganisationPicker(), "company")
        self.company.store = store
        self._add_row("company", _("Or&ganisation"), self.company)
        self.company.textEdited.connect(lambda _text: self._clear_error("company"))

        self.event_box = named(QComboBox(), "event")
        self.event_box.setMinimumContentsLength(30)
        self.event_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._add_row("event", _("&Event or training"), self.event_box)
        self.event_box.currentIndexChanged.connect(lambda _row: self._clear_error("event"))

        self.pack_language = named(QComboBox(), "packLanguage")
        for code in PACK_LANGUAGES:
            self.pack_language.addItem(LANGUAGES[code], code)  # each language by its own name
        self._add_row("language", _("&Language of the pack"), self.pack_language)

        self.classification = named(QComboBox(), "classification")
        self.classification.setEditable(True)
        self.classification.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.classification.setToolTip(_("Printed at the top of every page; choose one or type your own"))
        self._add_row("classification", _("Cl&assification"), self.classification)

        # One page of ticks per pack, only the chosen pack's shown (a hidden page takes no room, as it
        # would in a QStackedWidget); the others keep their ticks when the user switches back.
        self.sections = QWidget()
        pages = QVBoxLayout(self.sections)
        pages.setContentsMargins(0, 0, 0, 0)
        self.section_pages: dict[str, QWidget] = {}
        self.section_boxes: dict[str, dict[str, QCheckBox]] = {}
        for key in PACK_KINDS:
            page = QWidget()
            column = QVBoxLayout(page)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            boxes = {}
            for section in SECTIONS[key]:
                box = named(QCheckBox(section_label(key, section)), f"section_{section}")
                box.setAccessibleName(section_label(key, section))
                box.toggled.connect(lambda _on: self._clear_error("sections"))
                column.addWidget(box)
                boxes[section] = box
            self.section_boxes[key] = boxes
            self.section_pages[key] = page
            pages.addWidget(page)
        self._add_row("sections", _("&Sections"), self.sections)

        self.include_sensitive = named(QCheckBox(_("Include sensiti&ve contacts")), "includeSensitive")
        self.include_sensitive.setAccessibleName(_("Include sensitive contacts"))
        self.sensitive_warning = named(QLabel(_(
            "The pack will name human rights defenders, trade unionists and other sensitive contacts. "
            "Keep it inside the post: do not mail it or leave it on a shared drive.")), "sensitiveWarning")
        self.sensitive_warning.setWordWrap(True)
        self.sensitive_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.sensitive_warning.setStyleSheet(error_style())
        self.sensitive_warning.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.include_sensitive.toggled.connect(self._sensitive_toggled)
        self.open_when_ready = named(QCheckBox(_("Open &when ready")), "openWhenReady")
        self.open_when_ready.setAccessibleName(_("Open when ready"))
        self.open_when_ready.setChecked(True)

        self.progress = named(QProgressBar(), "packProgress")
        self.progress.setAccessibleName(_("Progress"))
        self.progress.setRange(0, 0)  # the number of pages is known only at the end
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = named(QLabel(), "packStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the path the user chose
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.open_button = named(QPushButton(_("&Open")), "openPack")
        self.open_button.setAccessibleName(_("Open the PDF"))
        self.open_button.clicked.connect(self.open_pack)
        self.open_button.hide()
        self.make_button = named(QPushButton(_("&Make PDF…")), "makePack")
        self.make_button.setAccessibleName(_("Make PDF"))
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.choose_file_and_make)
        self.cancel_button = named(QPushButton(_("&Cancel")), "cancelPack")
        self.cancel_button.setAccessibleName(_("Cancel making the pack"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = named(QPushButton(_("Close")), "closeReport")
        self.close_button.setAccessibleName(_("Close"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        for button in (self.open_button, self.cancel_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        outcome = QHBoxLayout()  # "saved as …" with its Open button beside it
        outcome.addWidget(self.status, 1)
        outcome.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)

        # Under the fields, where the eye already is. The warning spans the form, indented when shown:
        # a word-wrapped label in the field column is given room for more lines than it has.
        form.addRow("", self.include_sensitive)
        form.addRow(self.sensitive_warning)
        form.setRowVisible(self.sensitive_warning, False)
        form.addRow("", self.open_when_ready)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.progress)
        layout.addLayout(outcome)
        layout.addLayout(buttons)
        self._inputs: list[QWidget] = [self.kind, self.period, self.company, self.event_box, self.pack_language,
                                       self.classification, self.sections, self.include_sensitive,
                                       self.open_when_ready, self.make_button, self.close_button]
        self._restore()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.pack_language.currentIndexChanged.connect(self._language_changed)
        self._kind_changed()

    # Choices ----------------------------------------------------------------------------------------

    def _restore(self) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(self.choices.pack), 0))
        self.pack_language.setCurrentIndex(max(self.pack_language.findData(self.choices.language), 0))
        self._fill_classifications(self.choices.classification)
        for kind, boxes in self.section_boxes.items():
            chosen = self.choices.sections(kind)
            for section, box in boxes.items():
                box.setChecked(section in chosen)

    def _remember(self) -> None:
        self.choices.pack = self.pack_kind
        self.choices.language = self.language_code
        self.choices.classification = self.classification.currentText()
        self.choices.set_sections(self.pack_kind, self.chosen_sections())
        self.choices.sync()

    def _fill_classifications(self, text: str) -> None:
        items = CLASSIFICATIONS[self.language_code]
        self.classification.clear()
        self.classification.addItems(list(items))
        self.classification.setCurrentText(text.strip() or items[0])

    @property
    def pack_kind(self) -> str:
        return str(self.kind.currentData())

    @property
    def language_code(self) -> str:
        return str(self.pack_language.currentData())

    def chosen_sections(self) -> frozenset[str]:
        return frozenset(s for s, box in self.section_boxes[self.pack_kind].items() if box.isChecked())

    def _kind_changed(self) -> None:
        kind = self.pack_kind
        for key, page in self.section_pages.items():
            page.setVisible(key == kind)
        self.form.setRowVisible(self._row(self.company), kind == "company")
        self.form.setRowVisible(self._row(self.event_box), kind == "event")
        self._enable_for_kind()
        self.period.setToolTip("" if self._has_period() else _("Does not apply to this pack"))
        if kind == "study":
            self.include_sensitive.setChecked(False)
        if kind == "event":
            self._load_events()
        self.errors.clear()
        QTimer.singleShot(0, self, self._fit)

    def _language_changed(self) -> None:
        text = self.classification.currentText().strip()
        for items in CLASSIFICATIONS.values():
            if text in items:  # a standard line: give the same one in the new language
                text = CLASSIFICATIONS[self.language_code][items.index(text)]
                break
        self._fill_classifications(text)

    def _sensitive_toggled(self, on: bool) -> None:
        if on:  # under the checkbox: the field column starts where the first field does
            label = self.form.labelForField(self._row(self.kind))
            indent = self.include_sensitive.x() - (label.x() if label is not None else 0)
            self.sensitive_warning.setContentsMargins(max(indent, 0), 0, 0, 0)
        self.form.setRowVisible(self.sensitive_warning, on)
        QTimer.singleShot(0, self, self._fit)

    def _fit(self) -> None:
        """Back to the height the chosen pack needs once rows came or went; the width stays as it is."""
        if self.isVisible() and not self.isMaximized():
            height = self.heightForWidth(self.width())  # word-wrapped labels: their height at this width
            self.resize(self.width(), height if height > 0 else self.sizeHint().height())

    def _period_edited(self) -> None:
        self._clear_error("period")

    def _add_row(self, field: str, label: str, widget: QWidget) -> None:
        self.errors.add_row(self.form, field, label, widget)
        widget.setAccessibleName(label.replace("&", ""))  # the row label keeps its mnemonic, the name not

    @staticmethod
    def _row(field: QWidget) -> QWidget:
        """The box ``FieldErrors.add_row`` put the field in: the form row's field widget."""
        box = field.parentWidget()
        assert box is not None
        return box

    def _has_period(self) -> bool:
        # The study covers every response and the event report one day: a period would not apply.
        return self.pack_kind in ("country", "company")

    def _enable_for_kind(self) -> None:
        self.period.setEnabled(self._has_period())
        label = self.form.labelForField(self._row(self.period))
        if label is not None:  # greyed with its fields, so the row reads as not applying
            label.setEnabled(self._has_period())
        self.include_sensitive.setEnabled(self.pack_kind != "study")  # the study report names no contacts

    def _clear_error(self, field: str) -> None:
        label = self.findChild(QLabel, f"error_{field}")
        if label is not None and label.isVisible():
            label.clear()
            label.hide()

    def _load_events(self) -> None:
        """The post's events and trainings, newest first, as "date – title"."""
        if self._events_loaded:
            return
        from sqlalchemy import select

        from postapp.domain import Activity, ActivityKind

        query = (select(Activity.id, Activity.date, Activity.title)
                 .where(Activity.kind.in_((ActivityKind.EVENT, ActivityKind.TRAINING)),
                        Activity.deleted_at.is_(None))
                 .order_by(Activity.date.desc(), Activity.title).limit(MAX_EVENTS))
        if self.prefs.post_code:
            query = query.where(Activity.post_code == self.prefs.post_code)
        try:
            with self.store.read() as session:
                rows = list(session.execute(query))
        except Exception as exc:
            show_error(self, user_message(exc, _("The events could not be read ({kind}). The details are "
                                                 "in the log.")))
            return
        self._events_loaded = True
        self.event_box.clear()
        for row in rows:
            self.event_box.addItem(f"{format_date(row.date)} – {row.title}", row.id.hex)
        if not rows:
            self.event_box.setPlaceholderText(_("No events or trainings recorded"))
        self.event_box.setCurrentIndex(0 if rows else -1)

    # Making the pack --------------------------------------------------------------------------------

    def validate(self) -> ReportOptions | None:
        """The options for the build, or None with the problems shown at their fields."""
        errors: dict[str, str] = {}
        kind = self.pack_kind
        start: dt.date | None = self.date_from.date().toPython()  # type: ignore[assignment]
        end: dt.date | None = self.date_to.date().toPython()  # type: ignore[assignment]
        if self._has_period():
            if start and end and start > end:
                errors["period"] = _("The period starts after it ends.")
        else:
            start = end = None
        company_id: uuid.UUID | None = None
        if kind == "company":
            company_id, valid = self.company.chosen()
            if not valid:
                errors["company"] = _("Choose the organisation from the suggestions.")
            elif company_id is None:
                errors["company"] = _("Choose the organisation the brief is about.")
        event_id: uuid.UUID | None = None
        if kind == "event":
            data = self.event_box.currentData()
            if data:
                event_id = uuid.UUID(str(data))
            else:
                errors["event"] = _("Choose the event or training the report is about.")
        sections = self.chosen_sections()
        if not sections:
            errors["sections"] = _("Choose at least one section.")
        self.errors.clear()
        if errors:
            from postapp.errors import ValidationError

            self.errors.show(ValidationError(errors))
            first: QWidget = {"period": self.date_from, "company": self.company, "event": self.event_box,
                              "sections": self.section_boxes[kind][SECTIONS[kind][0]]}[next(iter(errors))]
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        return ReportOptions(
            language=self.language_code, date_from=start, date_to=end,
            sections=None if sections == frozenset(SECTIONS[kind]) else sections,
            classification=self.classification.currentText().strip(), post_name=self.prefs.post_name,
            post_code=self.prefs.post_code, country=self.prefs.country,
            include_sensitive=self.include_sensitive.isChecked() and kind != "study",
            company_id=company_id, event_id=event_id)

    def default_path(self) -> Path:
        """Where the file dialog starts: the Documents folder, a name saying what the pack is."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
        today = dt.date.today().isoformat()
        kind = self.pack_kind
        name = _(FILE_NAMES[kind]).format(
            post=self.prefs.post_name or self.prefs.post_code, date=today,
            name=self.company.text().strip() if kind == "company" else "",
            title=self.event_box.currentText().partition(" – ")[2] if kind == "event" else "")
        return base / f"{safe_file_name(name)}.pdf"

    def choose_file_and_make(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        if self.building or self.validate() is None:  # say what is missing before asking for a file
            return
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Save the pack as"), str(self.default_path()),
                                                      _("PDF document (*.pdf)"))
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self.make(path)

    def make(self, path: Path) -> None:
        """Checks the choices and starts writing the pack to ``path`` in the background; returns at once.
        ``finished_pack`` follows on success; ``building`` is False again when the build is over."""
        if self.building:
            return
        options = self.validate()
        if options is None:
            return
        path = Path(path)
        # Checked here too, so these messages come in the window's language (the core speaks the pack's).
        if path.suffix.lower() != ".pdf":
            show_error(self, _("Choose a file name ending in .pdf."))
            return
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            show_error(self, _("Could not write {path}: the folder {folder} does not exist.").format(
                path=path, folder=folder))
            return
        self._remember()
        self.written = None
        self.open_button.hide()
        self.status.setText(self._gathering_text)
        self.progress.show()
        self._set_building(True)
        worker = PackWorker(self.store, self.pack_kind, options, path, self._texts)
        thread = QThread(self)
        thread.setObjectName("packBuilder")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # Bound methods of objects in this thread: Qt queues the worker's signals to the dialog.
        worker.progressed.connect(self._progressed)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)
        worker.done.connect(thread.quit)
        thread.finished.connect(self._build_over)
        self._thread, self._worker = thread, worker
        thread.start()

    @property
    def building(self) -> bool:
        return self._thread is not None

    def cancel(self) -> None:
        """Asks the build to stop; the core stops at the next page laid out and writes nothing."""
        if self._worker is not None:
            self._worker.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(self._cancelling_text)

    def _set_building(self, on: bool) -> None:
        for widget in self._inputs:
            widget.setEnabled(not on)
        if not on:
            self._enable_for_kind()
        self.cancel_button.setEnabled(on)
        if on:
            self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _progressed(self, page: int) -> None:
        if self._worker is not None and not self._worker.cancel_requested:
            self.status.setText(self._page_text.format(page=page))

    def _succeeded(self, path: str) -> None:
        self.written = Path(path)
        self.status.setText(_("The pack was saved as {path}").format(path=path))
        self.open_button.show()
        self.finished_pack.emit(path)
        if self.open_when_ready.isChecked():
            self.open_pack()

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        show_error(self, message)

    def _cancelled(self, message: str) -> None:
        self.status.setText(message)

    def _build_over(self) -> None:
        thread = self._thread
        self._thread, self._worker = None, None
        if thread is not None:
            thread.wait()  # ``finished`` comes just before the thread has quite ended
            thread.deleteLater()
        self.progress.hide()
        self._set_building(False)
        if self.written is not None:
            self.open_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.make_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if self._close_when_done:
            super().reject()

    def open_pack(self) -> None:
        if self.written is None:
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written))):
            show_error(self, _("{path} could not be opened: no program to show PDF files was found.").format(
                path=self.written))

    # Closing ----------------------------------------------------------------------------------------

    def reject(self) -> None:
        """Escape or Close during a build cancels it and closes once the core has stopped."""
        if self.building:
            self._close_when_done = True
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.building:
            self._close_when_done = True
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
