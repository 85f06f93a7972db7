"""The guided condition-check form: five steps (profile, due diligence, risks, sanctions, decision)
with what is complete, the proposed risk level with its reasons, and what is still missing before a
decision. The dialog only presents; every rule is in ``postapp.conditions``."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from postapp.conditions import checks, risk_data
from postapp.conditions.checks import CheckAnswers
from postapp.conditions.models import CheckStatus, Decision, RiskLevel
from postapp.conditions.rules import missing_for_decision, progress, reason_from_stored
from postapp.i18n import _, format_datetime, ngettext
from postapp.ui.check_pages import CheckView, DiligencePage, ProfilePage, RisksPage, SanctionsPage
from postapp.ui.forms import FieldErrors, NotesEdit, attempt
from postapp.ui.messages import guarded
from postapp.ui.naming import named
from postapp.ui.settings import Preferences

if TYPE_CHECKING:
    from postapp.store import Store

class DecisionPage(QWidget):
    def __init__(self, dialog: CheckDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.errors = FieldErrors()
        self.proposal = named(QLabel(), "proposal")
        self.proposal.setWordWrap(True)
        self.missing = named(QLabel(), "missing")
        self.missing.setWordWrap(True)
        self.state = named(QLabel(), "decisionState")
        self.state.setWordWrap(True)
        form = QFormLayout()
        self.decision = named(QComboBox(), "decision")
        for decision in Decision:
            self.decision.addItem(_(decision.label), decision.value)
        self.decision.currentIndexChanged.connect(lambda _i: self.dialog.update_missing())
        self.conditions = named(NotesEdit(_("Conditions")), "conditions")
        self.conditions.setPlaceholderText(_("One condition per line"))
        self.conditions.setMaximumHeight(90)
        self.rationale = named(NotesEdit(_("Rationale")), "rationale")
        self.rationale.setMaximumHeight(110)
        # Who decides and who confirms is the person using the app (Preferences, "Your name"), not a
        # name typed here: one person cannot act as both by typing a second name.
        self.decided_by = named(QLineEdit(), "decidedBy")
        self.confirmed_by = named(QLineEdit(), "confirmedBy")
        for name_field in (self.decided_by, self.confirmed_by):
            name_field.setReadOnly(True)
            name_field.setToolTip(_("Your name, as set in Preferences"))
        self.send_back_reason = named(QLineEdit(), "sendBackReason")
        for field, label, widget in (
            ("decision", _("Decision"), self.decision), ("conditions", _("Conditions"), self.conditions),
            ("rationale", _("Rationale"), self.rationale), ("decided_by", _("Decided by"), self.decided_by),
            ("missing", _("Still needed"), self.missing), ("confirmed_by", _("Confirmed by"), self.confirmed_by),
            ("reason", _("Reason for sending back"), self.send_back_reason),
        ):
            self.errors.add_row(form, field, label, widget)
        self.decide_button = named(QPushButton(_("Record &decision")), "decide")
        self.decide_button.clicked.connect(self.decide)
        self.confirm_button = named(QPushButton(_("C&onfirm (second person)")), "confirm")
        self.confirm_button.clicked.connect(self.confirm)
        self.send_back_button = named(QPushButton(_("Send &back")), "sendBack")
        self.send_back_button.clicked.connect(self.send_back)
        self.amend_button = named(QPushButton(_("&Amend (new version)")), "amend")
        self.amend_button.clicked.connect(self.amend)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.decide_button, self.send_back_button, self.confirm_button, self.amend_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.proposal)
        layout.addWidget(self.state)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch()

    def chosen(self) -> Decision:
        return Decision(str(self.decision.currentData()))

    def fill(self, view: CheckView) -> None:
        check, review = view.check, view.review
        e = html.escape
        if check.locked and check.risk_level is not None:
            # A decided check shows what it was decided on, not what today's data would propose.
            stored = [reason_from_stored(raw) for raw in check.risk_reasons]
            reasons = "".join(f"<li>{e(r.text())}</li>" for r in stored)
            level, heading, warnings = _(check.risk_level.label), _("Risk level at the decision"), ""
        else:
            reasons = "".join(f"<li>{e(r.text())}</li>" for r in review.assessment.reasons)
            warnings = "".join(f"<p><b>{e(w)}</b></p>" for w in review.warnings)
            level, heading = _(review.assessment.level.label), _("Proposed risk level")
        self.proposal.setText(f"<p>{e(heading)}: <b>{e(level)}</b></p><ul>{reasons}</ul>{warnings}")
        self.decided_by.setText(check.decided_by or self.dialog.actor)
        self.confirmed_by.setText(check.confirmed_by or (self.dialog.actor if check.status is CheckStatus.DECIDED
                                                         else ""))
        if check.decision is not None:
            self.decision.setCurrentIndex(self.decision.findData(check.decision.value))
            self.conditions.setPlainText("\n".join(check.conditions))
            self.rationale.setPlainText(check.rationale)
        states = {
            CheckStatus.DRAFT: _("Draft: the decision is not yet recorded."),
            CheckStatus.DECIDED: _("Decided by {who} on {when}; waiting for a second person to confirm."),
            CheckStatus.CONFIRMED: _("Decided by {who} on {when}, confirmed by {other} on {then}. This version "
                                     "is locked."),
        }
        self.state.setText(states[check.status].format(
            who=check.decided_by, when=format_datetime(check.decided_at, "short"), other=check.confirmed_by,
            then=format_datetime(check.confirmed_at, "short")))
        draft, decided = check.status is CheckStatus.DRAFT, check.status is CheckStatus.DECIDED
        for editable in (self.decision, self.conditions, self.rationale, self.decide_button):
            editable.setEnabled(draft)
        for second in (self.confirm_button, self.send_back_reason, self.send_back_button):
            second.setEnabled(decided)
        self.amend_button.setEnabled(check.status is CheckStatus.CONFIRMED)

    def decide(self) -> None:
        view = self.dialog.current()
        decision, rationale, who = self.chosen(), self.rationale.toPlainText(), self.dialog.actor
        conditions = self.conditions.toPlainText().splitlines()
        self.dialog.run(lambda s: checks.decide(s, view.check.id, decision, conditions, rationale, who, view.data),
                        self.errors)

    def confirm(self) -> None:
        check_id, who = self.check_id(), self.dialog.actor
        self.dialog.run(lambda s: checks.confirm(s, check_id, who), self.errors)

    def send_back(self) -> None:
        check_id, who, why = self.check_id(), self.dialog.actor, self.send_back_reason.text()
        self.dialog.run(lambda s: checks.send_back(s, check_id, who, why), self.errors)

    def amend(self) -> None:
        dialog = self.dialog
        check_id = self.check_id()

        def make_version(session: Session) -> None:
            dialog.check_id = checks.amend(session, check_id, dialog.actor).id  # the dialog shows the new one

        if not dialog.run(make_version, self.errors):
            dialog.check_id = check_id

    def check_id(self) -> uuid.UUID:
        return self.dialog.current().check.id


class CheckDialog(QDialog):
    changed = Signal()

    def __init__(self, store: Store, check_id: uuid.UUID, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.check_id, self.prefs = store, check_id, prefs
        self.actor = prefs.user_name
        self.setObjectName("checkDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1100, 720)
        self.heading = named(QLabel(), "checkHeading")
        self.heading.setWordWrap(True)
        self.nav = named(QListWidget(), "checkSteps")
        self.nav.setAccessibleName(_("Steps of the check"))
        self.nav.setMaximumWidth(260)
        self.pages = QStackedWidget()
        self.profile, self.diligence = ProfilePage(self), DiligencePage(self)
        self.risks, self.sanctions, self.decision = RisksPage(self), SanctionsPage(self), DecisionPage(self)
        titles = (_("Company and support"), _("OECD due diligence"), _("Risks"), _("Sanctions screening"),
                  _("Decision"))
        for number, (title, page) in enumerate(zip(titles, self.all_pages(), strict=True), 1):
            self.nav.addItem(f"{number}. {title}")
            self.pages.addWidget(page)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.progress = named(QLabel(), "checkProgress")
        self.progress.setWordWrap(True)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.progress)
        self.view: CheckView | None = None
        self.reload()
        self.nav.setCurrentRow(0)
        if self.view is None:  # the check could not be read; the message was shown
            QTimer.singleShot(0, self.close)

    def all_pages(self) -> tuple[QWidget, ...]:
        return (self.profile, self.diligence, self.risks, self.sanctions, self.decision)

    def reload(self, pages: tuple[QWidget, ...] | None = None) -> None:
        """Reads the check again and refills ``pages`` (all when None); pages not named keep what the
        user typed and has not saved yet."""

        def read() -> CheckView:
            data = risk_data.load()
            with self.store.read() as session:
                check = checks.get_check(session, self.check_id)
                lists = checks.sanctions_state(session)
                # Load what the pages show while the session is open; the objects outlive it.
                _loaded = (check.organisation.name, list(check.steps), list(check.hits))
                review = checks.review(check, data, lists, self.decision_choice(),
                                       stale_after_days=self.prefs.sanctions_max_age_days)
                return CheckView(check, review, data, lists)

        view = guarded(self, read)
        if view is None:
            return
        self.view = view
        check = view.check
        self.setWindowTitle(_("IMVO condition check: {company}").format(company=check.organisation.name))
        self.heading.setText(_("{company} — {support}, {country} — version {version} — {status}").format(
            company=check.organisation.name, support=_(check.support_kind.label),
            country=view.data.country_label(check.host_country), version=check.version,
            status=_(check.status.label)))
        for page in pages if pages is not None else self.all_pages():
            page.fill(view)  # type: ignore[attr-defined]
        self.update_progress()

    def decision_choice(self) -> Decision:
        return self.decision.chosen() if self.view is not None else Decision.SUPPORT

    def update_missing(self) -> None:
        """Recomputes what is missing for the decision now chosen (no support needs less), without
        reloading: unsaved entries on other pages stay as typed."""
        view = self.view
        if view is None:
            return
        missing = missing_for_decision(view.check, view.review.assessment.level, self.decision.chosen(),
                                       view.lists.available, view.lists.imported_at)
        self.view = view._replace(review=view.review._replace(missing=missing))
        self.update_progress()

    def update_progress(self) -> None:
        view = self.view
        if view is None:
            return
        level = view.review.assessment.level
        done = progress(view.check, level, view.list_available)
        for row, complete in enumerate(done):
            item = self.nav.item(row)
            text = item.text().lstrip("✓ ")
            item.setText(("✓ " if complete else "") + text)
        missing = view.review.missing
        self.decision.missing.setText("\n".join(f"• {m}" for m in missing) if missing else _("Nothing."))
        level_text = _(RiskLevel(level).label)
        still = ngettext("{n} thing is still needed before this decision (see Decision).",
                         "{n} things are still needed before this decision (see Decision).",
                         len(missing)).format(n=len(missing)) if missing else ""
        self.progress.setText(_("{done} of {total} steps complete. Proposed: {level}.").format(
            done=sum(done), total=len(done), level=level_text) + (" " + still if still else ""))

    def current(self) -> CheckView:
        assert self.view is not None, "pages act only once the check was read"
        return self.view

    def current_answers(self) -> CheckAnswers:
        check = self.current().check
        return CheckAnswers(check.oecd_declared, check.conflict_minerals, check.minerals_from_cahra,
                            list(check.minerals), dict(check.gender_answers), check.ncp_complaints)

    def run(self, action: Callable[[Session], object], errors: FieldErrors) -> bool:
        """Calls the core in one transaction; messages go to the page's fields. Afterwards the page that
        saved is refilled (with the profile and the decision it feeds); other pages keep unsaved typing.
        The decision page's actions lock or unlock everything, so they refill every page."""
        if self.view is None:
            return False
        page = next(p for p in self.all_pages() if getattr(p, "errors", None) is errors)

        def write() -> bool:
            with self.store.session() as session:
                action(session)
            return True

        done = bool(attempt(self, errors, write))
        if done:
            errors.clear()
            self.reload(None if page is self.decision else (page, self.profile, self.decision))
            self.changed.emit()
        return done
