"""One event in a dialog: details, the invitation list with statuses, attendance counts, follow-ups and
the evaluation. Everything is held in the dialog until Save, which writes it in one transaction; the
core (``postapp.services.events``) validates and the dialog shows each message at its field."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from postapp.coretasks import CoreTask
from postapp.domain import EventFormat, ParticipantStatus
from postapp.i18n import _, format_number, ngettext
from postapp.services.activities import FollowUpData
from postapp.services.events import (
    EventData,
    ParticipantData,
    PersonBrief,
    capacity_warning,
    common_timezones,
    default_timezone,
    summarise,
)
from postapp.ui.appearance import error_style
from postapp.ui.forms import FieldErrors, NotesEdit, attempt
from postapp.ui.messages import guarded
from postapp.ui.naming import named

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from postapp.store import Store

T = TypeVar("T")

ID_ROLE = Qt.ItemDataRole.UserRole
DETAILS, PARTICIPANTS, ATTENDANCE, FOLLOW_UPS, EVALUATION = range(5)
_TAB_OF = {"participants": PARTICIPANTS, "follow_ups": FOLLOW_UPS, "evaluation": EVALUATION}


def _system_zone() -> str:
    from PySide6.QtCore import QTimeZone

    return bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")


def _wall_time(edit: QDateTimeEdit) -> dt.datetime:
    """The date and time as typed, with no zone: the laptop's own zone must not shift it."""
    value = edit.dateTime()
    return dt.datetime.combine(value.date().toPython(), value.time().toPython())  # type: ignore[arg-type]


def _set_wall_time(edit: QDateTimeEdit, value: dt.datetime) -> None:
    edit.setDateTime(QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute)))


class EventDialog(QDialog):
    saved = Signal()

    def __init__(self, store: Store, task: CoreTask = CoreTask.AWARENESS, event_id: uuid.UUID | None = None,
                 parent: QWidget | None = None, post_code: str = "", country: str | None = None) -> None:
        super().__init__(parent)
        self.store, self.task, self.event_id, self.post_code = store, task, event_id, post_code
        self.setObjectName("eventDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("New event") if event_id is None else _("Event"))
        self.resize(820, 620)
        self.errors = FieldErrors()
        self.persons: dict[uuid.UUID, PersonBrief] = {}
        if country is None:
            from postapp.ui.settings import Preferences

            country = Preferences().country
        self.tabs = named(QTabWidget(), "eventTabs")
        self.tabs.addTab(self._details(country), _("&Details"))
        self.tabs.addTab(self._participants(), _("&Participants"))
        self.tabs.addTab(self._attendance(), _("Atte&ndance"))
        self.tabs.addTab(self._follow_ups(), _("&Follow-ups"))
        self.tabs.addTab(self._evaluation(), _("E&valuation"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.run_search)
        guarded(self, self._load)
        self._refresh_counts()

    # --- tabs ------------------------------------------------------------------------------------

    def _details(self, country: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.title_edit = named(QLineEdit(), "title")
        self.format = named(QComboBox(), "format")
        for fmt in EventFormat:
            self.format.addItem(_(fmt.label), fmt.value)
        start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=14), dt.time(9, 0))
        self.starts = named(QDateTimeEdit(), "starts")
        self.ends = named(QDateTimeEdit(), "ends")
        for edit, value in ((self.starts, start), (self.ends, start + dt.timedelta(hours=3))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            _set_wall_time(edit, value)
        self.starts.dateTimeChanged.connect(self._start_moved)
        self._last_start = _wall_time(self.starts)
        self.timezone = named(QComboBox(), "timezone")
        self.timezone.setEditable(True)
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.addItems(common_timezones(country))
        self.timezone.setCurrentText(default_timezone(country, _system_zone()))
        self.location = named(QLineEdit(), "location")
        self.capacity = named(QLineEdit(), "capacity")
        self.capacity.setPlaceholderText(_("no limit"))
        self.capacity.textChanged.connect(lambda _text: self._refresh_counts())
        self.notes = named(NotesEdit(_("Notes")), "notes")
        for field, label, widget in (
            ("title", _("&Title"), self.title_edit), ("format", _("&Kind of event"), self.format),
            ("starts", _("&Start"), self.starts), ("ends", _("&End"), self.ends),
            ("timezone", _("Time &zone"), self.timezone), ("location", _("&Location"), self.location),
            ("capacity", _("&Capacity"), self.capacity), ("notes", _("&Notes and programme"), self.notes),
        ):
            self.errors.add_row(form, field, label, widget)
        return page

    def _participants(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.table = named(QTableWidget(0, 3), "participants")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.setHorizontalHeaderLabels([_("Name"), _("Organisation"), _("Status")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(0, 240)
        self.table.setColumnWidth(1, 240)
        self.table.setColumnWidth(2, 150)
        remove_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        remove_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove_shortcut.activated.connect(self.remove_selected)
        form = QFormLayout()
        self.errors.add_row(form, "participants", _("Invitation list"), self.table)
        self.capacity_label = named(QLabel(), "capacityWarning")
        self.capacity_label.setStyleSheet(error_style())
        self.capacity_label.setWordWrap(True)
        self.remove_button = named(QPushButton(_("&Remove from list")), "removeParticipant")
        self.remove_button.clicked.connect(self.remove_selected)

        self.search = named(QLineEdit(), "participantSearch")
        self.search.setPlaceholderText(_("Name, e-mail, organisation or tag"))
        self.search.setAccessibleName(_("Search contacts to invite"))
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.run_search)
        self.results = named(QListWidget(), "searchResults")
        self.results.setAccessibleName(_("Contacts found"))
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.results.itemActivated.connect(lambda _item: self.invite_selected())
        self.invite_button = named(QPushButton(_("&Invite selected")), "inviteSelected")
        self.invite_button.clicked.connect(self.invite_selected)
        self.tag_combo = named(QComboBox(), "tagCombo")
        self.tag_combo.setAccessibleName(_("Tag"))
        self.tag_button = named(QPushButton(_("Invite everyone &with this tag")), "inviteTag")
        self.tag_button.clicked.connect(self.invite_tag)
        self.invite_note = named(QLabel(), "inviteNote")

        search_label = QLabel(_("Invite from &search:"))
        search_label.setBuddy(self.search)
        tag_label = QLabel(_("Invite by ta&g:"))
        tag_label.setBuddy(self.tag_combo)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.capacity_label)
        left.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        right = QVBoxLayout()
        right.addWidget(search_label)
        right.addWidget(self.search)
        right.addWidget(self.results)
        right.addWidget(self.invite_button)
        right.addWidget(tag_label)
        right.addWidget(self.tag_combo)
        right.addWidget(self.tag_button)
        right.addWidget(self.invite_note)
        row = QHBoxLayout()
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        layout.addLayout(row)
        return page

    def _attendance(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.status_totals = named(QLabel(), "statusTotals")
        self.status_totals.setWordWrap(True)
        self.by_kind = named(self._count_table(_("Type of organisation")), "attendanceByKind")
        self.by_kind.setAccessibleName(_("Attended, by type of organisation"))
        self.by_gender = named(self._count_table(_("Gender")), "attendanceByGender")
        self.by_gender.setAccessibleName(_("Attended, by gender"))
        layout.addWidget(self.status_totals)
        tables = QHBoxLayout()
        tables.addWidget(self.by_kind)
        tables.addWidget(self.by_gender)
        layout.addLayout(tables)
        return page

    @staticmethod
    def _count_table(heading: str) -> QTableWidget:
        table = QTableWidget(0, 2)
        table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        table.setHorizontalHeaderLabels([heading, _("Attended")])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setColumnWidth(0, 220)
        return table

    def _follow_ups(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.follow_table = named(QTableWidget(0, 4), "followUps")
        self.follow_table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.follow_table.setHorizontalHeaderLabels([_("Follow-up"), _("Owner"), _("Due date"), _("Done")])
        self.follow_table.verticalHeader().hide()
        self.follow_table.setColumnWidth(0, 330)
        self.follow_table.setColumnWidth(2, 110)
        form = QFormLayout()
        self.errors.add_row(form, "follow_ups", _("Follow-ups"), self.follow_table)
        add = named(QPushButton(_("&Add follow-up")), "addFollowUp")
        add.clicked.connect(lambda: self.add_follow_up(FollowUpData()))
        remove = named(QPushButton(_("Re&move follow-up")), "removeFollowUp")
        remove.clicked.connect(self.remove_follow_up)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        layout.addLayout(form)
        layout.addLayout(buttons)
        return page

    def _evaluation(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.evaluation = named(NotesEdit(_("Evaluation")), "evaluation")
        self.errors.add_row(form, "evaluation", _("What went well, what to do differently"), self.evaluation)
        return page

    # --- loading ---------------------------------------------------------------------------------

    def _load(self) -> None:
        from postapp.services import events

        with self.store.read() as session:
            self.tag_combo.addItems(events.tag_names(session))
            if self.event_id is None:
                return
            data = events.event_data(events.get_event(session, self.event_id))
            wanted = data.participants or []
            self.persons = {b.id: b for b in events.person_briefs(session, [p.person_id for p in wanted])}
        self.task = CoreTask(data.core_task)
        self.setWindowTitle(_("Event: {title}").format(title=data.title))
        self.title_edit.setText(data.title)
        self.format.setCurrentIndex(max(0, self.format.findData(str(data.format))))
        assert isinstance(data.starts, dt.datetime) and isinstance(data.ends, dt.datetime)
        _set_wall_time(self.starts, data.starts)
        _set_wall_time(self.ends, data.ends)
        self._last_start = data.starts
        self.timezone.setCurrentText(data.timezone)
        self.location.setText(data.location)
        self.capacity.setText("" if data.capacity is None else str(data.capacity))
        self.notes.setPlainText(data.notes)
        self.evaluation.setPlainText(data.evaluation)
        for participant in wanted:
            if participant.person_id in self.persons:
                self._add_row(self.persons[participant.person_id], ParticipantStatus(participant.status))
        for follow_up in data.follow_ups:
            self.add_follow_up(follow_up)

    def _start_moved(self) -> None:
        # The end moves with the start, so shifting an event by a day is one edit, not two.
        new_start = _wall_time(self.starts)
        _set_wall_time(self.ends, _wall_time(self.ends) + (new_start - self._last_start))
        self._last_start = new_start

    # --- participants ----------------------------------------------------------------------------

    def participant_ids(self) -> list[uuid.UUID]:
        items = (self.table.item(row, 0) for row in range(self.table.rowCount()))
        return [item.data(ID_ROLE) for item in items if item is not None]

    def status_combo(self, row: int) -> QComboBox:
        combo = self.table.cellWidget(row, 2)
        assert isinstance(combo, QComboBox)
        return combo

    def _add_row(self, brief: PersonBrief, status: ParticipantStatus = ParticipantStatus.INVITED) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(brief.name + (" " + _("(sensitive)") if brief.sensitive else ""))
        name.setData(ID_ROLE, brief.id)
        self.table.setItem(row, 0, name)
        self.table.setItem(row, 1, QTableWidgetItem(brief.organisation or "–"))
        combo = QComboBox()
        combo.setObjectName(f"status_{row}")
        combo.setAccessibleName(_("Status of {name}").format(name=brief.name))
        for option in ParticipantStatus:
            combo.addItem(_(option.label), option.value)
        combo.setCurrentIndex(combo.findData(status.value))
        combo.currentIndexChanged.connect(lambda _index: self._refresh_counts())
        self.table.setCellWidget(row, 2, combo)

    def add_persons(self, briefs: list[PersonBrief]) -> tuple[int, int]:
        """Adds those not yet on the list as invited; returns (added, already on the list)."""
        on_list = set(self.participant_ids())
        added = 0
        self.table.setUpdatesEnabled(False)
        try:
            for brief in briefs:
                if brief.id in on_list:
                    continue
                self.persons[brief.id] = brief
                self._add_row(brief)
                on_list.add(brief.id)
                added += 1
        finally:
            self.table.setUpdatesEnabled(True)
        skipped = len(briefs) - added
        note = ngettext("{count} person invited.", "{count} persons invited.", added).format(
            count=format_number(added))
        if skipped:
            note += " " + ngettext("{count} was already on the list.", "{count} were already on the list.",
                                   skipped).format(count=format_number(skipped))
        self.invite_note.setText(note)
        self._refresh_counts()
        return added, skipped

    def run_search(self) -> None:
        from postapp.services.events import search_persons

        self._search_timer.stop()
        query = self.search.text()
        found = guarded(self, lambda: self._read(lambda s: search_persons(s, query)))
        self.results.clear()
        on_list = set(self.participant_ids())
        for brief in found or []:
            text = brief.name + (f" — {brief.organisation}" if brief.organisation else "")
            if brief.id in on_list:
                text += " " + _("(on the list)")
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, brief)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _read(self, work: Callable[[Session], T]) -> T:
        with self.store.read() as session:
            return work(session)

    def invite_selected(self) -> None:
        chosen = [item.data(ID_ROLE) for item in self.results.selectedItems()]
        if chosen:
            self.add_persons(chosen)
            self.run_search()

    def invite_tag(self) -> None:
        from postapp.services.events import persons_with_tag

        tag = self.tag_combo.currentText()
        if not tag:
            return
        found = guarded(self, lambda: self._read(lambda s: persons_with_tag(s, tag)))
        if found is not None:
            self.add_persons(found)

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        self._refresh_counts()

    # --- follow-ups ------------------------------------------------------------------------------

    def add_follow_up(self, data: FollowUpData) -> None:
        row = self.follow_table.rowCount()
        self.follow_table.insertRow(row)
        description = QTableWidgetItem(data.description)
        description.setData(ID_ROLE, data.id)
        self.follow_table.setItem(row, 0, description)
        self.follow_table.setItem(row, 1, QTableWidgetItem(data.owner))
        due = data.due_date
        self.follow_table.setItem(row, 2, QTableWidgetItem(due.isoformat() if isinstance(due, dt.date) else due or ""))
        done = QTableWidgetItem()
        done.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        done.setCheckState(Qt.CheckState.Checked if data.done else Qt.CheckState.Unchecked)
        self.follow_table.setItem(row, 3, done)
        if not data.description:
            self.follow_table.setCurrentCell(row, 0)
            self.follow_table.editItem(description)

    def remove_follow_up(self) -> None:
        row = self.follow_table.currentRow()
        if row >= 0:
            self.follow_table.removeRow(row)

    def follow_ups(self) -> list[FollowUpData]:
        items = []
        for row in range(self.follow_table.rowCount()):
            def text(column: int, row: int = row) -> str:
                item = self.follow_table.item(row, column)
                return item.text() if item is not None else ""

            first = self.follow_table.item(row, 0)
            done = self.follow_table.item(row, 3)
            items.append(FollowUpData(description=text(0), owner=text(1), due_date=text(2),
                                      done=done is not None and done.checkState() == Qt.CheckState.Checked,
                                      id=first.data(ID_ROLE) if first is not None else None))
        return items

    # --- counts ----------------------------------------------------------------------------------

    def statuses(self) -> list[ParticipantStatus]:
        return [ParticipantStatus(self.status_combo(row).currentData()) for row in range(self.table.rowCount())]

    def _refresh_counts(self) -> None:
        ids, statuses = self.participant_ids(), self.statuses()
        summary = summarise((status, self.persons[pid].organisation_kind, self.persons[pid].gender)
                            for pid, status in zip(ids, statuses, strict=True))
        totals = [f"{_(s.label)}: {format_number(n)}" for s, n in summary.by_status.items()]
        self.status_totals.setText(ngettext("{count} on the list", "{count} on the list", len(ids)).format(
            count=format_number(len(ids))) + " — " + ", ".join(totals))
        for table, rows in ((self.by_kind, summary.by_organisation_kind), (self.by_gender, summary.by_gender)):
            table.setRowCount(0)
            for label, count in [*rows, (_("Total"), summary.attended)]:
                row = table.rowCount()
                table.insertRow(row)
                table.setItem(row, 0, QTableWidgetItem(label))
                number = QTableWidgetItem(format_number(count))
                number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                number.setData(ID_ROLE, count)
                table.setItem(row, 1, number)
        capacity = self.capacity.text().strip()
        warning = capacity_warning(int(capacity) if capacity.isdigit() else None, statuses)
        self.capacity_label.setText(warning or "")
        self.capacity_label.setVisible(bool(warning))

    def counts(self, table: QTableWidget) -> dict[str, int]:
        """Label → count as shown (for tests and screen readers reading the table)."""
        shown = {}
        for row in range(table.rowCount()):
            label, number = table.item(row, 0), table.item(row, 1)
            if label is not None and number is not None:
                shown[label.text()] = int(number.data(ID_ROLE))
        return shown

    # --- saving ----------------------------------------------------------------------------------

    def data(self) -> EventData:
        return EventData(
            title=self.title_edit.text(), core_task=self.task, format=str(self.format.currentData()),
            starts=_wall_time(self.starts), ends=_wall_time(self.ends), timezone=self.timezone.currentText(),
            location=self.location.text(), capacity=self.capacity.text(), notes=self.notes.toPlainText(),
            evaluation=self.evaluation.toPlainText(), follow_ups=self.follow_ups(),
            participants=[ParticipantData(pid, status) for pid, status in
                          zip(self.participant_ids(), self.statuses(), strict=True)],
        )

    def save(self) -> None:
        from postapp.errors import ValidationError
        from postapp.services.events import create_event, update_event

        data = self.data()

        def write() -> uuid.UUID:
            try:
                with self.store.session() as session:
                    if self.event_id is None:
                        return create_event(session, data, self.post_code).id
                    return update_event(session, self.event_id, data).id
            except ValidationError as exc:
                field = next(iter(exc.errors))
                self.tabs.setCurrentIndex(_TAB_OF.get(field, DETAILS))
                raise

        saved = attempt(self, self.errors, write)
        if saved is not None:
            self.event_id = saved
            self.saved.emit()
            self.accept()
